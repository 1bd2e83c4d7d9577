"""The desk's tables beside the users and sessions of `tables.py`: the server's signing keys
and store invitations. Imported by `tables.py`, so the metadata is complete."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table, UniqueConstraint

from orderhub.storage.tables import Id, metadata

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
