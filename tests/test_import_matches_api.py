"""The importer takes an order by the API's rules: for the same varied and hostile inputs, the
same orders are accepted, a rejected line carries the message the API answers with, and what
is stored is identical field for field (but for what a path decides by nature: ids, the store,
its folder, dates not given).

POST /orders is the reference; the file goes through `run_import` into a second store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from orderhub.domain import limits
from orderhub.domain.queries import OrderQuery
from orderhub.orderfiles import run_import
from orderhub.storage import orders as order_storage
from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.helpers import OrderDesk, sample_order


def deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"n": value}
    return value


def item(**fields: Any) -> dict[str, Any]:
    return {"name": "Thing", "code": "T-1", "price": 1, "quantity": 1, **fields}


STRICT = {"name": "Thing", "code": "T-1", "price": 1.5, "quantity": 2, "weight": 0.25}


def case(number: int, **fields: Any) -> dict[str, Any]:
    defaults = {"source_id": f"case-{number:03d}", "date_added": "2024-05-06 07:08:09"}
    return sample_order(**{**defaults, **fields})


CASES: list[dict[str, Any]] = [
    case(1),
    # Loose types, normalised.
    case(2, shipping_total="4.50", handling_total=None, tax_total=0, email=12345),
    case(3, order_items=[item(price="10", quantity="3", weight="0.25"), item(quantity=2.0)]),
    case(4, payment_status="partially refunded", cc_number="4111 1111 1111 1234"),
    case(5, cc_number_masked="xxxx1111", cc_exp="12/29", processor_balance="3.10"),
    case(6, date_added="2024-03-01T10:00:00+02:00"),
    case(7, date_added="2024-03-01"),
    case(8, date_added="2024-03-01T23:30:00Z"),
    case(9, source_name="", tag_name=True, ip_address=None),
    case(10, shipping=[], customer={"company": "Acme", "city": "Town"}),
    case(11, customer={"first_name": "Cy", "last_name": "Doe", "country": "DE"}),
    case(12, checkout_data=[], order_metadata={"k": [1, 2.5, None, {"x": "ü"}]}),
    case(13, order_items=[item(variation_list={"Size": "L"}, metadata=[], delivery_type="")]),
    case(14, order_items=[item(delivery_type="download", id=7, category_code="C")]),
    case(15, discount_list=[{"name": "Spring", "code": "S", "amount": "2.5"}]),
    case(16, order_notes=[{"date_added": "2024-01-01", "username": "u", "content": "hi"}]),
    case(17, id=99, order_total=1, order_shipments=[], unknown="ignored"),
    case(18, return_address={"name": "Back"}, fulfillment_name="F", fulfillment_id="1"),
    case(19, order_items=[item(price="-5", weight=0)]),
    case(20, shipping_method="x" * limits.width("orders", "shipping_method")),
    # Refused, each with the API's message.
    case(21, order_items=[item(quantity="١")]),
    case(22, order_items=[item(name="bad\x00name")]),
    case(23, order_items=[item(name="x" * 256)]),
    case(24, order_items=[item(price=999_999_999_999, quantity=100_000)]),
    case(25, order_items=[item(metadata=deep(limits.MAX_JSON_DEPTH + 1))]),
    case(26, order_items=[]),
    case(27, order_items="x"),
    case(28, shipping={"city": "Nowhere"}, customer={}),
    case(29, order_items=[item(price="1.00001")]),
    case(30, order_items=[item(price=0.30000000000000004)]),
    case(31, order_items=[item(delivery_type="teleport")]),
    case(32, folder_id=987_654_321),
    case(33, folder_id="abc"),
    case(34, order_items=[item(quantity=0)]),
    case(35, order_items=[item(quantity=2.5)]),
    case(36, date_added="2024-02-30"),
    case(37, date_added="0001-01-01T00:00:00+01:00"),
    case(38, email="bell\x07"),
    case(39, payment_status="Maybe"),
    case(40, order_items=[item(weight=-1)]),
    case(41, discount_list=[{"amount": -1}]),
    case(42, shipping_total="1e999999999", tax_total="NaN", handling_total=True),
    case(43, **{f: [] for f in ("email", "cc_exp", "tag_color", "customer_id", "payment_type")}),
    case(44, checkout_data={"n": 2**63}),
    case(45, order_metadata="text"),
    case(46, order_items=[item(quantity=limits.MAX_QUANTITY + 1)]),
    case(47, unknown={"ignored, but still a body": "\x00"}),
    # Strictly typed: the importer's compiled fast path (protocol/orderdesk/bulk_schema.py).
    case(48, order_items=[STRICT]),
    case(49, order_items=[STRICT] * 150),
    case(50, order_items=[STRICT, 5]),
    case(51, order_items=[{**STRICT, "quantity": -2}]),
    case(52, order_items=[STRICT], checkout_data={"a": [1, {"b": "c"}]}),
    case(53, order_items=[STRICT], order_metadata={"n": 2**63 - 1, "f": 1.5, "t": True}),
    case(54, order_items=[STRICT], tax_total=1e20),
    case(55, order_items=[STRICT], customer={"company": "Co", "address3": "x"}, shipping={}),
    case(56, order_items=[{**STRICT, "price": 1e15}]),
    case(
        57,
        order_items=[STRICT],
        payment_status="voided",
        order_notes=[{"content": "n"}],
        discount_list=[{"name": "D", "code": "C", "amount": 0.5}],
    ),
    case(58, order_items=[{**STRICT, "metadata": {"k": "v\u0007"}}]),
    case(59, order_items=[STRICT], date_added="2024-13-01"),
    case(60, order_items=[{**STRICT, "name": "x" * 256}]),
    case(61, order_items=[STRICT], unknown=[1, {"x": [deep(40)]}]),
]


def stored(db: Database, store_id: int) -> dict[str, dict[str, Any]]:
    """Each stored order by source id, without what differs by nature between two stores."""
    with db.read() as conn:
        query = OrderQuery(sort="source_id", descending=False)
        ids = order_storage.search_order_ids(conn, store_id, query, limit=1000, offset=0)
        found = order_storage.load_orders(conn, store_id, ids, with_history=False)
    rows = {}
    for order in found:
        row = {k: v for k, v in vars(order).items() if k not in ("id", "store_id", "folder_id")}
        row["date_updated"] = None
        row["items"] = [{**vars(i), "id": None} for i in order.items]
        rows[str(order.source_id)] = row
    return rows


@pytest.mark.parametrize("jobs", [1, 2])
def test_import_takes_exactly_what_the_api_takes(
    od: OrderDesk, database: Database, tmp_path: Path, jobs: int
) -> None:
    answers: list[str | None] = []  # None: created; else the API's message
    for body in CASES:
        response = od.post("/orders", content=orjson.dumps(body))
        assert response.status_code in (200, 400, 422), response.text
        answers.append(None if response.status_code == 200 else response.json()["message"])
    assert answers.count(None) == 27, answers  # both kinds are really exercised

    path = tmp_path / "orders.jsonl"
    path.write_bytes(b"".join(orjson.dumps(body) + b"\n" for body in CASES))
    with database.write() as conn:
        imported_into = stores.create_store(conn, f"imported {jobs}").store.id
    summary = run_import(database, imported_into, path, "jsonl", quiet=True, jobs=jobs)

    assert dict(summary.rejected) == {
        line: answer for line, answer in enumerate(answers, start=1) if answer is not None
    }
    assert summary.imported == answers.count(None)
    assert stored(database, imported_into) == stored(database, od.store.store.id)
