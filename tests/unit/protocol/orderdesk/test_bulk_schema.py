"""The importer's compiled schema names exactly the fields of the API's request models, with
the same text lengths, ranges and defaults, so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from annotated_types import MaxLen
from pydantic import BaseModel

from orderhub.domain import limits
from orderhub.protocol.orderdesk import bulk_schema
from orderhub.protocol.orderdesk.models import AddressIn, DiscountIn, ItemIn, NoteIn, OrderIn

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
