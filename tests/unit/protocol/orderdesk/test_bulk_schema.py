"""The compiled schema names exactly the fields of the API's request models, with the same
text lengths, ranges and defaults, so the two cannot drift apart; and the domain order it
makes of a body (`to_order`, the create's fast path) is the one OrderIn makes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import orjson
import pytest
from annotated_types import MaxLen
from pydantic import BaseModel

from orderhub.domain import limits, values
from orderhub.domain.errors import OrderhubError
from orderhub.domain.order_fields import WRITTEN, OrderField
from orderhub.domain.orders import Order
from orderhub.protocol.orderdesk import bulk_schema
from orderhub.protocol.orderdesk.models import (
    AddressIn,
    DiscountIn,
    ItemIn,
    NoteIn,
    OrderIn,
    parse_body,
)
from tests.test_import_fast_path import LINES
from tests.unit.domain.test_order_fields import wire_value

PAIRS = [
    (OrderIn, bulk_schema.BulkOrder),
    (ItemIn, bulk_schema.BulkItem),
    (AddressIn, bulk_schema.BulkAddress),
    (DiscountIn, bulk_schema.BulkDiscount),
    (NoteIn, bulk_schema.BulkNote),
]


def max_length(model: type[BaseModel], name: str) -> int | None:
    lengths = [m.max_length for m in model.model_fields[name].metadata if isinstance(m, MaxLen)]
    return lengths[0] if lengths else None


def fields_of(struct: type[msgspec.Struct]) -> dict[str, Any]:
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType)
    assert info.forbid_unknown_fields  # an unknown field goes to the models
    return {field.name: field for field in info.fields}


@pytest.mark.parametrize(("model", "struct"), PAIRS)
def test_the_same_fields_with_the_same_lengths(
    model: type[BaseModel], struct: type[msgspec.Struct]
) -> None:
    fields = fields_of(struct)
    assert set(fields) == set(model.model_fields)
    for name, field in fields.items():
        kind = field.type
        if isinstance(kind, msgspec.inspect.StrType):
            assert kind.max_length == max_length(model, name), name
            assert model.model_fields[name].default == field.default, name
        else:
            assert max_length(model, name) is None, name


def test_the_order_fields_are_order_ins() -> None:
    assert set(bulk_schema.ORDER_FIELDS) == set(OrderIn.model_fields)


def test_numbers_within_the_models_ranges() -> None:
    item = fields_of(bulk_schema.BulkItem)
    quantity = item["quantity"].type
    assert (quantity.ge, quantity.le) == (1, limits.MAX_QUANTITY)
    for struct, name in ((bulk_schema.BulkItem, "id"), (bulk_schema.BulkOrder, "folder_id")):
        ids = fields_of(struct)[name].type.types[0]
        assert (ids.ge, ids.le) == (1, limits.MAX_ID)
    scalar = msgspec.inspect.type_info(bulk_schema.Scalar)
    ints = [t for t in scalar.types if isinstance(t, msgspec.inspect.IntType)]
    assert limits.MIN_JSON_INT <= ints[0].ge and ints[0].le <= limits.MAX_JSON_INT


def models_order(body: bytes) -> Order | None:
    """What `POST /orders` makes of a body without the compiled schema (api/orderdesk/
    bodies.json_value, then OrderIn), or None where it refuses it."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if values.json_problem(data) is not None:
        return None
    try:
        return parse_body(OrderIn, data).to_domain()
    except OrderhubError:
        return None


def test_to_order_makes_the_models_order() -> None:
    """For every body of the importer's corpus (good and hostile, numbers and text as
    clients spell them) the compiled path takes, OrderIn takes it too and makes the same
    order: repr, so that 1 and 1.0 and True, or Decimal('1.5') and Decimal('1.50'), differ."""
    taken = 0
    for body in LINES:
        fast = bulk_schema.order_of(body)
        if fast is None:
            continue
        taken += 1
        assert repr(fast) == repr(models_order(body)), body
    # Both paths are really exercised: many bodies are loose or bad, and go to OrderIn.
    assert 1000 < taken < len(LINES) / 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"19.9899999999999984", Decimal("19.99")),  # the float 19.99, spelled long
        (b"0.1000000000000000055511151231257827", Decimal("0.1")),
        (b"1E2", Decimal("100.0")),
        (b"3", Decimal("3")),
        (b"1.50", Decimal("1.5")),
        (b"-0.0", Decimal("0")),
        (b"999999999999.9999", Decimal("999999999999.9999")),
    ],
)
def test_money_as_the_models_read_it(raw: bytes, expected: Decimal) -> None:
    body = b'{"order_items": [{"price": ' + raw + b'}], "shipping": {"company": "C"}}'
    order = bulk_schema.order_of(body)
    assert order is not None
    assert repr(order.items[0].price) == repr(expected)


@pytest.mark.parametrize(
    "body",
    [
        b'{"order_items": [{"price": 1e-5}]}',  # finer than 1/10,000
        b'{"order_items": [{"price": 19.990000000000001}]}',  # the float 19.990000000000002
        b'{"order_items": [{"weight": -1}]}',
        b'{"discount_list": [{"amount": -1}]}',
        b'{"payment_status": "Maybe"}',
        b'{"date_added": "2024-02-30"}',
        b'{"order_items": [{"delivery_type": "teleport"}]}',
        b'{"tax_total": 1e12}',
        b'{"email": "\\u0007"}',
        b'{"email": 5}',  # loose: OrderIn makes "5" of it
    ],
)
def test_what_it_leaves_to_the_models(body: bytes) -> None:
    assert bulk_schema.order_of(body) is None


@pytest.mark.parametrize("field", WRITTEN, ids=lambda f: f.name)
def test_to_order_reads_every_written_field(field: OrderField) -> None:
    """A new field of the order (domain/order_fields.py) that `to_order` leaves out fails
    here: each written field, sent as strictly typed JSON, changes the order as in OrderIn."""
    strict = {"money": 12.5, "ref": 7, "discounts": [{"name": "d", "amount": 1}]}
    assert field.wire is not None
    body = orjson.dumps({field.wire: strict.get(field.kind, wire_value(field))})
    order = bulk_schema.order_of(body)
    assert order is not None
    assert getattr(order, field.name) != getattr(Order(), field.name), field.name
    assert repr(order) == repr(models_order(body))
