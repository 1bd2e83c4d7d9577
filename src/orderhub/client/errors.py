"""Typed errors raised by the clients; each carries the server's message and HTTP status."""

from __future__ import annotations

from typing import Any


class OrderhubClientError(Exception):
    def __init__(self, message: str, status_code: int | None = None, body: Any = None) -> None:
        super().__init__(f"{message} (HTTP {status_code})" if status_code else message)
        self.message = message
        self.status_code = status_code
        self.body = body


class AuthenticationError(OrderhubClientError):
    """Wrong store id, API key, AppId or signature."""


class NotFoundError(OrderhubClientError):
    pass


class ConflictError(OrderhubClientError):
    """A duplicate order or shipment, or an idempotency key reused with another body."""


class ValidationError(OrderhubClientError):
    """The server refused a field; the message names it."""


class RateLimitError(OrderhubClientError):
    def __init__(self, message: str, status_code: int, body: Any, retry_after: float) -> None:
        super().__init__(message, status_code, body)
        self.retry_after = retry_after


class ServerError(OrderhubClientError):
    pass


class TransportError(OrderhubClientError):
    """The server could not be reached (after the retries)."""


def error_for_status(
    status_code: int, message: str, body: Any, retry_after: float = 0
) -> OrderhubClientError:
    if status_code == 429:
        return RateLimitError(message, status_code, body, retry_after)
    cls: type[OrderhubClientError] = {
        400: ValidationError,
        401: AuthenticationError,
        403: AuthenticationError,
        404: NotFoundError,
        409: ConflictError,
        413: ValidationError,
    }.get(status_code, ServerError if status_code >= 500 else OrderhubClientError)
    return cls(message, status_code, body)
