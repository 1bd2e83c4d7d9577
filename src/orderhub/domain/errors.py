"""Errors the domain and storage raise; each protocol renders them in its own shape."""

from __future__ import annotations


class OrderhubError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(OrderhubError):
    """The request names a field with a bad value; the message says which and why."""

    status_code = 400


class NotFound(OrderhubError):
    status_code = 404


class Conflict(OrderhubError):
    """The write would duplicate something that must be unique (an order, a key)."""

    status_code = 409

    def __init__(self, message: str, existing_id: int | None = None) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class DuplicateOrder(Conflict):
    """The store already has an order with this (source_name, source_id). Each door words
    the refusal its own way; the facts are here."""

    def __init__(self, existing_id: int, source_name: str, source_id: str) -> None:
        super().__init__(
            f"Duplicate order: order {existing_id} already has source_name {source_name!r} "
            f"and source_id {source_id!r}",
            existing_id=existing_id,
        )
        self.source_name = source_name
        self.source_id = source_id


class DuplicateShipment(Conflict):
    """The order already has a shipment with this tracking number."""

    def __init__(self, tracking_number: str) -> None:
        super().__init__(f"the order already has a shipment with number {tracking_number!r}")
        self.tracking_number = tracking_number


class StaleEdit(Conflict):
    """A save against a version the caller no longer has: someone else changed the record
    after it was read. Nothing was written; the facts say who and when."""

    def __init__(self, what: str, changed_by: str, changed_at: object, current: str) -> None:
        when = f" at {changed_at:%Y-%m-%d %H:%M} UTC" if hasattr(changed_at, "strftime") else ""
        who = f" by {changed_by}" if changed_by else ""
        super().__init__(f"{what} was changed{who}{when} since you opened it; nothing was saved")
        self.changed_by = changed_by
        self.changed_at = changed_at
        # The version to send with a save that means to overwrite the change.
        self.current = current
