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
