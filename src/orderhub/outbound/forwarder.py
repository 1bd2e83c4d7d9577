"""The forwarder: sends queued orders to their suppliers over the print-on-demand protocol,
and polls the ones a supplier has for tracking (docs/outbound.md).

Exactly once at the supplier: the request carries an `external_id` derived from the hub
order and an `Idempotency-Key`; a try that ended without knowing whether the supplier took
the order (timeout, connection lost, 5xx, a crash mid-send) leaves the job *in doubt*, and
the next try first lists the supplier's orders and adopts the one with that external_id
before it would send again. An error the supplier answers is final: the order goes to the
"forwarding failed" folder with the message in its history, as it does after the last try.

Every request goes through the outbound guards with one overall deadline
(`ORDERHUB_FORWARD_TIMEOUT_SECONDS`) and a bounded answer (net.transport), and suppliers are
served side by side (in_flight.py): a slow or dead supplier holds only its own jobs.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from orderhub.client.errors import (
    ConflictError,
    OrderhubClientError,
    RateLimitError,
    ServerError,
    TransportError,
)
from orderhub.client.pod import AsyncPrintOnDemandClient
from orderhub.client.retry import RetryPolicy
from orderhub.domain.dates import utcnow
from orderhub.domain.orders import Item, Order
from orderhub.outbound import hub_changes, net, tracking
from orderhub.outbound.background import BackgroundLoop
from orderhub.outbound.in_flight import InFlight
from orderhub.protocol.pod.supplier_order import left_out, matching_items, order_request
from orderhub.services import forwarding
from orderhub.storage import forwarding_jobs, inventory
from orderhub.storage import orders as order_storage
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.database import Database
from orderhub.storage.forwarding_jobs import Job
from orderhub.storage.suppliers import Supplier

log = logging.getLogger("orderhub.forwarder")
LEASE = timedelta(seconds=120)
POLL_BATCH = 50  # ids per GET /api/orders.php?ids=...
LOOKUP_PAGES = 40  # at most 40 pages of 250 orders are searched for an external_id
UNCERTAIN = (TransportError, ServerError, RateLimitError)
# A supplier's answer is parsed whole, so it may be longer than a receipt: a page of 250
# orders (the in-doubt lookup) is read up to this; longer is an error (TransportError).
MAX_ANSWER_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class _Loaded:
    """What sending one job needs: the order, print data from the store's inventory
    ({code: metadata}), and the other suppliers' code patterns (to name what is left out)."""

    supplier: Supplier
    order: Order
    print_data: dict[str, dict[str, Any]]
    other_suppliers: dict[str, tuple[str, ...]]


def supplier_client(
    supplier: Supplier,
    outbound: net.OutboundSettings | net.OutboundPolicy,
    timeout_seconds: float = 30.0,
) -> AsyncPrintOnDemandClient:
    """The signed print-on-demand client for a supplier, through the outbound guards. One
    try per call: a job's own schedule does the retrying."""
    return AsyncPrintOnDemandClient(
        supplier.base_url, supplier.app_id, supplier.secret,
        timeout=timeout_seconds, retry=RetryPolicy(attempts=1),
        transport=net.transport(
            outbound, deadline=timeout_seconds, max_response_bytes=MAX_ANSWER_BYTES
        ),
    )  # fmt: skip


async def check_connection(
    supplier: Supplier, outbound: net.OutboundSettings | net.OutboundPolicy, timeout: float = 10.0
) -> tuple[bool, str]:
    """A signed request the supplier must accept (its order count): (accepted, what it said)."""
    try:
        async with supplier_client(supplier, outbound, timeout) as client:
            count = await client.count_orders()
    except net.OutboundRefused as exc:
        return False, f"not sent: {exc.message}"
    except OrderhubClientError as exc:
        return False, str(exc)[:500]
    except (KeyError, TypeError, ValueError):
        return False, "it answered, but not as a print-on-demand API does (no order count)"
    return True, f"{supplier.name} accepted a signed request (it counts {count} orders of ours)"


