"""Parsing and formatting the date forms both protocols use. Everything stored is naive UTC,
between limits.MIN_YEAR and limits.MAX_YEAR (so no time zone shift leaves the calendar)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import MAX_YEAR, MIN_YEAR

WIRE_FORMAT = "%Y-%m-%d %H:%M:%S"
EARLIEST = datetime(MIN_YEAR, 1, 1)
LATEST = datetime(MAX_YEAR, 12, 31, 23, 59, 59)
OUT_OF_RANGE = f"is out of range (dates from {MIN_YEAR}-01-01 to {MAX_YEAR}-12-31 are accepted)"


def parse_datetime(
    value: str, field: str, *, tz: tzinfo = UTC, end_of_day: bool = False
) -> datetime:
    """`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or ISO 8601 (`T`, fractions, `Z` or an offset).
    A value without an offset is read in `tz`; a bare date means the start of that day, or
    its last second with `end_of_day` (so an end-date filter includes the whole day).
    Never raises anything but InvalidInput: a date whose UTC form leaves the calendar is
    out of range, like any date outside the accepted years."""
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
    try:
        utc = parsed.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    except (OverflowError, ValueError):
        raise InvalidInput(f"{field}: {value!r} {OUT_OF_RANGE}") from None
    return in_range(utc, field, value)


def in_range(value: datetime, field: str, shown: object = None) -> datetime:
    """`value` (naive UTC) if it is within the accepted years, else InvalidInput."""
    if not EARLIEST <= value <= LATEST:
        shown_text = repr(shown) if shown is not None else repr(value.isoformat())
        raise InvalidInput(f"{field}: {shown_text} {OUT_OF_RANGE}")
    return value


def parse_day(value: str, field: str) -> date:
    """A calendar day, `YYYY-MM-DD` (anything after the first ten characters is ignored)."""
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InvalidInput(f"{field}: must be a date, YYYY-MM-DD") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidInput(f"{field}: {value!r} {OUT_OF_RANGE}")
    return day


def format_wire(value: datetime) -> str:
    return value.strftime(WIRE_FORMAT)


def store_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"timezone: {name!r} is not an IANA time zone name") from None


def utcnow() -> datetime:
    """Naive UTC to the second: what the wire shows and what both engines store alike."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
