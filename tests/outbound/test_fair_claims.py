"""Claims are fair across receivers (storage/claims.py, outbound/in_flight.py): a receiver at
its bound is left out of the claim, and a backlog at one receiver cannot fill a claim, so
another store's due delivery is taken in the same pass."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from orderhub.outbound.in_flight import InFlight
from orderhub.storage import webhooks
from orderhub.storage.database import Database

LEASE = timedelta(seconds=60)


def test_a_backlog_at_one_endpoint_does_not_fill_the_claim(
    database: Database, make_store: Any
) -> None:
    crowded, quiet = make_store("Crowded"), make_store("Quiet")
    with database.write() as conn:
        slow = webhooks.add_endpoint(conn, crowded.store.id, "http://a/", ["*"], "form", "s" * 8)
        fine = webhooks.add_endpoint(conn, quiet.store.id, "http://b/", ["*"], "form", "s" * 8)
        for order_id in range(1, 31):  # 30 orders waiting at the slow endpoint, queued first
            webhooks.enqueue(conn, crowded.store.id, [slow.id], "order.created", order_id, {})
        webhooks.enqueue(conn, quiet.store.id, [fine.id], "order.created", 1, {})
    with database.write() as conn:
        busy_only = webhooks.claim_due(conn, limit=10, lease=LEASE, busy={slow.id})
    assert [d.endpoint_id for d in busy_only] == [fine.id]
    with database.write() as conn:
        webhooks.enqueue(conn, quiet.store.id, [fine.id], "order.created", 2, {})
    with database.write() as conn:
        claimed = webhooks.claim_due(conn, limit=31, lease=LEASE, room=lambda endpoint: 2)
    assert sorted(d.endpoint_id for d in claimed) == sorted([slow.id, slow.id, fine.id])
    with database.read() as conn:
        left = webhooks.list_deliveries(conn, crowded.store.id, limit=100)
    assert sum(d.attempts == 0 for d in left) == 28  # the rest stay due, not leased


def test_in_flight_counts_per_receiver() -> None:
    async def run() -> tuple[Any, ...]:
        in_flight = InFlight(3, 2, logging.getLogger("test"))
        gate = asyncio.Event()
        for receiver in (7, 7, 8):
            in_flight.start(receiver, gate.wait())
        seen = (in_flight.free, in_flight.busy(), in_flight.room(7), in_flight.room(8))
        gate.set()
        await in_flight.wait()
        return (*seen, in_flight.free, in_flight.busy())

    assert asyncio.run(run()) == (0, frozenset({7}), 0, 1, 3, frozenset())
