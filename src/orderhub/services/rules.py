"""A store's automation rules: list, add, replace, remove, enable, reorder, export, import
(all or nothing), preview (read-only), run on chosen orders, and the manual buttons.

Every change to the rules moves the store's rules generation on in the same transaction,
so every process uses the new rules from its next change on. The rule JSON is the contract
of docs/rules.md (`domain/rules.py`); what a rule does at run time is `rule_runner.py`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from sqlalchemy import Connection

from orderhub.domain import limits
from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.queries import OrderQuery
from orderhub.domain.rule_eval import compile_rule
from orderhub.domain.rules import (
    MANUAL,
    SCHEDULE,
    RuleError,
    RuleSpec,
    parse_rule,
    parse_rules,
    rule_json,
)
from orderhub.domain.stores import Store
from orderhub.services import audit, rule_actions, rule_runner
from orderhub.services.transaction import write
from orderhub.storage import orders as order_storage
from orderhub.storage import rules as rule_storage
from orderhub.storage import stores
from orderhub.storage.database import Database


class UnknownRule(LookupError):
    def __init__(self, store_id: int, rule_id: int) -> None:
        super().__init__(f"rule {rule_id} not found in store {store_id}")
        self.message = str(self)


@dataclass(frozen=True)
class StoredRule:
    id: int
    position: int
    spec: RuleSpec
    last_run_at: datetime | None
    last_outcome: str | None


@dataclass(frozen=True)
class PreviewRow:
    order_id: int
    source_id: str
    folder: str
    matched: bool
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Preview:
    examined: int
    matched: int
    rows: tuple[PreviewRow, ...]


@dataclass(frozen=True)
class RunResult:
    order_id: int
    matched: bool
    outcome: str


def _stored(row: rule_storage.RuleRow) -> StoredRule:
    return StoredRule(row.id, row.position, rule_runner.load_spec(row.body), row.last_run_at,
                      row.last_outcome)  # fmt: skip


def _body(spec: RuleSpec) -> str:
    return orjson.dumps(rule_json(spec)).decode()


def check_in_store(conn: Connection, store_id: int, spec: RuleSpec) -> None:
    """What the domain cannot check: folders and endpoints the rule names must exist."""
    if spec.event == SCHEDULE and stores.find_folder(conn, store_id, name=spec.folder) is None:
        raise RuleError("folder", f"no folder named {spec.folder!r}", "folder")
    for index, action in enumerate(spec.actions):
        kind = rule_actions.REGISTRY[action.action]
        problem = kind.check(conn, store_id, dict(action.args)) if kind.check else None
        if problem:
            arg = kind.checks_arg
            raise RuleError(f"actions[{index}].{arg}", problem, f"actions.{index}.{arg}")


def _next_run(spec: RuleSpec, now: datetime) -> datetime | None:
    if spec.event != SCHEDULE or not spec.enabled or spec.every_minutes is None:
        return None
    return now + timedelta(minutes=spec.every_minutes)


def _get(conn: Connection, store_id: int, rule_id: int) -> rule_storage.RuleRow:
    row = rule_storage.get_rule(conn, store_id, rule_id)
    if row is None:
        raise UnknownRule(store_id, rule_id)
    return row


def list_rules(db: Database, store_id: int) -> list[StoredRule]:
    with db.read() as conn:
        return [_stored(row) for row in rule_storage.list_rules(conn, store_id)]


def get_rule(db: Database, store_id: int, rule_id: int) -> StoredRule | None:
    with db.read() as conn:
        row = rule_storage.get_rule(conn, store_id, rule_id)
    return _stored(row) if row is not None else None


def manual_rules(db: Database, store_id: int) -> list[StoredRule]:
    return [r for r in list_rules(db, store_id) if r.spec.event == MANUAL and r.spec.enabled]


def _insert(conn: Connection, store_id: int, spec: RuleSpec, position: int) -> int:
    now = utcnow()
    return rule_storage.insert_rule(
        conn, store_id, position=position, event=spec.event, enabled=spec.enabled,
        body=_body(spec), next_run_at=_next_run(spec, now), now=now,
    )  # fmt: skip


def _subject(rule_id: int, spec: RuleSpec) -> str:
    return f"rule {rule_id} ({spec.name})"


def _full(conn: Connection, store_id: int, adding: int) -> None:
    if rule_storage.count_rules(conn, store_id) + adding > limits.MAX_RULES_PER_STORE:
        raise RuleError("", f"a store has at most {limits.MAX_RULES_PER_STORE} rules")


def add_rule(db: Database, store: Store, data: object, *, channel: Channel) -> StoredRule:
    """Append a rule to the store's list."""
    spec = parse_rule(data)
    with write(db, store) as (conn, store):
        check_in_store(conn, store.id, spec)
        _full(conn, store.id, 1)
        rows = rule_storage.list_rules(conn, store.id)
        position = (rows[-1].position if rows else 0) + 1
        rule_id = _insert(conn, store.id, spec, position)
        rule_storage.bump_generation(conn, store.id)
        audit.record(conn, store.id, channel, "rule.add", _subject(rule_id, spec), spec.event)
        return _stored(_get(conn, store.id, rule_id))


