"""The print-on-demand request built from a hub order: item selection, print fields from
metadata, the shipping map."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderhub.domain.errors import InvalidInput
from orderhub.domain.orders import Item, Order
from orderhub.protocol.pod.supplier_order import (
    format_shipping_map,
    matching_items,
    order_request,
    parse_shipping_map,
)
from orderhub.protocol.pod.xml_format import XmlNameError, parse_xml, render_xml


def test_shipping_map_round_trip_and_refusals() -> None:
    mapping = parse_shipping_map(" Ground=regular , Next Day Air=courier,")
    assert mapping == {"Ground": "regular", "Next Day Air": "courier"}
    assert parse_shipping_map(format_shipping_map(mapping)) == mapping
    for bad in ("Ground", "=regular", "Ground="):
        with pytest.raises(InvalidInput, match="ours=theirs"):
            parse_shipping_map(bad)


def test_request_from_metadata() -> None:
    tee = Item(
        name="Tee", code="JH001-BLK-L", quantity=3, price=Decimal("12.5"), id=7,
        metadata={"design_front": "https://x/f.png", "mockup_back": "https://x/m.png",
                  "label_name": "ink-label", "description": "large", "design_back": ""},
    )  # fmt: skip
    mug = Item(name="Mug", code="MUG-CER-WHI", id=8)
    order = Order(
        items=[tee, mug], shipping_method="Express", email="jane@example.com",
        shipping={"first_name": "Jane", "last_name": "Doe", "state": "Lancs",
                  "postal_code": "BB1 5QH", "country": "United Kingdom", "phone": "0123"},
        order_metadata={"brand": "Brand X"},
    )  # fmt: skip
    assert matching_items(order, ()) == [tee, mug]
    assert matching_items(order, ("JH*", "GD05-*")) == [tee]
    assert matching_items(order, ("jh*",)) == []  # case sensitive
    request = order_request(
        order, [tee], external_id="hub-1-2", shipping_map={"Express": "courier"}
    )
    assert request["external_id"] == "hub-1-2" and request["brandName"] == "Brand X"
    assert request["shipping"] == {"shippingMethod": "courier"}
    address = request["shipping_address"]
    assert (address["firstName"], address["county"], address["postcode"], address["phone1"]) == (
        "Jane", "Lancs", "BB1 5QH", "0123",
    )  # fmt: skip
    [item] = request["items"]
    assert item == {
        "pn": "JH001-BLK-L", "quantity": 3, "retailPrice": "12.50", "title": "Tee",
        "designs": {"front": "https://x/f.png"}, "mockups": {"back": "https://x/m.png"},
        "description": "large", "label": {"type": "printed", "name": "ink-label"},
    }  # fmt: skip
    # An unmapped method goes as it is.
    assert order_request(order, [tee], external_id="x", shipping_map={})["shipping"] == {
        "shippingMethod": "Express"
    }


def test_placements_that_are_not_element_names_go_as_a_list_and_the_xml_stays_whole() -> None:
    tee = Item(
        name="Tee", code="JH001", quantity=1, id=7,
        metadata={"design_front><x>": "https://x/f.png", "design_Printing Front": "https://x/p.png"},
    )  # fmt: skip
    request = order_request(Order(items=[tee]), [tee], external_id="hub-1", shipping_map={})
    designs = request["items"][0]["designs"]
    assert designs == [
        {"title": "front><x>", "src": "https://x/f.png"},
        {"title": "Printing Front", "src": "https://x/p.png"},
    ]
    root, parsed = parse_xml(render_xml("order", request))
    assert root == "order" and parsed["items"][0]["designs"] == designs


@pytest.mark.parametrize("name", ["front><x>", "a b", "1x", "", "x/>"])
def test_the_xml_writer_refuses_names_that_are_not_element_names(name: str) -> None:
    with pytest.raises(XmlNameError):
        render_xml("order", {"designs": {name: "https://x/f.png"}})
