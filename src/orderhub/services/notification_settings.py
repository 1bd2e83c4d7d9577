"""Where the store's print-on-demand status notifications go (the `pod_notification_url`
setting), set from the desk's notifications page, checked against the outbound guards and
then saved as any setting is (`store_settings`: one write path, one audit entry, for the
desk and the CLI alike); and sending one again, written to the audit log."""

from __future__ import annotations

from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput
from orderhub.domain.settings import parse_setting
from orderhub.outbound import net
from orderhub.services import audit, store_settings
from orderhub.storage import notification_log
from orderhub.storage.database import Database

SETTING = "pod_notification_url"


def set_url(
    db: Database,
    store_id: int,
    raw: str,
    *,
    outbound: net.OutboundSettings | net.OutboundPolicy,
    channel: Channel,
) -> str:
    """Set (or, empty, clear) the URL; refused now if the outbound guards would refuse it."""
    raw = raw.strip()
    url = parse_setting(SETTING, raw) if raw else None
    if url:
        try:
            net.check_url(str(url), outbound)
        except net.OutboundRefused as exc:
            raise InvalidInput(f"{SETTING}: {exc.message}") from None
    changes, remove = ({SETTING: url}, ()) if url else ({}, (SETTING,))
    store_settings.change_settings(db, store_id, changes, remove, channel=channel)
    return str(url or "")


def resend(db: Database, store_id: int, notification_id: int, *, channel: Channel) -> None:
    with db.write() as conn:
        notification_log.resend(conn, store_id, notification_id)
        audit.record(
            conn, store_id, channel, "notification.resend", f"notification {notification_id}"
        )
