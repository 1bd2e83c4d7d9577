"""Keys every process of one installation shares, read once per process."""

from __future__ import annotations

from orderhub.storage import server_secrets
from orderhub.storage.database import Database

# The name under which the key is kept (not the key itself).
LOGIN_TOKEN_SIGNING = "desk-login-token"  # noqa: S105


def shared_key(db: Database, name: str) -> bytes:
    """The key called `name` (made at first use, in its own write transaction)."""
    with db.write() as conn:
        return server_secrets.get_or_create(conn, name).encode()