def replace_rule(
    db: Database, store: Store, rule_id: int, data: object, *, channel: Channel
) -> StoredRule:
    spec = parse_rule(data)
    with write(db, store) as (conn, store):
        _get(conn, store.id, rule_id)
        check_in_store(conn, store.id, spec)
        rule_storage.update_rule(
            conn, store.id, rule_id, body=_body(spec), event=spec.event, enabled=spec.enabled,
            next_run_at=_next_run(spec, utcnow()),
        )  # fmt: skip
        rule_storage.bump_generation(conn, store.id)
        audit.record(conn, store.id, channel, "rule.replace", _subject(rule_id, spec), spec.event)
        return _stored(_get(conn, store.id, rule_id))


def remove_rule(db: Database, store: Store, rule_id: int, *, channel: Channel) -> None:
    with write(db, store) as (conn, store):
        removed = rule_runner.load_spec(_get(conn, store.id, rule_id).body)
        rule_storage.delete_rules(conn, store.id, [rule_id])
        rule_storage.set_positions(
            conn, store.id, [r.id for r in rule_storage.list_rules(conn, store.id)]
        )
        rule_storage.bump_generation(conn, store.id)
        audit.record(conn, store.id, channel, "rule.remove", _subject(rule_id, removed))


def set_enabled(
    db: Database, store: Store, rule_id: int, enabled: bool, *, channel: Channel
) -> StoredRule:
    with write(db, store) as (conn, store):
        spec = rule_runner.load_spec(_get(conn, store.id, rule_id).body)
        spec = dataclasses.replace(spec, enabled=enabled)
        if enabled:
            check_in_store(conn, store.id, spec)
        rule_storage.update_rule(
            conn, store.id, rule_id, body=_body(spec), enabled=enabled,
            next_run_at=_next_run(spec, utcnow()),
        )  # fmt: skip
        rule_storage.bump_generation(conn, store.id)
        action = "rule.enable" if enabled else "rule.disable"
        audit.record(conn, store.id, channel, action, _subject(rule_id, spec))
        return _stored(_get(conn, store.id, rule_id))


def move_rule(
    db: Database, store: Store, rule_id: int, to_position: int, *, channel: Channel
) -> list[StoredRule]:
    """Put the rule at `to_position` (1-based; past the end means last)."""
    with write(db, store) as (conn, store):
        moved = rule_runner.load_spec(_get(conn, store.id, rule_id).body)
        if to_position < 1:
            raise RuleError("position", "positions start at 1", "position")
        ids = [r.id for r in rule_storage.list_rules(conn, store.id) if r.id != rule_id]
        ids.insert(min(to_position, len(ids) + 1) - 1, rule_id)
        rule_storage.set_positions(conn, store.id, ids)
        rule_storage.bump_generation(conn, store.id)
        audit.record(conn, store.id, channel, "rule.move", _subject(rule_id, moved),
                     f"to position {ids.index(rule_id) + 1}")  # fmt: skip
        return [_stored(row) for row in rule_storage.list_rules(conn, store.id)]


