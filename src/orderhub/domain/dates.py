"""Parsing and formatting the date forms both protocols use. Everything stored is naive UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orderhub.domain.errors import InvalidInput

WIRE_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse_datetime(
    value: str, field: str, *, tz: tzinfo = UTC, end_of_day: bool = False
) -> datetime:
    """`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or ISO 8601 (`T`, fractions, `Z` or an offset).
    A value without an offset is read in `tz`; a bare date means the start of that day, or
    its last second with `end_of_day` (so an end-date filter includes the whole day)."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            parsed = datetime.combine(day, time(23, 59, 59) if end_of_day else time())
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{field}: {value!r} is not a date (use YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or ISO 8601)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def format_wire(value: datetime) -> str:
    return value.strftime(WIRE_FORMAT)


def store_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"timezone: {name!r} is not an IANA time zone name") from None