class Forwarder:
    def __init__(
        self,
        db: Database,
        *,
        poll_seconds: float,
        tracking_seconds: float,
        max_attempts: int,
        backoff_seconds: float,
        outbound: net.OutboundSettings | net.OutboundPolicy,
        timeout_seconds: float = 30.0,
        concurrency: int = 16,
        per_receiver: int = 4,
    ) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self.tracking_every = timedelta(seconds=tracking_seconds)
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.timeout_seconds = timeout_seconds
        self.outbound = outbound
        self.in_flight = InFlight(concurrency, per_receiver, log)
        self._loop = BackgroundLoop("forwarding", poll_seconds, log)

    def start(self) -> None:
        self._loop.start(lambda _: self.start_due(), in_flight=self.in_flight)

    async def stop(self) -> None:
        await self._loop.stop()

    def client(self, supplier: Supplier) -> AsyncPrintOnDemandClient:
        return supplier_client(supplier, self.outbound, self.timeout_seconds)

    async def start_due(self) -> int:
        """One pass: claim due jobs (as far as there is room) and start them — each job to
        send on its own, each supplier's jobs to poll together — without waiting."""
        free = self.in_flight.free
        if not free or self._loop.stopping:
            return 0
        claimed = await asyncio.to_thread(self._claim, free, self.in_flight.busy())
        to_poll: dict[int, list[Job]] = defaultdict(list)
        for job in claimed:
            if job.status == forwarding_jobs.PENDING:
                self.in_flight.start(job.supplier_id, self._forward(job))
            else:
                to_poll[job.supplier_id].append(job)
        for supplier_id, jobs in to_poll.items():
            self.in_flight.start(supplier_id, self._poll(supplier_id, jobs))
        return len(claimed)

    async def work_due(self) -> int:
        """One pass, waiting until what it claimed is done."""
        claimed = await self.start_due()
        await self.in_flight.wait()
        return claimed

    def _claim(self, free: int, busy: frozenset[int]) -> list[Job]:
        """Jobs to send within the free slots (each a task), jobs to poll up to a batch
        (one task per supplier)."""
        return forwarding.claim_due(
            self.db, limit=POLL_BATCH, lease=LEASE, poll_every=self.tracking_every,
            busy=busy, room=self.in_flight.room, to_send=free,
        )  # fmt: skip

    # --- sending -------------------------------------------------------------------------

    def _load(self, job: Job) -> _Loaded | None:
        with self.db.read() as conn:
            supplier = supplier_storage.get_supplier(conn, job.store_id, job.supplier_id)
            found = order_storage.load_orders(
                conn, job.store_id, [job.order_id], with_history=False
            )
            if not found:
                return None
            codes = sorted({item.code for item in found[0].items if item.code})
            _, stocked = inventory.list_items(
                conn, job.store_id, codes=codes, search=None, limit=len(codes), offset=0
            ) if codes else (0, [])  # fmt: skip
            others = {
                s.name: s.code_patterns
                for s in supplier_storage.list_suppliers(conn, job.store_id)
                if s.id != supplier.id
            }
        print_data = {i.code: i.metadata for i in stocked if isinstance(i.metadata, dict)}
        return _Loaded(supplier, found[0], print_data, others)

    async def _forward(self, job: Job) -> None:
        loaded = await asyncio.to_thread(self._load, job)
        if loaded is None:
            await asyncio.to_thread(
                self._mark_final, job, forwarding_jobs.FAILED, "order no longer exists"
            )
            return
        supplier, order = loaded.supplier, loaded.order
        items = matching_items(order, supplier.code_patterns)
        if not items:
            await asyncio.to_thread(self._skip, job, supplier)
            return
        request = order_request(
            order, items, external_id=job.external_id, shipping_map=supplier.shipping_map,
            inventory=loaded.print_data,
        )  # fmt: skip
        async with self.client(supplier) as client:
            try:
                placed = await self._place(client, job, request)
            except UNCERTAIN as exc:
                await asyncio.to_thread(self._retry_or_fail, job, supplier, str(exc))
                return
            except net.OutboundRefused as exc:  # nothing was sent
                await asyncio.to_thread(self._fail, job, supplier, exc.message, False)
                return
            except OrderhubClientError as exc:
                await asyncio.to_thread(self._fail, job, supplier, exc.message, False)
                return
        unsent = left_out(order, items, loaded.other_suppliers)
        await asyncio.to_thread(self._sent, job, supplier, placed, items, unsent)

    async def _place(
        self, client: AsyncPrintOnDemandClient, job: Job, request: dict[str, Any]
    ) -> dict[str, Any]:
        if job.in_doubt:
            found = await self.find_at_supplier(client, job)
            if found is not None:
                log.info("job %s: adopted supplier order %s", job.id, found.get("id"))
                return found
        try:
            return await client.create_order(request, idempotency_key=job.external_id)
        except ConflictError:  # a supplier that refuses duplicate external_ids
            found = await self.find_at_supplier(client, job)
            if found is None:
                raise
            return found

    async def find_at_supplier(
        self, client: AsyncPrintOnDemandClient, job: Job
    ) -> dict[str, Any] | None:
        """The supplier's order with this job's external_id, if it has one. The protocol has
        no external_id filter: orders created since the job was are listed and matched."""
        since = (job.created_at - timedelta(days=1)).isoformat() + "+00:00"
        seen = 0
        async for order in client.iter_orders(page_size=250, created_at_min=since):
            deleted = str(order.get("deleted", "false")).lower() == "true"
            if order.get("external_id") == job.external_id and not deleted:
                return order
            seen += 1
            if seen >= 250 * LOOKUP_PAGES:
                break
        return None

    def _sent(
        self, job: Job, supplier: Supplier, placed: dict[str, Any], items: list[Item], unsent: str
    ) -> None:
        supplier_order_id = str(placed.get("id", ""))
        lines = [(item.id, item.quantity) for item in items if item.id is not None]
        status = str(placed.get("status") or "")
        forwarding.record_sent(
            self.db, job.id, (supplier_order_id, status), lines, poll_every=self.tracking_every
        )
        hub_changes.record_forwarded(
            self.db, supplier, job.order_id, supplier_order_id, job.external_id, unsent
        )

    def _skip(self, job: Job, supplier: Supplier) -> None:
        patterns = ", ".join(supplier.code_patterns)
        self._mark_final(job, forwarding_jobs.SKIPPED, f"no item code matches {patterns}")
        hub_changes.note(
            self.db, supplier, job.order_id,
            f"Not forwarded to {supplier.name}: no item code matches {patterns}",
        )  # fmt: skip

    def _retry_or_fail(self, job: Job, supplier: Supplier, error: str) -> None:
        attempts = job.attempts + 1  # the claim counted this try
        if attempts >= self.max_attempts:
            self._fail(job, supplier, error, True)
            return
        delay = min(self.backoff_seconds * 2 ** (attempts - 1), 3600.0)
        log.warning("job %s: try %s failed (%s); next in %.0f s", job.id, attempts, error, delay)
        forwarding.schedule_retry(
            self.db, job.id, error=error, retry_at=utcnow() + timedelta(seconds=delay)
        )

    def _fail(self, job: Job, supplier: Supplier, error: str, in_doubt: bool) -> None:
        self._mark_final(job, forwarding_jobs.FAILED, error, in_doubt=in_doubt)
        hub_changes.record_failed(self.db, supplier, job.order_id, error)

    def _mark_final(self, job: Job, status: str, error: str, *, in_doubt: bool = False) -> None:
        forwarding.finish(self.db, job.id, status, error=error, in_doubt=in_doubt)

    # --- tracking --------------------------------------------------------------------------

    def _supplier(self, store_id: int, supplier_id: int) -> Supplier:
        with self.db.read() as conn:
            return supplier_storage.get_supplier(conn, store_id, supplier_id)

    async def _poll(self, supplier_id: int, jobs: list[Job]) -> None:
        supplier = await asyncio.to_thread(self._supplier, jobs[0].store_id, supplier_id)
        async with self.client(supplier) as client:
            for start in range(0, len(jobs), POLL_BATCH):
                batch = [j for j in jobs[start : start + POLL_BATCH] if j.supplier_order_id]
                ids = ",".join(str(j.supplier_order_id) for j in batch)
                try:
                    orders = await client.list_orders(ids=ids, limit=POLL_BATCH)
                except (OrderhubClientError, net.OutboundRefused) as exc:
                    log.warning("polling %s failed: %s", supplier.name, exc)
                    continue
                by_id = {str(order.get("id")): order for order in orders}
                for job in batch:
                    order = by_id.get(str(job.supplier_order_id))
                    if order is not None:
                        await asyncio.to_thread(tracking.apply, self.db, supplier, job, order)
