"""What the app is made of, wired once for every door: the order events' subscribers (the
outbox writers and the store's rules) are registered with the event bus
(`services/events.py`) here. `create_app`, every CLI command (`cli/common.open_database`)
and the tests call `compose()` before any service publishes, so the desk, the APIs, the CLI
and the importer all fire the same subscribers."""

from __future__ import annotations

from orderhub.services import (
    emails,
    events,
    forwarding,
    pod_notifications,
    rule_runner,
    webhook_deliveries,
)


def compose() -> None:
    """Register the event subscribers, in the order they run (idempotent)."""
    events.register(
        (
            pod_notifications.SUBSCRIPTION,
            webhook_deliveries.SUBSCRIPTION,
            forwarding.SUBSCRIPTION,
            emails.SUBSCRIPTION,
        ),
        rules=rule_runner.on_events,
    )
