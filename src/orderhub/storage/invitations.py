"""Store invitations: an owner invites an email with a role; the account with that email
joins the store only when its signed-in user accepts (see docs/desk.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select, update

from orderhub.domain.dates import utcnow
from orderhub.storage.desk_tables import store_invitations
from orderhub.storage.store_tables import stores


@dataclass(frozen=True)
class Invitation:
    id: int
    store_id: int
    store_name: str
    email: str
    role: str
    invited_by: str
    created_at: datetime


def invite(conn: Connection, store_id: int, email: str, role: str, invited_by: str) -> None:
    """Invite `email` (again: the role and inviter are updated)."""
    values = {"role": role, "invited_by": invited_by, "created_at": utcnow()}
    changed = conn.execute(
        update(store_invitations)
        .where(store_invitations.c.store_id == store_id, store_invitations.c.email == email)
        .values(**values)
    ).rowcount
    if not changed:
        conn.execute(insert(store_invitations).values(store_id=store_id, email=email, **values))


def _rows(conn: Connection, *where: ColumnElement[bool]) -> list[Invitation]:
    query = (
        select(store_invitations, stores.c.name.label("store_name"))
        .join(stores, stores.c.id == store_invitations.c.store_id)
        .where(*where)
        .order_by(store_invitations.c.created_at, store_invitations.c.id)
    )
    return [
        Invitation(r.id, r.store_id, r.store_name, r.email, r.role, r.invited_by, r.created_at)
        for r in conn.execute(query)
    ]


def for_email(conn: Connection, email: str) -> list[Invitation]:
    return _rows(conn, store_invitations.c.email == email)


def of_store(conn: Connection, store_id: int) -> list[Invitation]:
    return _rows(conn, store_invitations.c.store_id == store_id)


def count_for(conn: Connection, email: str) -> int:
    return int(
        conn.execute(select(func.count()).where(store_invitations.c.email == email)).scalar_one()
    )


def take(conn: Connection, invitation_id: int, email: str) -> Invitation | None:
    """Remove this email's invitation and return it (None: not this email's, or gone)."""
    found = _rows(conn, store_invitations.c.id == invitation_id, store_invitations.c.email == email)
    if not found:
        return None
    conn.execute(delete(store_invitations).where(store_invitations.c.id == invitation_id))
    return found[0]


def cancel(conn: Connection, store_id: int, invitation_id: int) -> bool:
    removed = conn.execute(
        delete(store_invitations).where(
            store_invitations.c.id == invitation_id, store_invitations.c.store_id == store_id
        )
    ).rowcount
    return bool(removed)
