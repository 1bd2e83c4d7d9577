"""Writing the audit log: every service that changes a store's set-up calls `record` inside
its own transaction, so the log and the change commit (or roll back) together."""

from __future__ import annotations

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.storage import audit


def record(
    conn: Connection, store_id: int, channel: Channel, action: str, subject: str,
    detail: str = "",
) -> None:  # fmt: skip
    audit.record(
        conn, store_id, actor=channel.source_name, door=channel.surface, action=action,
        subject=subject, detail=detail,
    )  # fmt: skip
