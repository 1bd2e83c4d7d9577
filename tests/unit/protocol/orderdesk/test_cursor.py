"""The list cursor: what the API's `next_cursor` and the desk's pager write reads back
exactly, and anything else is refused with the field's name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orderhub.domain.errors import InvalidInput
from orderhub.protocol.orderdesk.cursor import decode_cursor, encode_cursor


@pytest.mark.parametrize(
    ("sort", "value"),
    [
        ("id", 42),
        ("date_added", datetime(2026, 11, 24, 9, 30, 5)),
        ("date_updated", datetime(2026, 1, 1)),
    ],
)
def test_a_cursor_reads_back_as_written(sort: str, value: object) -> None:
    cursor = encode_cursor(sort, value, 7)
    assert "=" not in cursor
    assert decode_cursor(cursor, sort) == (value, 7)


def test_a_cursor_is_refused_for_another_sort_or_when_tampered() -> None:
    cursor = encode_cursor("date_added", datetime(2026, 11, 24), 7)
    for bad, sort in [
        (cursor, "date_updated"),
        (cursor[:-2], "date_added"),
        ("not a cursor", "date_added"),
        (encode_cursor("id", 0, 7), "id"),
        (encode_cursor("id", 5, 2**63), "id"),
        (encode_cursor("date_added", datetime(2026, 1, 1, tzinfo=UTC), 7), "date_added"),
    ]:
        with pytest.raises(InvalidInput, match="^cursor: "):
            decode_cursor(bad, sort)


def test_only_keyset_sorts_page_by_cursor() -> None:
    with pytest.raises(InvalidInput, match="order_by date_added, date_updated, id"):
        decode_cursor(encode_cursor("email", "a@b.c", 1), "email")
