"""Where the store's print-on-demand status notifications go (the `pod_notification_url`
setting), set from the desk's notifications page; and sending one again. Both are written
to the audit log."""

from __future__ import annotations

from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput
from orderhub.domain.settings import parse_setting
from orderhub.outbound import net
from orderhub.services import audit
from orderhub.storage import notification_log, stores
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
    with db.write() as conn:
        if url:
            stores.update_settings(conn, store_id, {SETTING: url})
        else:
            stores.update_settings(conn, store_id, {}, (SETTING,))
        audit.record(conn, store_id, channel, "settings.set", SETTING, str(url or "(none)"))
    return str(url or "")


def resend(db: Database, store_id: int, notification_id: int, *, channel: Channel) -> None:
    with db.write() as conn:
        notification_log.resend(conn, store_id, notification_id)
        audit.record(
            conn, store_id, channel, "notification.resend", f"notification {notification_id}"
        )
