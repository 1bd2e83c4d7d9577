"""The importer's fast path (the compiled schema of protocol/orderdesk/bulk_schema.py and the
rows of orderfiles/rows.py) answers exactly as the API's models do: for a corpus of good and
hostile lines, the same verdict, the same message and the same rows, byte for byte, as the
reference path (`OrderIn`, the domain order, `storage.bulk.prepare`) on both dialects.

tests/test_import_matches_api.py checks the reference path against `POST /orders` itself."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from orderhub.domain import limits
from orderhub.orderfiles import pipeline, rows
from orderhub.protocol.orderdesk import bulk_schema
from tests.test_import_matches_api import CASES, deep

BASE: dict[str, Any] = {
    "source_id": "fast-1",
    "source_name": "Seed",
    "email": "c1@example.com",
    "date_added": "2025-03-04 05:00:00",
    "shipping_total": 4.5,
    "shipping": {"first_name": "Seed", "last_name": "Customer", "city": "Springfield"},
    "order_items": [
        {"name": "T-Shirt", "code": "TS-1", "price": 19.99, "quantity": 2, "weight": 0.5},
        {"name": "Mug", "code": "MUG-1", "price": 7.25, "quantity": 1, "weight": 1.25},
    ],
}

# Values every field is tried with: right and wrong types, edges of each limit, garbage.
HOSTILE: list[Any] = [
    None, "", " ", "x", "x" * 51, "x" * 256, "x" * 2001, "😀" * 100, 0, -1, 1, 2.5, -0.0,
    0.30000000000000004, 1e-5, 1.23456, 999_999_999_999.9999, 10**12, 10**15, 2**63, 2**64,
    -(2**63) - 1, 1e300, True, False, [], {}, [1], {"a": 1}, {"a": {"b": [1, {"c": None}]}},
    deep(limits.MAX_JSON_DEPTH + 1), "bell\x07", "nul\x00", "tab\tok", "ff\ufffe", "١",
    " 5 ", "5", "5.00001", "1e3", "-3", "ship", "download", "teleport", "captured",
    "Partially Refunded", "2024-02-30", "2024-03-01T10:00:00+02:00", "1969-12-31",
    "0001-01-01T00:00:00+01:00", 12345, [{"name": "x"}], "C:\\bin",
]  # fmt: skip

ITEM_FIELDS = (
    "id", "name", "price", "quantity", "weight", "code", "delivery_type", "category_code",
    "fulfillment_method", "variation_list", "metadata", "unknown",
)  # fmt: skip
ORDER_FIELDS = (
    "id", "source_id", "source_name", "email", "shipping_method", "shipping_total",
    "handling_total", "tax_total", "cc_number", "cc_number_masked", "cc_exp",
    "processor_response", "payment_type", "payment_status", "processor_balance", "refund_total",
    "customer_id", "ip_address", "tag_color", "tag_name", "fulfillment_name", "fulfillment_id",
    "folder_id", "date_added", "shipping", "customer", "return_address", "checkout_data",
    "order_metadata", "discount_list", "order_notes", "order_items", "unknown",
)  # fmt: skip


def with_item(**fields: Any) -> dict[str, Any]:
    return {**BASE, "order_items": [{**BASE["order_items"][0], **fields}]}


# JSON spelled as clients may spell it, spliced in as it is (json.dumps would respell it):
# numbers with more digits than a float holds, exponents, zeros with a sign, integers beyond
# 64 bits; text with escapes of every kind, and the characters themselves.
RAW_NUMBERS: list[bytes] = [
    b"19.990000000000001", b"19.9899999999999984", b"19.9900000000000001", b"0.1000000000000000055511151231257827",
    b"2.675", b"1.00005", b"1.0000", b"1.50", b"1E2", b"1e+2", b"1.1e1", b"150e-2", b"1e-4",
    b"1e-5", b"-0", b"-0.0", b"0e5", b"0.0000", b"-1.25", b"123456789012.3456",
    b"999999999999.9999", b"999999999999.99999", b"9.999999999999999e11", b"1e12",
    b"100000000000000000000", b"18446744073709551616", b"9223372036854775807",
    b"9223372036854775808", b"-9223372036854775809", b"5e-324", b"1.7976931348623157e308",
    b"0.30000000000000004", b"3", b"3.0", b"2",
]  # fmt: skip
RAW_TEXTS: list[bytes] = [
    b'"caf\\u00e9"', b'"\\u00E9t\\u00e9"', b'"\\u2028"', b'"\\ud83d\\ude00"', b'"\\u0007"',
    b'"\\u0000"', b'"\\u001f"', b'"\\u001F"', b'"\\t"', b'"\\n"', b'"\\r"', b'"\\u007f"',
    b'"\\uFFFE"', b'"\\ufeff"', b'"\\/"', b'"\\""', b'"\\\\"', b'""', b'" "', b'"  padded  "',
    b'"\\u00a0"', b'"\xc2\xa0nbsp"', b'"\xe2\x80\xa8"', b'"\xef\xbf\xbe"', b'"\\u0130"',
    b'"CAPTURED"', b'"captured "', b'"4111-1111-1111-1234"', b'"\\u0664\\u0665"',
    b'"2024-03-01 10:00:00"', b'" 2024-03-01 "', b'"2024-03-01T10:00:00.123456-07:00"',
    b'"x\\u0000y"', b'"\\x41"',
]  # fmt: skip
_SLOT = "@slot@"


def spliced(body: dict[str, Any], raw: bytes) -> bytes:
    """`body` as JSON with the value (or key) named `_SLOT` replaced by `raw`, byte for byte."""
    return orjson.dumps(body).replace(f'"{_SLOT}"'.encode(), raw)


def raw_lines() -> list[bytes]:
    item = BASE["order_items"][0]
    number_slots: list[dict[str, Any]] = [
        with_item(price=_SLOT), with_item(weight=_SLOT), with_item(quantity=_SLOT),
        with_item(id=_SLOT), {**BASE, "shipping_total": _SLOT},
        {**BASE, "processor_balance": _SLOT}, {**BASE, "folder_id": _SLOT},
        {**BASE, "discount_list": [{"name": "D", "amount": _SLOT}]},
        {**BASE, "checkout_data": {"n": _SLOT}}, with_item(metadata={"n": _SLOT}),
        {**BASE, "id": _SLOT},
    ]  # fmt: skip
    text_slots: list[dict[str, Any]] = [
        {**BASE, "email": _SLOT}, {**BASE, "payment_status": _SLOT},
        {**BASE, "cc_number": _SLOT}, {**BASE, "date_added": _SLOT},
        {**BASE, "source_id": _SLOT}, with_item(name=_SLOT), with_item(delivery_type=_SLOT),
        {**BASE, "shipping": {"company": _SLOT}}, {**BASE, "customer": {"phone": _SLOT}},
        {**BASE, "checkout_data": {"k": _SLOT}}, {**BASE, "checkout_data": {_SLOT: 1}},
        with_item(variation_list={_SLOT: "v"}),
        {**BASE, "order_notes": [{"content": _SLOT}]}, {**BASE, "id": _SLOT},
    ]  # fmt: skip
    lines = [spliced(body, raw) for body in number_slots for raw in RAW_NUMBERS]
    lines += [spliced(body, raw) for body in text_slots for raw in RAW_TEXTS]
    compact = orjson.dumps(BASE)
    return lines + [
        # Whitespace around and inside the body, pretty-printed and duplicated keys.
        b" \t\r\n" + compact + b" \n\t",
        json.dumps(BASE, indent=4).encode(),
        json.dumps(BASE, separators=(" , ", " : ")).encode(),
        compact[:-1] + b', "shipping_total": 2.5, "shipping_total": 7}',
        compact[:-1] + b', "shipping": {"company": "A", "company": "B"}}',
        compact[:-1] + b', "checkout_data": {"k": 1, "k": "two"}}',
        compact[:-1] + b', "order_items": [' + orjson.dumps(item) + b"]}",
        # Nested maps, lists where maps go, maps where text goes; the smallest bodies.
        orjson.dumps({**BASE, "checkout_data": {"a": {"b": 1}}}),
        orjson.dumps({**BASE, "order_metadata": {"a": [1, 2]}}),
        orjson.dumps({**BASE, "return_address": []}),
        orjson.dumps(with_item(variation_list=[])),
        orjson.dumps({**BASE, "email": {"a": 1}}),
        orjson.dumps({**BASE, "order_items": None}),
        orjson.dumps({**BASE, "discount_list": None, "order_notes": None}),
        orjson.dumps({**BASE, "discount_list": [], "order_notes": []}),
        orjson.dumps({**BASE, "shipping": None}),
        b"{}",
        b"null",
        b"[]",
        b"0",
        b'""',
        b"{",
        b"{}}",
        b"\xef\xbb\xbf" + compact,
        compact + b"\x00",
        compact.replace(b"Seed", b"S\x00eed", 1),
        compact.replace(b"Seed", b"S\x07eed", 1),
        compact.replace(b"Seed", b"S\xffeed", 1),
    ]


def corpus() -> list[bytes]:
    bodies: list[Any] = [BASE, *CASES]
    for value in HOSTILE:
        bodies += [{**BASE, name: value} for name in ORDER_FIELDS]
        bodies += [with_item(**{name: value}) for name in ITEM_FIELDS]
        for part in ("shipping", "customer"):
            bodies += [
                {**BASE, part: {"company": "Acme", name: value}}
                for name in ("first_name", "company", "address3", "phone", "unknown")
            ]
        bodies += [
            {**BASE, "discount_list": [{"name": "D", "amount": value}]},
            {**BASE, "discount_list": [{"name": value, "amount": 1}]},
            {**BASE, "order_notes": [{"content": value, "username": "u"}]},
        ]
    bodies += [
        {**BASE, "source_id": ""},  # the id made from the line itself
        {**BASE, "shipping": {}, "customer": {"first_name": "A", "last_name": "B"}},
        {**BASE, "customer": {"company": "C", "address3": "kept nowhere"}},
        {**BASE, "shipping": {"city": "X"}, "customer": {}},
        {**BASE, "order_items": [BASE["order_items"][0]] * 300},
        with_item(price=999_999_999_999, quantity=1_000_000),
        with_item(weight=999_999_999_999.9, quantity=1000),
        {**BASE, "discount_list": [{"amount": 999_999_999_999}] * 200},
        {**BASE, "checkout_data": {"k": 1, "j": [1, 2], "k2": {"x": "ü"}}},
    ]
    # json, not orjson: it writes integers beyond 64 bits too, as clients may.
    lines = [json.dumps(body, ensure_ascii=False).encode() + b"\n" for body in bodies]
    lines += [orjson.dumps(body) + b"\n" for body in bodies[:200]]
    # ASCII-only JSON, as many clients write it: every other character as a \u escape.
    lines += [json.dumps(body).encode() + b"\n" for body in bodies[:400]]
    lines += raw_lines()
    return lines + [
        b'{"source_id": "a", "source_id": "b", "order_items": [{"name": "x"}],'
        b' "shipping": {"company": "C"}}\n',
        b'{"source_id": "esc\\u00e9", "order_items": [{"name": "x"}], "shipping": {"company": "C"}}',
        *(
            b'{"source_id": "s\\' + escape + b'", "order_items": [{"name": "x"}],'
            b' "shipping": {"company": "C"}}\n'
            for escape in (
                b"u00e9",
                b"ud800",
                b"udc00x",
                b"ud83d\\ude00",
                b"u2028",
                b"u007f",
                b"u001F",
                b"uFFFF",
                b"b",
                b"f",
                b"t",
                b"/",
                b"q",
            )
        ),
        b"[1, 2]\n",
        b'"text"\n',
        b"{bad json\n",
        b'{"a": 1} trailing\n',
        b"\xef\xbb\xbf{}\n",
        b'{"source_id": "\xff"}\n',
        b'{"order_items": [{"price": 1e999}], "shipping": {"company": "C"}}\n',
        b'{"order_items": [{"price": 18446744073709551616}], "shipping": {"company": "C"}}\n',
        b'{"order_items": [{"quantity": 2.0}], "shipping": {"company": "C"}}\n',
    ]


LINES = corpus()


@pytest.mark.parametrize("drivername", ["sqlite", "postgresql+psycopg"])
def test_fast_path_answers_as_the_models(drivername: str) -> None:
    dialect = pipeline._dialect(drivername)
    fast = 0
    for number, line in enumerate(LINES, start=1):
        expected = pipeline.prepare_with_models(dialect, number, line)
        got = pipeline.prepare_unit(dialect, number, line)
        # repr: 1, 1.0 and True are equal, but not the same row value.
        assert repr((got.error, got.order)) == repr((expected.error, expected.order)), line
        decoded = bulk_schema.decode(line)
        fast += decoded is not None and rows.prepare_fast(decoded, line, dialect) is not None
    # Both paths are really exercised. Many good lines of the corpus are loose (numbers as
    # text, unknown fields) and so go to the models; bad lines always do.
    accepted = sum(
        pipeline.prepare_with_models(dialect, 0, line).order is not None for line in LINES
    )
    assert accepted / 3 < fast <= accepted
    assert len(LINES) - accepted > 500


def test_the_bench_orders_take_the_fast_path() -> None:
    from bench.run import order_line

    dialect = pipeline._dialect("sqlite")
    for i in range(50):
        line = order_line(i, "large") + b"\n"
        decoded = bulk_schema.decode(line)
        assert decoded is not None
        assert rows.prepare_fast(decoded, line, dialect) is not None
