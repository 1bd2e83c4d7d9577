"""Per-store settings an operator may change (`orderhub store set`, the desk's settings page).

One explicit registry, known to every entry point: each setting has its parser (with its
bounds), its default and its help, so a typo or an out-of-range value is refused with a
reason instead of being stored and silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from orderhub.domain import emails
from orderhub.domain.errors import InvalidInput
from orderhub.domain.values import ascii_digits

MAX_LIST_ENTRIES = 100
MAX_LIST_ENTRY_CHARS = 100
MAX_URL_CHARS = 2000
MAX_RATE_LIMIT_CAPACITY = 1_000_000
MAX_RATE_LIMIT_REFILL = 100_000.0
# ASCII only: float() also reads `١` (Arabic-Indic one) and `1_0`.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


@dataclass(frozen=True)
class SettingSpec:
    name: str
    parse: Callable[[str], Any]
    help: str
    default: str
    # Shown to API clients under GET /api/v2/store (never anything secret).
    public: bool = False
    # A URL the server sends requests to: checked against the outbound guards when set
    # (outbound/setting_urls.py), and again on every request.
    contacted: bool = False


def flag(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("must be on or off (1/0, true/false)")


def choice(*options: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw.strip() not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return raw.strip()

    return parse


def whole_between(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        text = raw.strip()
        if not ascii_digits(text) or len(text) > 18 or not low <= int(text) <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return int(text)

    return parse


def number_between(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        text = raw.strip()
        if _DECIMAL.fullmatch(text) is None or not low <= float(text) <= high:
            raise ValueError(f"must be a number from {low:g} to {high:g}")
        return float(text)

    return parse


def http_url(raw: str) -> str:
    url = raw.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL_CHARS:
        raise ValueError(
            f"must be an http:// or https:// URL of at most {MAX_URL_CHARS} characters"
        )
    return url


def comma_list(raw: str) -> list[str]:
    values = [v.strip() for v in raw.split(",") if v.strip()]
    if not values:
        raise ValueError("must be a comma-separated list")
    if len(values) > MAX_LIST_ENTRIES or any(len(v) > MAX_LIST_ENTRY_CHARS for v in values):
        raise ValueError(
            f"at most {MAX_LIST_ENTRIES} entries of at most {MAX_LIST_ENTRY_CHARS} characters"
        )
    return values


def _email_address(raw: str) -> str:
    try:
        return emails.address(raw, "address")
    except InvalidInput as exc:
        raise ValueError(exc.message.removeprefix("address: ")) from None


def _sender_name(raw: str) -> str:
    try:
        return emails.header_text(raw, "name")
    except InvalidInput as exc:
        raise ValueError(exc.message.removeprefix("name: ")) from None


def _money_format(raw: str) -> str:
    text = raw.strip()
    if not 4 <= len(text) <= 20 or ("0.00" not in text and "0,00" not in text):
        raise ValueError("must show the amount as 0.00 or 0,00, e.g. $0.00 or 0,00 €")
    return text


_SPECS = (
    SettingSpec(
        "auto_update_stock_count", flag,
        "on: orders take stock from inventory items with the same code, and give it back",
        "off", public=True,
    ),
    SettingSpec(
        "negative_stock", choice("allow", "reject"),
        "allow: stock may go below zero; reject: an order that would is refused",
        "allow", public=True,
    ),
    SettingSpec(
        "rate_limit_capacity", whole_between(0, MAX_RATE_LIMIT_CAPACITY),
        "this store's token bucket size; 0 switches the limit off",
        "server's ORDERHUB_RATE_LIMIT_CAPACITY", public=True,
    ),
    SettingSpec(
        "rate_limit_refill_per_second", number_between(0, MAX_RATE_LIMIT_REFILL),
        "tokens per second refilled into this store's bucket",
        "server's ORDERHUB_RATE_LIMIT_REFILL_PER_SECOND", public=True,
    ),
    SettingSpec(
        "pod_notification_url", http_url,
        "print-on-demand status notifications are POSTed here (signed)",
        "none: no notifications", contacted=True,
    ),
    SettingSpec(
        "pod_duplicate_external_id", choice("reject", "return_existing"),
        "a second print-on-demand order with a known external_id: reject, or return the "
        "existing order",
        "reject",
    ),
    SettingSpec(
        "pod_shipping_methods", comma_list,
        "a strict list of accepted print-on-demand shipping methods (comma list); unset, any "
        "method is accepted",
        "any method",
    ),
    SettingSpec(
        "pod_design_placements", comma_list,
        "accepted print-on-demand design placements (comma list)",
        "front, back, left, right, sleeves, neck, pocket and the Printing/Embroidery names",
    ),
    SettingSpec(
        "shipment_confirmation_email", flag,
        "on: every shipment with a tracking number emails the customer the shipment "
        "confirmation template",
        "off",
    ),
    SettingSpec(
        "email_sender_address", _email_address,
        "the From address of the store's emails (needs ORDERHUB_SMTP_URL)",
        "none: emails are not sent",
    ),
    SettingSpec("email_sender_name", _sender_name, "the From name of the store's emails",
                "the store's name"),
    SettingSpec("email_reply_to", _email_address, "the Reply-To address of the store's emails",
                "none"),
    SettingSpec(
        "money_format", _money_format,
        "how templates show money: the amount replaces 0.00 (or 0,00), e.g. $0.00, 0,00 €",
        "0.00",
    ),
)  # fmt: skip

STORE_SETTINGS: dict[str, SettingSpec] = {spec.name: spec for spec in _SPECS}
PUBLIC_SETTINGS: tuple[str, ...] = tuple(spec.name for spec in _SPECS if spec.public)


def spec_of(name: str) -> SettingSpec:
    spec = STORE_SETTINGS.get(name)
    if spec is None:
        known = ", ".join(sorted(STORE_SETTINGS))
        raise InvalidInput(f"{name}: not a store setting (known: {known})")
    return spec


def parse_setting(name: str, raw: str) -> Any:
    spec = spec_of(name)
    try:
        return spec.parse(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name}: {exc}") from None
