"""Schedule rules: two `orderhub serve` processes on one database run a due rule once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.orders import Item, Order
from orderhub.services import orders, rules
from orderhub.storage import orders as order_storage
from orderhub.storage import tables
from orderhub.storage.database import Database
from tests.servers import start_server, stop_server

QUIET = {
    "ORDERHUB_NOTIFY_POLL_SECONDS": "0",
    "ORDERHUB_FORWARD_POLL_SECONDS": "0",
    "ORDERHUB_WEBHOOK_POLL_SECONDS": "0",
    "ORDERHUB_RULE_SCHEDULE_POLL_SECONDS": "0.2",
}


def test_two_processes_run_a_schedule_rule_once(database: Database, store: Any) -> None:
    order_ids = []
    for i in range(3):
        order = Order(items=[Item(name="Tee")], shipping={"company": "ACME"},
                      payment_status="Pending" if i < 2 else "Captured")  # fmt: skip
        taken = orders.take_order(database, store.store, order, channel=Channel.cli())
        assert taken.order is not None and taken.order.id is not None
        order_ids.append(taken.order.id)
    rule = rules.add_rule(database, store.store, {
        "name": "Unpaid", "event": "schedule", "every_minutes": 60, "folder": "Received",
        "conditions": [{"field": "payment_status", "op": "equals", "value": "pending"}],
        "actions": [{"action": "tag", "color": "red", "name": "Unpaid"}]},
        channel=Channel.cli())  # fmt: skip
    with database.write() as conn:  # due now
        conn.execute(update(tables.rules).where(tables.rules.c.id == rule.id)
                     .values(next_run_at=utcnow() - timedelta(minutes=1)))  # fmt: skip
    with ThreadPoolExecutor(2) as pool:  # both start (and stop) at once: half the wait
        servers = list(pool.map(lambda _: start_server(database.url, **QUIET), range(2)))
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = rules.get_rule(database, store.store.id, rule.id)
            if found is not None and found.last_run_at is not None:
                break
            time.sleep(0.2)
        time.sleep(1.0)  # both processes have polled again since
    finally:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(stop_server, servers))
    found = rules.get_rule(database, store.store.id, rule.id)
    assert found is not None and found.last_outcome is not None, "the schedule never ran"
    with database.read() as conn:
        loaded = order_storage.load_orders(conn, store.store.id, order_ids, with_history=True)
        next_run = (
            conn.execute(tables.rules.select().where(tables.rules.c.id == rule.id))
            .one()
            .next_run_at
        )
    runs = [sum(h.note.startswith("Rule 'Unpaid'") for h in o.history or []) for o in loaded]
    assert runs == [1, 1, 0]
    assert [o.tag_name for o in loaded] == ["Unpaid", "Unpaid", ""]
    assert next_run > utcnow() + timedelta(minutes=50)
