"""A store's settings and its Order Desk API key: one path for the desk's Settings page and
`orderhub store set/unset` / `orderhub key rotate`, each change written to the audit log in
its own transaction. The log names the settings changed, never their values (a setting may
hold a credential), and never the key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.services import audit
from orderhub.storage import stores
from orderhub.storage.database import Database


def change_settings_in(
    conn: Connection, store_id: int, changes: dict[str, Any], remove: tuple[str, ...],
    *, channel: Channel,
) -> list[str]:  # fmt: skip
    """The inner form: set `changes`, return `remove` to their defaults; the names changed."""
    before = stores.get_store(conn, store_id).settings
    stores.update_settings(conn, store_id, changes, remove)
    changed = [n for n, v in changes.items() if before.get(n) != v]
    changed += [n for n in remove if n in before]
    if changed:
        action = "settings.unset" if not changes else "settings.set"
        audit.record(conn, store_id, channel, action, ", ".join(changed))
    return changed


def change_settings(
    db: Database, store_id: int, changes: dict[str, Any], remove: tuple[str, ...] = (),
    *, channel: Channel,
) -> list[str]:  # fmt: skip
    """Values already parsed and checked (`domain.settings.parse_setting`)."""
    with db.write() as conn:
        return change_settings_in(conn, store_id, changes, remove, channel=channel)


def rotate_api_key(db: Database, store_id: int, *, channel: Channel) -> str:
    """A new Order Desk API key, returned once; the old one stops working."""
    with db.write() as conn:
        key = stores.rotate_api_key(conn, store_id)
        audit.record(conn, store_id, channel, "key.rotate", "Order Desk API key")
        return key
