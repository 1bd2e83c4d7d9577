"""Print-on-demand rules that do not depend on HTTP: statuses, the accepted shipping methods
and design placements, and the settings that change them."""

from __future__ import annotations

from orderhub.domain.errors import InvalidInput
from orderhub.domain.folders import POD_STATUSES

SOURCE_NAME = "Print-on-demand API"
MAX_SHIPPING_METHOD_CHARS = 100
UNPAID_STATUSES = ("received",)
DEFAULT_SHIPPING_METHODS = (
    "regular",
    "recorded",
    "tracked",
    "courier",
    "collection",
    "amazon",
    "express",
)
DEFAULT_PLACEMENTS = (
    "front", "back", "left", "right", "left_sleeve", "right_sleeve", "neck", "pocket",
    "Printing Front", "Printing Back", "Printing Left Sleeve", "Printing Right Sleeve",
    "Embroidery Left Chest", "Embroidery Centre Chest", "Embroidery Right Chest",
    "Embroidery Left Sleeve", "Embroidery Right Sleeve",
)  # fmt: skip
PLACEMENT_REFUSED = "A specified position of design is not allowed."
STATUSES = (*POD_STATUSES,)


def shipping_method(sent: str, settings: dict[str, object]) -> str:
    """The method to store for what a client sent (already trimmed, at most
    MAX_SHIPPING_METHOD_CHARS): any text unless the store set a strict list
    (`pod_shipping_methods`), which is matched case-insensitively. The known short codes
    are stored in their canonical lower-case form; anything else as sent."""
    strict = settings.get("pod_shipping_methods")
    if isinstance(strict, list):
        if sent.lower() not in {str(method).lower() for method in strict}:
            raise InvalidInput(
                f"shipping.shippingMethod {sent!r} is not offered; "
                f"use one of {', '.join(str(method) for method in strict)}"
            )
    known = {method.lower(): method for method in DEFAULT_SHIPPING_METHODS}
    return known.get(sent.lower(), sent)


def placements(settings: dict[str, object]) -> tuple[str, ...]:
    custom = settings.get("pod_design_placements")
    return tuple(custom) if isinstance(custom, list) else DEFAULT_PLACEMENTS


def wrap_description(text: str) -> str:
    """The original returns print instructions wrapped in this HTML."""
    if not text:
        return ""
    return f'\t<ul>\r\n\t\t<li data-note="instructions">Note: {text}</li>\r\n\t</ul>\r\n'


def status_of(
    folder_id: int | None, pod_data: dict[str, object], folder_status: dict[int, str | None]
) -> str:
    """An order's print-on-demand status: that of the folder it is in; a cancelled order
    keeps the status it had; a folder that stands for no status shows `received`."""
    status = folder_status.get(folder_id or 0)
    if status:
        return status
    return str(pod_data.get("status_before_cancel") or "received")
