"""Print data from inventory (the order's own values win, and what was taken is named in
the request), and naming what an order's forwarding leaves out."""

from __future__ import annotations

from orderhub.domain.orders import Item, Order
from orderhub.protocol.pod.supplier_order import left_out, order_request

STOCKED = {
    "TEE": {
        "design_front": "https://inv/front.png", "design_back": "https://inv/back.png",
        "mockup_front": "https://inv/mock.png", "description": "from inventory",
        "label_name": "ink-label", "other": "not print data",
    },
}  # fmt: skip


def _order(*items: Item) -> Order:
    return Order(items=list(items), shipping={"first_name": "A", "last_name": "B"})


def test_missing_print_fields_come_from_inventory_and_are_named() -> None:
    bare = Item(name="Tee", code="TEE", quantity=1, id=1)
    [wire] = order_request(
        _order(bare), [bare], external_id="hub-1-1", shipping_map={}, inventory=STOCKED
    )["items"]
    assert wire["designs"] == {"front": "https://inv/front.png", "back": "https://inv/back.png"}
    assert wire["mockups"] == {"front": "https://inv/mock.png"}
    assert wire["description"] == "from inventory"
    assert wire["label"] == {"type": "printed", "name": "ink-label"}
    assert wire["from_inventory"] == [
        "designs.front", "designs.back", "mockups.front", "description", "label",
    ]  # fmt: skip


def test_the_orders_own_values_win() -> None:
    own = Item(
        name="Tee", code="TEE", quantity=1, id=1,
        metadata={"design_front": "https://own/front.png", "description": "mine"},
    )  # fmt: skip
    from_pod = Item(
        name="Tee", code="TEE", quantity=1, id=2,
        pod_data={"designs": [{"title": "back", "src": "https://pod/back.png"}]},
    )  # fmt: skip
    request = order_request(
        _order(own, from_pod), [own, from_pod], external_id="x", shipping_map={},
        inventory=STOCKED,
    )  # fmt: skip
    first, second = request["items"]
    assert first["designs"] == {"front": "https://own/front.png", "back": "https://inv/back.png"}
    assert first["description"] == "mine"
    assert "description" not in first["from_inventory"]
    assert "designs.front" not in first["from_inventory"]
    assert second["designs"]["back"] == "https://pod/back.png"
    assert second["designs"]["front"] == "https://inv/front.png"


def test_an_item_with_no_inventory_or_nothing_missing_names_nothing() -> None:
    mug = Item(name="Mug", code="MUG", quantity=1, id=3)
    [wire] = order_request(_order(mug), [mug], external_id="x", shipping_map={}, inventory=STOCKED)[
        "items"
    ]
    assert "from_inventory" not in wire and wire["designs"] == {}


def test_what_is_left_out_is_named_by_who_would_take_it() -> None:
    tee = Item(name="Tee", code="TEE-1", quantity=2, id=1)
    mug = Item(name="Mug", code="MUG-1", quantity=1, id=2)
    pin = Item(name="Pin", code="PIN", quantity=3, id=3)
    order = _order(tee, mug, pin)
    assert left_out(order, [tee, mug, pin], {"C": ("MUG*",)}) == ""
    text = left_out(order, [tee], {"Printer C": ("MUG*",), "Posters": ("PST-*",)})
    assert text == (
        "1 × MUG-1 left for Printer C (split the order to send them there); "
        "3 × PIN taken by no supplier (not forwarded anywhere)"
    )
    assert "3 × PIN left for Catch-all" in left_out(order, [tee, mug], {"Catch-all": ()})
