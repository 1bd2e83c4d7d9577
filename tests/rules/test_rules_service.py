"""Rules in the services, on both databases: they run inside the change that fired them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from orderhub.domain.channel import Channel
from orderhub.domain.orders import Item, Order
from orderhub.domain.rules import RuleError
from orderhub.services import moves, orders, rules
from orderhub.storage import orders as order_storage
from orderhub.storage import stores, tables

CLI = Channel.cli()


def _order(source_id: str, country: str = "GB", code: str = "INK-1", **fields: Any) -> Order:
    return Order(
        items=[Item(name="Ink", code=code, quantity=2)],
        shipping={"first_name": "Ann", "last_name": "Lee", "country": country},
        source_id=source_id,
        **fields,
    )


def _rule(name: str = "UK ink", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "event": "order.created",
        "match": "all",
        "conditions": [
            {"field": "shipping.country", "op": "in", "value": ["GB", "United Kingdom"]},
            {"field": "order_items.code", "op": "starts_with", "value": "ink-"},
        ],
        "actions": [
            {"action": "move", "folder": "Printer"},
            {"action": "add_note", "text": "Routed to the printer"},
        ],
        "stop": False,
        "enabled": True,
    }
    body.update(changes)
    return body


def _folder(database: Any, store_id: int, name: str) -> int:
    with database.write() as conn:
        from orderhub.storage import folders

        return folders.create_folder(conn, store_id, name, None).id


def _history(database: Any, store_id: int, order_id: int) -> list[str]:
    with database.read() as conn:
        found = order_storage.get_order(conn, store_id, order_id)
    assert found.history is not None
    return [h.note for h in found.history]


def _folder_name(database: Any, store_id: int, order_id: int) -> str:
    with database.read() as conn:
        found = order_storage.get_order(conn, store_id, order_id, with_history=False)
        names = {f.id: f.name for f in stores.list_folders(conn, store_id)}
    return names[found.folder_id or 0]


def test_a_create_rule_moves_the_order_before_the_answer(database: Any, store: Any) -> None:
    _folder(database, store.store.id, "Printer")
    rules.add_rule(database, store.store, _rule(), channel=CLI)
    taken = orders.take_order(database, store.store, _order("R-1"), channel=CLI)
    other = orders.take_order(database, store.store, _order("R-2", country="US"), channel=CLI)
    assert taken.order is not None and other.order is not None
    assert _folder_name(database, store.store.id, taken.order.id) == "Printer"
    with database.read() as conn:
        printer = stores.find_folder(conn, store.store.id, name="Printer")
    assert printer is not None and taken.order.folder_id == printer.id  # the answer too
    assert _folder_name(database, store.store.id, other.order.id) != "Printer"
    notes = _history(database, store.store.id, taken.order.id)
    assert "Rule 'UK ink': moved to Printer; added a note" in notes
    assert "Routed to the printer" in notes


def test_a_failing_rule_is_undone_alone_and_intake_stands(database: Any, store: Any) -> None:
    folder_id = _folder(database, store.store.id, "Gone")
    rules.add_rule(database, store.store, _rule("to gone", actions=[
        {"action": "add_note", "text": "first"}, {"action": "move", "folder": "Gone"}]),
        channel=CLI)  # fmt: skip
    with database.write() as conn:
        conn.execute(tables.folders.delete().where(tables.folders.c.id == folder_id))
    taken = orders.take_order(database, store.store, _order("F-1"), channel=CLI)
    assert taken.order is not None
    notes = _history(database, store.store.id, taken.order.id)
    assert "first" not in notes  # the rule's first action was rolled back with it
    assert any("Rule 'to gone' failed: folder 'Gone' does not exist" in n for n in notes)
    listed = rules.list_rules(database, store.store.id)
    assert listed[0].last_outcome is not None and listed[0].last_outcome.startswith("failed")


def test_a_loop_is_cut_with_a_history_line(database: Any, store: Any) -> None:
    for name in ("X", "Y"):
        _folder(database, store.store.id, name)
    for name, target, other in (("to X", "X", "Y"), ("to Y", "Y", "X")):
        rules.add_rule(database, store.store, {
            "name": name, "event": "order.moved",
            "conditions": [{"field": "folder", "op": "equals", "value": other}],
            "actions": [{"action": "move", "folder": target}]}, channel=CLI)  # fmt: skip
    taken = orders.take_order(database, store.store, _order("L-1"), channel=CLI)
    assert taken.order is not None and taken.order.id is not None
    moves.move_orders(database, store.store, [taken.order.id], folder_name="X", channel=CLI)
    notes = _history(database, store.store.id, taken.order.id)
    assert any("not run again" in n and "loop was cut" in n for n in notes)
    assert _folder_name(database, store.store.id, taken.order.id) in ("X", "Y")


def test_preview_writes_nothing(database: Any, store: Any) -> None:
    _folder(database, store.store.id, "Printer")
    for i in range(3):
        orders.take_order(database, store.store, _order(f"P-{i}", country="GB" if i else "US"),
                          channel=CLI)  # fmt: skip

    def counts() -> list[int]:
        with database.read() as conn:
            return [
                conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (tables.orders, tables.order_history, tables.rules, tables.rule_sets)
            ]

    before = counts()
    found = rules.preview(database, store.store, _rule(), orders=10)
    assert counts() == before
    assert (found.examined, found.matched) == (3, 2)
    assert found.rows[0].matched and found.rows[0].actions[0] == "move to Printer"


def test_import_is_all_or_nothing(database: Any, store: Any) -> None:
    _folder(database, store.store.id, "Printer")
    good, bad = _rule("good"), _rule("bad", actions=[{"action": "move", "folder": "Nowhere"}])
    with pytest.raises(RuleError) as refused:
        rules.import_rules(database, store.store, [good, bad], replace=False, channel=CLI)
    assert refused.value.where.startswith("rule 2 'bad': actions[0].folder")
    assert rules.list_rules(database, store.store.id) == []
