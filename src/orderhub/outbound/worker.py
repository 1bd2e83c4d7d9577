"""Sends queued webhook deliveries (storage/webhooks.py); one worker runs in each process.

Each pass claims due rows with a lease (twice the timeout plus a margin, so a live sender
always finishes before anyone else may take the row), renders each from the order as it is
now, and POSTs it through the outbound guards (outbound/net.py). 200 or 201 is success;
any other status, a refused or unreachable host, or a timeout is retried after
`backoff * 2**(attempt-1)` seconds until `max_attempts`, then the row is failed (an operator
may re-send it). Every attempt is logged. A process that dies mid-send loses nothing: its
rows become due again when their lease runs out.

Deliveries go out side by side (in_flight.py): a pass starts them and does not wait, so a
slow endpoint holds only its own requests (each ended by the overall deadline); the claim
only ever takes the first pending delivery of an (endpoint, order), which keeps one order's
events in order at each endpoint.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import httpx

from orderhub.config import Settings
from orderhub.domain.dates import utcnow
from orderhub.domain.orders import Order
from orderhub.outbound import net
from orderhub.outbound.sender import HttpSender
from orderhub.outbound.webhooks import render
from orderhub.services import webhook_deliveries
from orderhub.storage import orders as order_storage
from orderhub.storage import outbox, webhooks
from orderhub.storage.database import Database

log = logging.getLogger("orderhub.webhooks")
SUCCESS = (200, 201)


class WebhookWorker(HttpSender):
    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__(
            "webhook delivery", settings, poll_seconds=settings.webhook_poll_seconds,
            timeout=settings.webhook_timeout_seconds,
            per_receiver=settings.outbound_per_receiver, log=log,
        )  # fmt: skip
        self.db = db
        self.max_attempts = settings.webhook_max_attempts
        self.backoff_seconds = settings.webhook_backoff_seconds
        self.lease = timedelta(seconds=2 * self.timeout + 5)

    async def start_due(self, client: net.OutboundClient) -> int:
        """One pass: claim what is due (as far as there is room) and start sending it,
        without waiting. Returns how many deliveries were claimed."""
        free = self.in_flight.free
        if not free or self._loop.stopping:
            return 0
        claimed = await asyncio.to_thread(self._claim, free, self.in_flight.busy())
        for row in claimed:
            self.in_flight.start(row.endpoint_id, self._deliver(client, row))
        return len(claimed)

    async def deliver_due(self, client: net.OutboundClient) -> int:
        """One pass, waiting until what it claimed has been sent."""
        claimed = await self.start_due(client)
        await self.in_flight.wait()
        return claimed

    def _claim(self, limit: int = 20, busy: frozenset[int] = frozenset()) -> list[webhooks.Claimed]:
        return webhook_deliveries.claim_due(
            self.db, limit=limit, lease=self.lease, busy=busy, room=self.in_flight.room
        )

    def _load(self, row: webhooks.Claimed) -> Order | None:
        with self.db.read() as conn:
            found = order_storage.load_orders(conn, row.store_id, [row.order_id], with_history=True)
        return found[0] if found else None

    async def _deliver(self, client: net.OutboundClient, row: webhooks.Claimed) -> None:
        attempted_at = utcnow()
        started = time.monotonic()
        status: int | None = None
        excerpt = error = ""
        try:
            order = await asyncio.to_thread(self._load, row)
            if order is None:
                gone = webhooks.Attempt(attempted_at, None, 0, "", "order no longer exists")
                await asyncio.to_thread(self._settle, row, gone, final=True)
                return
            request = render(row, order)
            answer = await client.send(
                "POST", row.url, content=request.body, headers=request.headers
            )
            status, excerpt = answer.status_code, answer.excerpt()
            if answer.is_redirect:
                error = (
                    f"HTTP {status}: redirect to {answer.headers.get('location', '?')} not followed"
                )
            elif status not in SUCCESS:
                error = f"HTTP {status}"
        except net.OutboundRefused as exc:
            error = f"refused: {exc.message}"
        except net.DeadlineExceeded:
            error = f"timed out after {self.timeout:g} s"
        except (httpx.HTTPError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        duration_ms = int((time.monotonic() - started) * 1000)
        attempt = webhooks.Attempt(attempted_at, status, duration_ms, excerpt, error)
        try:
            await asyncio.to_thread(self._settle, row, attempt, final=False)
        except Exception:  # the lease runs out and the row is tried again
            log.exception("could not record webhook delivery %s", row.delivery_id)

    def _settle(self, row: webhooks.Claimed, attempt: webhooks.Attempt, *, final: bool) -> None:
        delivered = not final and attempt.status in SUCCESS and not attempt.error
        retry_at = None
        if not delivered and not final:
            retry_at = outbox.retry_at(row.attempts, self.max_attempts, self.backoff_seconds)
        if not delivered:
            log.warning(
                "webhook delivery %s to endpoint %s failed (attempt %s): %s",
                row.delivery_id, row.endpoint_id, row.attempts, attempt.error,
            )  # fmt: skip
        webhook_deliveries.record_attempt(
            self.db, row.id, attempt, delivered=delivered, retry_at=retry_at
        )
