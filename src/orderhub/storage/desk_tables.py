"""The desk's tables: staff accounts, their store memberships and sessions, the server's
signing keys and store invitations. Imported by `tables.py`, so the metadata is complete."""

from __future__ import annotations

import sqlalchemy as sa

from orderhub.domain.limits import width
from orderhub.storage.tables import id_column, metadata, store_column

users = sa.Table(
    "users",
    metadata,
    id_column(),
    sa.Column("email", sa.String(width("users", "email")), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(width("users", "password_hash")), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sqlite_autoincrement=True,
)

# A user may work in several stores, with one role in each: owner or staff.
store_members = sa.Table(
    "store_members",
    metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    store_column(primary_key=True),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_store_members_store", "store_id"),
)

# Sessions live in the database so that any process behind a load balancer can serve any
# request. The cookie carries a random id; only its SHA-256 is stored.
desk_sessions = sa.Table(
    "desk_sessions",
    metadata,
    sa.Column("id_hash", sa.LargeBinary(32), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    store_column(),
    sa.Column("csrf_secret", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
    sa.Index("ix_desk_sessions_user", "user_id"),
    sa.Index("ix_desk_sessions_last_seen", "last_seen_at"),
)

# Secrets every process must share (the key that signs sign-in tokens): made once, at first
# use, by whichever process gets there first.
server_secrets = sa.Table(
    "server_secrets",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# An owner's invitation of an email to the store. An account joins only when its signed-in
# user accepts; nothing tells the owner whether the email has an account.
store_invitations = sa.Table(
    "store_invitations",
    metadata,
    id_column(),
    store_column(),
    sa.Column("email", sa.String(255), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("invited_by", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("store_id", "email", name="uq_store_invitations_store_email"),
    sa.Index("ix_store_invitations_email", "email"),
    sqlite_autoincrement=True,
)
