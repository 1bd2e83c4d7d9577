"""The audit log in SQL: one row per change to a store's set-up, newest first when read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from orderhub.domain.dates import utcnow
from orderhub.domain.limits import width
from orderhub.storage.audit_tables import audit_log as table


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    door: str
    action: str
    subject: str
    detail: str


def record(
    conn: Connection, store_id: int, *, actor: str, door: str, action: str, subject: str,
    detail: str = "",
) -> None:  # fmt: skip
    conn.execute(
        insert(table).values(
            store_id=store_id, at=utcnow(), actor=actor[: width("audit_log", "actor")],
            door=door[: width("audit_log", "door")], action=action[: width("audit_log", "action")],
            subject=subject[: width("audit_log", "subject")], detail=detail[:2000],
        )
    )  # fmt: skip


def page(conn: Connection, store_id: int, *, before: int | None, limit: int) -> list[AuditEntry]:
    """Newest first, keyset-paged by id (`before`: the last id of the previous page)."""
    query = select(table).where(table.c.store_id == store_id)
    if before is not None:
        query = query.where(table.c.id < before)
    rows = conn.execute(query.order_by(table.c.id.desc()).limit(limit))
    return [AuditEntry(r.id, r.at, r.actor, r.door, r.action, r.subject, r.detail) for r in rows]
