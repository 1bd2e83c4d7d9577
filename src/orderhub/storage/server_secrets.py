"""Secrets every orderhub process must share, kept in the database: made at first use by
whichever process gets there first; the others read that one."""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from orderhub.domain.dates import utcnow
from orderhub.storage.desk_tables import server_secrets


def get_or_create(conn: Connection, name: str) -> str:
    """The secret called `name`, made (256 random bits) if there is none yet. Run in its own
    write transaction: a concurrent maker's row wins and is read back."""
    found = conn.execute(
        select(server_secrets.c.value).where(server_secrets.c.name == name)
    ).scalar_one_or_none()
    if found is not None:
        return str(found)
    value = secrets.token_urlsafe(32)
    try:
        with conn.begin_nested():
            conn.execute(insert(server_secrets).values(name=name, value=value, created_at=utcnow()))
    except IntegrityError:
        return str(
            conn.execute(
                select(server_secrets.c.value).where(server_secrets.c.name == name)
            ).scalar_one()
        )
    return value
