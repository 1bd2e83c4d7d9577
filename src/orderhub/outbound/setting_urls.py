"""A store setting that is a URL orderhub will contact (`pod_notification_url`) is checked
when it is set — in the desk and by `orderhub store set` — with the rules every request is
sent under (net.py), so a refused host is refused at once with the reason instead of failing
quietly later. Each send checks again: what a name resolves to can change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orderhub.domain.settings import spec_of
from orderhub.outbound import net


def check_contacted_urls(
    changes: Mapping[str, Any], settings: net.OutboundSettings | net.OutboundPolicy
) -> None:
    """Raise OutboundRefused ("<setting>: <reason>") for the first URL the guards refuse."""
    for name, value in changes.items():
        if spec_of(name).contacted and isinstance(value, str):
            try:
                net.check_url(value, settings)
            except net.OutboundRefused as exc:
                raise net.OutboundRefused(f"{name}: {exc.message}") from None
