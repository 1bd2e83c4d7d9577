"""Desk accounts: users (email + Argon2 hash) and their memberships of stores, each with a
role (owner or staff). A user may belong to several stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from orderhub.domain.dates import utcnow
from orderhub.domain.errors import Conflict, NotFound
from orderhub.storage.desk_tables import store_members, users
from orderhub.storage.store_tables import stores


@dataclass(frozen=True)
class User:
    id: int
    email: str
    created_at: datetime


@dataclass(frozen=True)
class Membership:
    store_id: int
    store_name: str
    role: str


@dataclass(frozen=True)
class Member:
    user_id: int
    email: str
    role: str


def create_user(conn: Connection, email: str, password_hash: str) -> User:
    now = utcnow()
    try:
        user_id = conn.execute(
            insert(users)
            .values(email=email, password_hash=password_hash, created_at=now)
            .returning(users.c.id)
        ).scalar_one()
    except IntegrityError:
        raise Conflict(f"email: a user {email} already exists") from None
    return User(int(user_id), email, now)


def find_user(conn: Connection, email: str) -> tuple[User, str] | None:
    """The user with this email and their password hash, or None."""
    row = conn.execute(select(users).where(users.c.email == email)).first()
    if row is None:
        return None
    return User(row.id, row.email, row.created_at), row.password_hash


def get_user(conn: Connection, user_id: int) -> User:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"user {user_id} not found")
    return User(row.id, row.email, row.created_at)


def list_users(conn: Connection) -> list[tuple[User, list[Membership]]]:
    rows = conn.execute(select(users).order_by(users.c.email)).all()
    return [(User(r.id, r.email, r.created_at), memberships_of(conn, r.id)) for r in rows]


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def delete_user(conn: Connection, user_id: int) -> None:
    conn.execute(delete(store_members).where(store_members.c.user_id == user_id))
    conn.execute(delete(users).where(users.c.id == user_id))


def set_membership(conn: Connection, user_id: int, store_id: int, role: str) -> None:
    """Add the user to the store with this role, or change their role there."""
    changed = conn.execute(
        update(store_members)
        .where(store_members.c.user_id == user_id, store_members.c.store_id == store_id)
        .values(role=role)
    ).rowcount
    if not changed:
        conn.execute(
            insert(store_members).values(
                user_id=user_id, store_id=store_id, role=role, created_at=utcnow()
            )
        )


def remove_membership(conn: Connection, user_id: int, store_id: int) -> bool:
    removed = conn.execute(
        delete(store_members).where(
            store_members.c.user_id == user_id, store_members.c.store_id == store_id
        )
    ).rowcount
    return bool(removed)


def memberships_of(conn: Connection, user_id: int) -> list[Membership]:
    rows = conn.execute(
        select(store_members.c.store_id, stores.c.name, store_members.c.role)
        .join(stores, stores.c.id == store_members.c.store_id)
        .where(store_members.c.user_id == user_id)
        .order_by(stores.c.name, stores.c.id)
    )
    return [Membership(row.store_id, row.name, row.role) for row in rows]


def role_in(conn: Connection, user_id: int, store_id: int) -> str | None:
    return conn.execute(
        select(store_members.c.role).where(
            store_members.c.user_id == user_id, store_members.c.store_id == store_id
        )
    ).scalar_one_or_none()


def members_of_store(conn: Connection, store_id: int) -> list[Member]:
    rows = conn.execute(
        select(users.c.id, users.c.email, store_members.c.role)
        .join(store_members, store_members.c.user_id == users.c.id)
        .where(store_members.c.store_id == store_id)
        .order_by(users.c.email)
    )
    return [Member(row.id, row.email, row.role) for row in rows]