def export_rules(db: Database, store_id: int) -> list[dict[str, object]]:
    return [rule_json(rule.spec) for rule in list_rules(db, store_id)]


def import_rules(
    db: Database, store: Store, data: object, *, replace: bool, channel: Channel
) -> list[StoredRule]:
    """Append the rules (or replace the store's list): all of them or none."""
    specs = parse_rules(data)
    with write(db, store) as (conn, store):
        for index, spec in enumerate(specs, start=1):
            try:
                check_in_store(conn, store.id, spec)
            except RuleError as error:
                raise error.in_rule(index, spec.name) from None
        if replace:
            rule_storage.delete_rules(conn, store.id)
        _full(conn, store.id, len(specs))
        rows = rule_storage.list_rules(conn, store.id)
        position = rows[-1].position if rows else 0
        for offset, spec in enumerate(specs, start=1):
            _insert(conn, store.id, spec, position + offset)
        rule_storage.bump_generation(conn, store.id)
        names = ", ".join(spec.name for spec in specs)
        audit.record(conn, store.id, channel, "rule.import",
                     f"{len(specs)} rule{'s' * (len(specs) != 1)}",
                     ("replaced the list: " if replace else "appended: ") + names)  # fmt: skip
        return [_stored(row) for row in rule_storage.list_rules(conn, store.id)]


def preview(db: Database, store: Store, data: object, *, orders: int = 500) -> Preview:
    """The rule tested read-only on the store's most recent orders (a schedule rule's: the
    most recent of its folder): which match, and what each action would do. Nothing is
    written."""
    spec = parse_rule(data)
    count = max(1, min(orders, limits.MAX_PREVIEW_ORDERS))
    compiled = compile_rule(spec)
    said = tuple(rule_actions.describe(a) for a in spec.actions)
    with db.read() as conn:
        check_in_store(conn, store.id, spec)
        query = OrderQuery()
        if spec.event == SCHEDULE:  # a schedule runs over its folder only
            folder = stores.find_folder(conn, store.id, name=spec.folder)
            query.folder_ids = [folder.id] if folder is not None else []
        ids = order_storage.search_order_ids(conn, store.id, query, limit=count, offset=0)
        found = order_storage.load_orders(conn, store.id, ids, with_history=False)
        facts = rule_runner.order_facts(conn, store.id)
    rows = []
    for order in found:
        assert order.id is not None
        matched = compiled.matches(order, facts)
        rows.append(PreviewRow(order.id, order.source_id or "",
                               facts.folder_names.get(order.folder_id or 0, ""), matched,
                               said if matched else ()))  # fmt: skip
    rows.sort(key=lambda row: not row.matched)
    return Preview(len(rows), sum(r.matched for r in rows), tuple(rows))


def run_on_orders(
    db: Database, store: Store, rule_id: int, order_ids: list[int], *, channel: Channel
) -> list[RunResult]:
    """Run one rule (whatever its event) on chosen orders now: the desk's "Run" and manual
    buttons. Each order is tested and, when it matches, changed in its own savepoint."""
    results = []
    with write(db, store) as (conn, store):
        _get(conn, store.id, rule_id)
        live = rule_runner.rule_set(conn, store).by_id.get(rule_id)
        if live is None:
            raise UnknownRule(store.id, rule_id)
        facts = rule_runner.order_facts(conn, store.id)
        found = {o.id: o for o in order_storage.load_orders(conn, store.id, order_ids,
                                                            with_history=False)}  # fmt: skip
        for order_id in order_ids:
            order = found.get(order_id)
            if order is None:
                results.append(RunResult(order_id, False, f"Order {order_id} not found"))
            elif not live.compiled.matches(order, facts):
                results.append(RunResult(order_id, False, "did not match"))
            else:
                with rule_runner.cascade() as state:
                    state.ran.add((rule_id, order_id))
                    applied = rule_runner.apply_rule(conn, store, live, order_id)
                results.append(RunResult(order_id, True, applied.outcome))
    return results
