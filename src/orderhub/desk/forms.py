"""Reading the desk's forms: each field checked with a message for the field itself, so a
page can show every mistake beside its input and write nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from starlette.datastructures import FormData

from orderhub.domain.errors import OrderhubError
from orderhub.domain.limits import MAX_MONEY
from orderhub.domain.values import ascii_digits, parse_id

MAX_IDS = 500


class FormInvalid(Exception):
    """One message per field name; `_form` is for what belongs to no single field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def errors_of(exc: OrderhubError, fields: tuple[str, ...]) -> dict[str, str]:
    """A domain error as field messages: `name: reason` goes beside the field `name`."""
    name, sep, reason = exc.message.partition(":")
    if sep and name.strip() in fields:
        return {name.strip(): reason.strip()}
    return {"_form": exc.message}


class Form:
    def __init__(self, data: FormData) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def raw(self, name: str) -> str:
        value = self.data.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def text(self, name: str, label: str, *, max_chars: int, required: bool = False) -> str:
        value = self.raw(name)
        if required and not value:
            self.errors[name] = f"{label} is required"
        elif len(value) > max_chars:
            self.errors[name] = f"{label} must be at most {max_chars} characters"
        return value

    def whole(self, name: str, label: str, *, minimum: int = 0, maximum: int) -> int | None:
        value = self.raw(name)
        if not value:
            self.errors[name] = f"{label} is required"
            return None
        digits = value[1:] if value.startswith("-") else value
        if not ascii_digits(digits) or len(digits) > 12 or not minimum <= int(value) <= maximum:
            self.errors[name] = f"{label} must be a whole number from {minimum} to {maximum}"
            return None
        return int(value)

    def money(self, name: str, label: str) -> Decimal | None:
        value = self.raw(name)
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount < 0 or amount >= MAX_MONEY or len(value) > 20:
            self.errors[name] = f"{label} must be an amount such as 12.50"
            return None
        return amount.quantize(Decimal("0.0001"))

    def ids(self, name: str, label: str) -> list[int]:
        raw = [v for v in self.data.getlist(name) if isinstance(v, str)]
        if not raw:
            self.errors[name] = f"Select at least one {label}"
            return []
        found = [parse_id(v) for v in raw]
        if len(raw) > MAX_IDS or any(i is None for i in found):
            self.errors[name] = f"At most {MAX_IDS} {label}s, by number"
            return []
        return list(dict.fromkeys(i for i in found if i is not None))

    def check(self) -> None:
        if self.errors:
            raise FormInvalid(self.errors)
