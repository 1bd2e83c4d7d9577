"""Per-store settings an operator may change (`orderhub store set`): each with its parser,
so a typo is refused with a reason instead of being stored and silently ignored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orderhub.domain.errors import InvalidInput


@dataclass(frozen=True)
class SettingSpec:
    parse: Callable[[str], Any]
    help: str


def _non_negative_int(raw: str) -> int:
    if not raw.strip().isdigit():
        raise ValueError("must be a whole number of at least 0")
    return int(raw)


def _non_negative_float(raw: str) -> float:
    value = float(raw)
    if value < 0 or value != value:
        raise ValueError("must be a number of at least 0")
    return value


def flag(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("must be on or off (1/0, true/false)")


def choice(*options: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return raw

    return parse


STORE_SETTINGS: dict[str, SettingSpec] = {
    "rate_limit_capacity": SettingSpec(
        _non_negative_int, "this store's token bucket size; 0 switches the limit off"
    ),
    "rate_limit_refill_per_second": SettingSpec(
        _non_negative_float, "tokens per second refilled into this store's bucket"
    ),
}


def register(name: str, parse: Callable[[str], Any], help: str) -> None:
    """Features declare their settings where they are implemented."""
    STORE_SETTINGS[name] = SettingSpec(parse, help)


def parse_setting(name: str, raw: str) -> Any:
    spec = STORE_SETTINGS.get(name)
    if spec is None:
        known = ", ".join(sorted(STORE_SETTINGS))
        raise InvalidInput(f"{name}: not a store setting (known: {known})")
    try:
        return spec.parse(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name}: {exc}") from None
