"""Delivers queued print-on-demand notifications (storage/notifications.py).

Each due row is claimed with a lease, rendered from the order as it is *now*, and POSTed as
`{"order": {...}}` to `url?AppId=...&Signature=sha1(body + secret)`. A 2xx marks it
delivered; anything else is retried with exponential backoff until `notify_max_attempts`,
then marked failed (kept, with the last status and error, for an operator to see).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from orderhub.api.pod import codec
from orderhub.api.pod.orders import order_to_wire
from orderhub.domain.dates import store_zone
from orderhub.outbound.background import BackgroundLoop
from orderhub.protocol.pod import sign
from orderhub.storage import notifications, stores
from orderhub.storage import orders as repo
from orderhub.storage.database import Database
from orderhub.storage.stores import utcnow

log = logging.getLogger("orderhub.notify")
LEASE = timedelta(seconds=60)


class Notifier:
    def __init__(
        self, db: Database, *, poll_seconds: float, max_attempts: int, backoff_seconds: float
    ) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self._loop = BackgroundLoop("notification delivery", poll_seconds, log)

    def start(self) -> None:
        self._loop.start(self.deliver_due, httpx.AsyncClient(timeout=10))

    async def stop(self) -> None:
        await self._loop.stop()

    async def deliver_due(self, client: httpx.AsyncClient) -> int:
        claimed = await asyncio.to_thread(self._claim)
        for row in claimed:
            if self._loop.stopping:
                break  # the rest are retried by the next process when their lease ends
            await self._deliver(client, row)
        return len(claimed)

    def _claim(self) -> list[notifications.Pending]:
        with self.db.write() as conn:
            return notifications.claim_due(conn, limit=20, lease=LEASE)

    def _render(self, row: notifications.Pending) -> tuple[bytes, str, str] | None:
        with self.db.read() as conn:
            store = stores.get_store(conn, row.store_id)
            secret = stores.pod_secret(conn, row.store_id)
            found = repo.load_orders(conn, row.store_id, [row.order_id], with_history=False)
            if not found:
                return None
            statuses = {f.id: f.pod_status for f in stores.list_folders(conn, row.store_id)}
        wire = order_to_wire(found[0], statuses, store_zone(store.timezone))
        return codec.to_json({"order": wire}), store.pod_app_id, secret

    async def _deliver(self, client: httpx.AsyncClient, row: notifications.Pending) -> None:
        rendered = await asyncio.to_thread(self._render, row)
        if rendered is None:
            await asyncio.to_thread(self._finish, row, None, "order no longer exists", final=True)
            return
        body, app_id, secret = rendered
        query = urlencode({"AppId": app_id, "Signature": sign(body, secret)})
        url = row.url + ("&" if "?" in row.url else "?") + query
        try:
            response = await client.post(
                url, content=body, headers={"Content-Type": "application/json"}
            )
        except httpx.HTTPError as exc:
            await asyncio.to_thread(self._finish, row, None, f"{type(exc).__name__}: {exc}")
            return
        if 200 <= response.status_code < 300:
            await asyncio.to_thread(self._delivered, row, response.status_code, body)
        else:
            await asyncio.to_thread(self._finish, row, response.status_code, response.text[:500])

    def _delivered(self, row: notifications.Pending, status: int, body: bytes) -> None:
        with self.db.write() as conn:
            notifications.delivered(conn, row.id, status, body)

    def _finish(
        self, row: notifications.Pending, status: int | None, error: str, *, final: bool = False
    ) -> None:
        retry_at: Any = None
        if not final and row.attempts < self.max_attempts:
            delay = min(self.backoff_seconds * 2 ** (row.attempts - 1), 6 * 3600)
            retry_at = utcnow() + timedelta(seconds=delay)
        with self.db.write() as conn:
            notifications.failed_attempt(
                conn, row.id, status=status, error=error, retry_at=retry_at
            )
