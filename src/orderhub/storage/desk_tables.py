"""The desk's tables: staff accounts, their store memberships and sessions, the server's
signing keys and store invitations. Imported by `tables.py`, so the metadata is complete."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)

from orderhub.domain.limits import width
from orderhub.storage.tables import Id, metadata

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(width("users", "email")), nullable=False, unique=True),
    Column("password_hash", String(width("users", "password_hash")), nullable=False),
    Column("created_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)

# A user may work in several stores, with one role in each: owner or staff.
store_members = Table(
    "store_members",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(10), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_store_members_store", "store_id"),
)

# Sessions live in the database so that any process behind a load balancer can serve any
# request. The cookie carries a random id; only its SHA-256 is stored.
desk_sessions = Table(
    "desk_sessions",
    metadata,
    Column("id_hash", LargeBinary(32), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_secret", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Index("ix_desk_sessions_user", "user_id"),
    Index("ix_desk_sessions_last_seen", "last_seen_at"),
)

# Secrets every process must share (the key that signs sign-in tokens): made once, at first
# use, by whichever process gets there first.
server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# An owner's invitation of an email to the store. An account joins only when its signed-in
# user accepts; nothing tells the owner whether the email has an account.
store_invitations = Table(
    "store_invitations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(255), nullable=False),
    Column("role", String(10), nullable=False),
    Column("invited_by", String(255), nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("store_id", "email", name="uq_store_invitations_store_email"),
    Index("ix_store_invitations_email", "email"),
    sqlite_autoincrement=True,
)
