"""Desk sessions (docs/desk.md): started at sign-in, kept alive while used, moved between
the user's stores, ended at sign-out. The password and the sign-in limits are the desk's
own business (desk/routes_session.py); what is written is decided here."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from orderhub.domain.errors import NotFound
from orderhub.storage import accounts, desk_sessions, invitations
from orderhub.storage.accounts import User
from orderhub.storage.database import Database
from orderhub.storage.desk_sessions import DeskSession


def start_in(
    conn: Connection, user: User, *, replacing: str | None, idle: timedelta, max_age: timedelta
) -> tuple[str, bool] | None:
    """The inner form of `start`."""
    memberships = accounts.memberships_of(conn, user.id)
    invited = invitations.for_email(conn, user.email) if not memberships else []
    if not memberships and not invited:
        return None
    if replacing:
        desk_sessions.end(conn, desk_sessions.hash_id(replacing))
    # No store yet but invitations: the session names the first inviting store until the
    # user accepts one (its pages stay closed until then: desk/auth.py `signed_in`).
    store_id = memberships[0].store_id if memberships else invited[0].store_id
    raw_id, _ = desk_sessions.create(conn, user.id, store_id)
    desk_sessions.purge_expired(conn, idle=idle, max_age=max_age)
    return raw_id, bool(memberships)


def start(
    db: Database, user: User, *, replacing: str | None, idle: timedelta, max_age: timedelta
) -> tuple[str, bool] | None:
    """A new session for a user whose password was checked: (its raw id for the cookie,
    whether the user works in a store yet), or None when the user has neither a store nor
    an invitation. The session `replacing` (the cookie sent along) ends, so an id planted
    before sign-in is worthless; expired sessions are purged."""
    with db.write() as conn:
        return start_in(conn, user, replacing=replacing, idle=idle, max_age=max_age)


def keep_alive(db: Database, session: DeskSession, store_id: int, now: datetime) -> None:
    """The session was used at `now`, in `store_id` (another of the user's stores when they
    were removed from the session's)."""
    with db.write() as conn:
        desk_sessions.touch(conn, session.id_hash, now)
        if store_id != session.store_id:
            desk_sessions.switch_store(conn, session.id_hash, store_id)


def switch_store_in(conn: Connection, session_hash: bytes, user_id: int, store_id: int) -> None:
    """The inner form of `switch_store`."""
    if accounts.role_in(conn, user_id, store_id) is None:
        raise NotFound("Store not found")
    desk_sessions.switch_store(conn, session_hash, store_id)


def switch_store(db: Database, session_hash: bytes, user_id: int, store_id: int) -> None:
    """Work in another store, one the user works in (else NotFound)."""
    with db.write() as conn:
        switch_store_in(conn, session_hash, user_id, store_id)


def end(db: Database, id_hash: bytes) -> None:
    """Sign out (or drop a session whose user works nowhere any more)."""
    with db.write() as conn:
        desk_sessions.end(conn, id_hash)
