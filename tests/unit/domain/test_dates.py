"""Dates (domain/dates.py): the formats accepted, time zones, and the bounds."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from orderhub.domain.dates import parse_datetime, parse_day
from orderhub.domain.errors import InvalidInput


def test_dates() -> None:
    assert parse_datetime("2014-10-08 12:10:00", "d") == datetime(2014, 10, 8, 12, 10)
    assert parse_datetime("2016-01-01T00:00:00.000Z", "d") == datetime(2016, 1, 1)
    assert parse_datetime("2014-04-25T16:15:47-04:00", "d") == datetime(2014, 4, 25, 20, 15, 47)
    assert parse_datetime("2024-03-01", "d", end_of_day=True) == datetime(2024, 3, 1, 23, 59, 59)
    la = ZoneInfo("America/Los_Angeles")
    assert parse_datetime("2024-07-01 00:00:00", "d", tz=la) == datetime(2024, 7, 1, 7, 0)
    with pytest.raises(InvalidInput, match="^search_start_date: "):
        parse_datetime("yesterday", "search_start_date")


@pytest.mark.parametrize(
    "text",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01", "9999-12-31",
     "1969-12-31T23:59:59Z", "9999-12-31T23:59:59+14:00"],
)  # fmt: skip
def test_parse_datetime_never_overflows(text: str) -> None:
    with pytest.raises(InvalidInput, match="out of range"):
        parse_datetime(text, "when")
    with pytest.raises(InvalidInput, match="out of range"):
        parse_datetime(text, "when", end_of_day=True)


def test_dates_at_the_bounds() -> None:
    assert parse_datetime("1970-01-01", "d") == datetime(1970, 1, 1)
    assert parse_datetime("9998-12-31", "d", end_of_day=True) == datetime(9998, 12, 31, 23, 59, 59)
    assert parse_day("2026-02-03T10:00:00", "d").isoformat() == "2026-02-03"
    with pytest.raises(InvalidInput, match="out of range"):
        parse_day("0001-01-01", "d")
