"""Delivers queued print-on-demand notifications (storage/notifications.py).

Each due row is claimed with a lease, rendered from the order as it is *now*, and POSTed as
`{"order": {...}}` to `url?AppId=...&Signature=sha1(body + secret)` through the outbound
guards (net.py: the URL is checked again on every send, since DNS can change; one overall
deadline, `ORDERHUB_NOTIFY_TIMEOUT_SECONDS`). A 2xx marks it delivered; anything else — a
refused or unreachable host, a timeout included — is retried with exponential backoff until
`notify_max_attempts`, then marked failed (kept, with the last status and error, for an
operator to see).

Stores are served side by side (in_flight.py): each store's claimed rows go out one after
the other, in the order they were queued, while other stores' go out at the same time, so a
store whose receiver is slow or dead delays only its own notifications.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from orderhub.config import Settings
from orderhub.domain.dates import store_zone, utcnow
from orderhub.outbound import net
from orderhub.outbound.sender import HttpSender
from orderhub.protocol.pod import codec
from orderhub.protocol.pod.orders import order_to_wire
from orderhub.protocol.pod.signature import sign
from orderhub.services import pod_notifications
from orderhub.storage import notifications, stores
from orderhub.storage import orders as order_storage
from orderhub.storage.database import Database

log = logging.getLogger("orderhub.notify")
ROWS_PER_STORE = 5  # claimed at once for one store, sent in turn within one lease


class Notifier(HttpSender):
    def __init__(self, db: Database, settings: Settings) -> None:
        # One send at a time per store: a store's notifications arrive in order.
        super().__init__(
            "notification delivery", settings, poll_seconds=settings.notify_poll_seconds,
            timeout=settings.notify_timeout_seconds, per_receiver=1, log=log,
        )  # fmt: skip
        self.db = db
        self.max_attempts = settings.notify_max_attempts
        self.backoff_seconds = settings.notify_backoff_seconds
        # long enough for a store's rows to go out one after the other
        self.lease = timedelta(seconds=ROWS_PER_STORE * self.timeout + 10)

    async def start_due(self, client: net.OutboundClient) -> int:
        """One pass: claim what is due for stores with nothing in flight and start sending
        it, without waiting. Returns how many rows were claimed."""
        free = self.in_flight.free
        if not free or self._loop.stopping:
            return 0
        claimed = await asyncio.to_thread(self._claim, free, self.in_flight.busy())
        by_store: dict[int, list[notifications.Pending]] = defaultdict(list)
        for row in claimed:
            by_store[row.store_id].append(row)
        for store_id, rows in by_store.items():
            self.in_flight.start(store_id, self._deliver_in_turn(client, rows))
        return len(claimed)

    async def deliver_due(self, client: net.OutboundClient) -> int:
        """One pass, waiting until what it claimed has been sent."""
        claimed = await self.start_due(client)
        await self.in_flight.wait()
        return claimed

    def _claim(self, stores_free: int, busy: frozenset[int]) -> list[notifications.Pending]:
        return pod_notifications.claim_due(
            self.db, limit=stores_free * ROWS_PER_STORE, lease=self.lease, busy=busy,
            room=lambda store_id: ROWS_PER_STORE,
        )  # fmt: skip

    async def _deliver_in_turn(
        self, client: net.OutboundClient, rows: list[notifications.Pending]
    ) -> None:
        for row in rows:
            if self._loop.stopping:
                break  # the rest are retried by the next process when their lease ends
            await self._deliver(client, row)

    def _render(self, row: notifications.Pending) -> tuple[bytes, str, str] | None:
        with self.db.read() as conn:
            store = stores.get_store(conn, row.store_id)
            secret = stores.pod_secret(conn, row.store_id)
            found = order_storage.load_orders(
                conn, row.store_id, [row.order_id], with_history=False
            )
            if not found:
                return None
            statuses = {f.id: f.pod_status for f in stores.list_folders(conn, row.store_id)}
        wire = order_to_wire(found[0], statuses, store_zone(store.timezone))
        return codec.to_json({"order": wire}), store.pod_app_id, secret

    async def _deliver(self, client: net.OutboundClient, row: notifications.Pending) -> None:
        rendered = await asyncio.to_thread(self._render, row)
        if rendered is None:
            await asyncio.to_thread(self._finish, row, None, "order no longer exists", final=True)
            return
        body, app_id, secret = rendered
        query = urlencode({"AppId": app_id, "Signature": sign(body, secret)})
        url = row.url + ("&" if "?" in row.url else "?") + query
        try:
            answer = await client.send(
                "POST", url, content=body, headers={"Content-Type": "application/json"}
            )
        except net.OutboundRefused as exc:
            await asyncio.to_thread(self._finish, row, None, f"refused: {exc.message}")
            return
        except net.DeadlineExceeded:
            await asyncio.to_thread(self._finish, row, None, f"timed out after {self.timeout:g} s")
            return
        except (httpx.HTTPError, OSError) as exc:
            await asyncio.to_thread(self._finish, row, None, f"{type(exc).__name__}: {exc}")
            return
        if 200 <= answer.status_code < 300:
            await asyncio.to_thread(self._delivered, row, answer.status_code, body)
        else:
            await asyncio.to_thread(self._finish, row, answer.status_code, answer.excerpt())

    def _delivered(self, row: notifications.Pending, status: int, body: bytes) -> None:
        pod_notifications.delivered(self.db, row.id, status, body)

    def _finish(
        self, row: notifications.Pending, status: int | None, error: str, *, final: bool = False
    ) -> None:
        retry_at: Any = None
        if not final and row.attempts < self.max_attempts:
            delay = min(self.backoff_seconds * 2 ** (row.attempts - 1), 6 * 3600)
            retry_at = utcnow() + timedelta(seconds=delay)
        if retry_at is None:
            log.warning("notification %s to store %s's URL failed: %s", row.id, row.store_id,
                        error)  # fmt: skip
        pod_notifications.failed_attempt(
            self.db, row.id, status=status, error=error, retry_at=retry_at
        )
