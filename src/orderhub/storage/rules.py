"""A store's automation rules as rows, scoped by store in every query, and the store's rules
generation (`rule_sets`): every change to a store's rules moves it on, so every process
recompiles from its next change on (the runner compares it with the one it compiled)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from orderhub.domain.errors import NotFound
from orderhub.domain.limits import RULE_OUTCOME_CHARS
from orderhub.storage.tables import rule_sets, rules


@dataclass(frozen=True)
class RuleRow:
    id: int
    store_id: int
    position: int
    event: str
    enabled: bool
    body: str
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_outcome: str | None


_COLUMNS = (
    rules.c.id, rules.c.store_id, rules.c.position, rules.c.event, rules.c.enabled,
    rules.c.body, rules.c.next_run_at, rules.c.last_run_at, rules.c.last_outcome,
)  # fmt: skip
_LIST = (
    select(*_COLUMNS)
    .where(rules.c.store_id == bindparam("p_store_id"))
    .order_by(rules.c.position, rules.c.id)
)


def _row(row: Any) -> RuleRow:
    return RuleRow(*row)


def list_rules(conn: Connection, store_id: int) -> list[RuleRow]:
    return [_row(r) for r in conn.execute(_LIST, {"p_store_id": store_id})]


def get_rule(conn: Connection, store_id: int, rule_id: int) -> RuleRow | None:
    query = select(*_COLUMNS).where(rules.c.store_id == store_id, rules.c.id == rule_id)
    row = conn.execute(query).first()
    return _row(row) if row is not None else None


def count_rules(conn: Connection, store_id: int) -> int:
    query = select(func.count()).select_from(rules).where(rules.c.store_id == store_id)
    return int(conn.execute(query).scalar_one())


def insert_rule(
    conn: Connection,
    store_id: int,
    *,
    position: int,
    event: str,
    enabled: bool,
    body: str,
    next_run_at: datetime | None,
    now: datetime,
) -> int:
    values = {
        "store_id": store_id, "position": position, "event": event, "enabled": enabled,
        "body": body, "next_run_at": next_run_at, "created_at": now,
    }  # fmt: skip
    return int(conn.execute(insert(rules).values(**values).returning(rules.c.id)).scalar_one())


def update_rule(conn: Connection, store_id: int, rule_id: int, **values: Any) -> None:
    done = conn.execute(
        update(rules).where(rules.c.store_id == store_id, rules.c.id == rule_id).values(**values)
    )
    if done.rowcount == 0:
        raise NotFound(f"rule {rule_id} not found in store {store_id}")


def delete_rules(conn: Connection, store_id: int, rule_ids: Iterable[int] | None = None) -> int:
    """Delete some of the store's rules, or all of them (None)."""
    statement = delete(rules).where(rules.c.store_id == store_id)
    if rule_ids is not None:
        statement = statement.where(rules.c.id.in_(list(rule_ids)))
    return int(conn.execute(statement).rowcount)


def set_positions(conn: Connection, store_id: int, ordered_ids: Sequence[int]) -> None:
    """Number the store's rules 1..n in the given order."""
    if ordered_ids:
        conn.execute(
            update(rules)
            .where(rules.c.store_id == store_id, rules.c.id == bindparam("p_id"))
            .values(position=bindparam("p_position")),
            [{"p_id": rule_id, "p_position": i} for i, rule_id in enumerate(ordered_ids, 1)],
        )


def record_outcome(
    conn: Connection, store_id: int, rule_id: int, outcome: str, now: datetime
) -> None:
    conn.execute(
        update(rules)
        .where(rules.c.store_id == store_id, rules.c.id == rule_id)
        .values(last_run_at=now, last_outcome=outcome[:RULE_OUTCOME_CHARS])
    )


def _insert_ignoring_existing(conn: Connection, store_id: int) -> None:
    dialect = conn.dialect.name
    values = {"store_id": store_id, "generation": 0, "events": ""}
    if dialect == "postgresql":
        conn.execute(postgresql.insert(rule_sets).values(**values).on_conflict_do_nothing())
    else:
        conn.execute(sqlite.insert(rule_sets).values(**values).on_conflict_do_nothing())


def bump_generation(conn: Connection, store_id: int) -> int:
    """After any change to the store's rules: a new generation, and the events its enabled
    rules now listen to."""
    _insert_ignoring_existing(conn, store_id)
    listened = conn.execute(
        select(rules.c.event)
        .where(rules.c.store_id == store_id, rules.c.enabled.is_(True))
        .distinct()
    ).scalars()
    events = ",".join(sorted(listened))
    return int(
        conn.execute(
            update(rule_sets)
            .where(rule_sets.c.store_id == store_id)
            .values(generation=rule_sets.c.generation + 1, events=events)
            .returning(rule_sets.c.generation)
        ).scalar_one()
    )


def generation(conn: Connection, store_id: int) -> tuple[int, frozenset[str]]:
    """The store's rules generation and listened events (0 and none when it never had rules)."""
    row = conn.execute(
        select(rule_sets.c.generation, rule_sets.c.events).where(rule_sets.c.store_id == store_id)
    ).first()
    if row is None:
        return 0, frozenset()
    return int(row.generation), frozenset(filter(None, row.events.split(",")))


@dataclass(frozen=True)
class DueRun:
    rule_id: int
    store_id: int


def claim_due(
    conn: Connection, now: datetime, period: Callable[[str], int | None], limit: int = 50
) -> list[DueRun]:
    """The schedule rules due now that this process claimed: each claim moves `next_run_at`
    on by the rule's period (`period(body)`, in minutes) with an UPDATE conditional on the
    value read, so of several processes exactly one claims each period."""
    due = conn.execute(
        select(rules.c.id, rules.c.store_id, rules.c.next_run_at, rules.c.body)
        .where(
            rules.c.event == "schedule",
            rules.c.enabled.is_(True),
            rules.c.next_run_at <= now,
        )
        .order_by(rules.c.next_run_at)
        .limit(limit)
    ).all()
    claimed = []
    for row in due:
        minutes = period(row.body)
        if minutes is None:
            continue
        done = conn.execute(
            update(rules)
            .where(rules.c.id == row.id, rules.c.next_run_at == row.next_run_at)
            .values(next_run_at=now + timedelta(minutes=minutes))
        )
        if done.rowcount == 1:
            claimed.append(DueRun(row.id, row.store_id))
    return claimed
