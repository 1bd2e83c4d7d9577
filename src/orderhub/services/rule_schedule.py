"""Schedule rules: every N minutes over the orders of one folder ("unpaid for 3 days →
Needs attention"). Every server process runs `RuleScheduler`; a due rule is claimed with a
conditional UPDATE of its `next_run_at` (storage/rules.py `claim_due`), so however many
processes there are, each period runs once. A run is at most once per period: a process
that dies mid-run leaves that period's run unfinished rather than repeating it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import orjson

from orderhub.domain.dates import utcnow
from orderhub.domain.limits import MAX_SCHEDULE_ORDERS
from orderhub.domain.queries import OrderQuery
from orderhub.domain.rules import SCHEDULE
from orderhub.outbound.background import BackgroundLoop
from orderhub.services import rule_runner
from orderhub.services.transaction import write
from orderhub.storage import orders as order_storage
from orderhub.storage import rules as rule_storage
from orderhub.storage import stores
from orderhub.storage.database import Database

log = logging.getLogger("orderhub.rules")


def _period(body: str) -> int | None:
    try:
        minutes = orjson.loads(body).get("every_minutes")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return minutes if isinstance(minutes, int) and minutes > 0 else None


def run_due(db: Database, now: datetime | None = None) -> int:
    """Claim the schedule rules due now and run each; how many ran."""
    with db.write() as conn:
        claimed = rule_storage.claim_due(conn, now or utcnow(), _period)
    for due in claimed:
        try:
            run_schedule(db, due.store_id, due.rule_id)
        except Exception:  # one store's failure does not stop the others
            log.exception("schedule rule %s of store %s failed", due.rule_id, due.store_id)
    return len(claimed)


def run_schedule(db: Database, store_id: int, rule_id: int) -> int:
    """One run of a schedule rule over its folder's orders (at most MAX_SCHEDULE_ORDERS,
    oldest first); how many matched."""
    with db.read() as conn:
        store = stores.get_store(conn, store_id)
    with write(db, store) as (conn, store):
        live = rule_runner.rule_set(conn, store).by_id.get(rule_id)
        if live is None or not live.spec.enabled or live.spec.event != SCHEDULE:
            return 0
        now = utcnow()
        folder = stores.find_folder(conn, store.id, name=live.spec.folder or "")
        if folder is None:
            outcome = f"failed: no folder named {live.spec.folder!r}"
            rule_storage.record_outcome(conn, store.id, rule_id, outcome, now)
            return 0
        query = OrderQuery(folder_ids=[folder.id], descending=False)
        ids = order_storage.search_order_ids(conn, store.id, query, limit=MAX_SCHEDULE_ORDERS,
                                             offset=0)  # fmt: skip
        found = order_storage.load_orders(conn, store.id, ids, with_history=False)
        facts = rule_runner.order_facts(conn, store.id)
        matched = 0
        for order in found:
            assert order.id is not None
            if live.compiled.matches(order, facts):
                with rule_runner.cascade() as state:
                    state.ran.add((rule_id, order.id))
                    rule_runner.apply_rule(conn, store, live, order.id)
                matched += 1
        if not matched:
            outcome = f"ran over {len(found)} order(s) in {folder.name}; none matched"
            rule_storage.record_outcome(conn, store.id, rule_id, outcome, now)
        return matched


class RuleScheduler:
    """The background loop of a server process that runs due schedule rules."""

    def __init__(self, db: Database, poll_seconds: float) -> None:
        self.db = db
        self._loop = BackgroundLoop("schedule rules", poll_seconds, log)

    def start(self) -> None:
        self._loop.start(self.one_pass)

    async def stop(self) -> None:
        await self._loop.stop()

    async def one_pass(self, _unused: object) -> int:
        return await asyncio.to_thread(run_due, self.db)
