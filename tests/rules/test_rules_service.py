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


def test_actions_set_tag_webhook_stop_and_cancel(database: Any, store: Any) -> None:
    from orderhub.storage import webhooks

    with database.write() as conn:
        webhooks.add_endpoint(conn, store.store.id, "https://erp.test/h", ["*"], "json",
                              "secret-123", name="erp")  # fmt: skip
    rules.import_rules(database, store.store, [
        {"name": "mark", "event": "order.created", "actions": [
            {"action": "set", "field": "order_metadata.route", "value": "uk"},
            {"action": "set", "field": "shipping_method", "value": "Express"},
            {"action": "tag", "color": "red", "name": "Rush"},
            {"action": "webhook", "endpoint": "erp"},
            {"action": "stop"}]},
        {"name": "never", "event": "order.created", "actions": [{"action": "cancel"}]},
        {"name": "cancel unpaid", "event": "manual",
         "conditions": [{"field": "payment_status", "op": "equals", "value": "pending"}],
         "actions": [{"action": "cancel"}]},
    ], replace=False, channel=CLI)  # fmt: skip
    paid = orders.take_order(database, store.store, _order("A-1"), channel=CLI).order
    unpaid = orders.take_order(database, store.store, _order("A-2", payment_status="Pending"),
                               channel=CLI).order  # fmt: skip
    assert paid is not None and unpaid is not None and paid.id and unpaid.id
    assert paid.order_metadata == {"route": "uk"} and paid.shipping_method == "Express"
    assert (paid.tag_color, paid.tag_name) == ("red", "Rush")
    with database.read() as conn:
        queued = webhooks.list_deliveries(conn, store.store.id)
    assert {d.event for d in queued} >= {"rule"}
    assert not paid.cancelled  # "never" did not run: "mark" stopped the list
    manual = rules.manual_rules(database, store.store.id)
    assert [r.spec.name for r in manual] == ["cancel unpaid"]
    results = rules.run_on_orders(database, store.store, manual[0].id, [paid.id, unpaid.id, 999999],
                                  channel=CLI)  # fmt: skip
    assert [(r.matched, r.outcome.split(":")[0]) for r in results] == [
        (False, "did not match"), (True, f"matched order {unpaid.id}"),
        (False, "Order 999999 not found")]  # fmt: skip
    assert _folder_name(database, store.store.id, unpaid.id) == "Canceled"


def test_a_cascade_is_cut_at_the_depth_limit(database: Any, store: Any) -> None:
    from orderhub.domain.limits import MAX_RULE_DEPTH

    chain = [f"F{i}" for i in range(MAX_RULE_DEPTH + 3)]
    for name in chain:
        _folder(database, store.store.id, name)
    specs = [{"name": "start", "event": "order.created",
              "actions": [{"action": "move", "folder": chain[0]}]}]  # fmt: skip
    specs += [
        {"name": f"step {i}", "event": "order.moved",
         "conditions": [{"field": "folder", "op": "equals", "value": here}],
         "actions": [{"action": "move", "folder": chain[i + 1]}]}
        for i, here in enumerate(chain[:-1])
    ]  # fmt: skip
    rules.import_rules(database, store.store, specs, replace=False, channel=CLI)
    taken = orders.take_order(database, store.store, _order("C-1"), channel=CLI)
    assert taken.order is not None and taken.order.id is not None
    notes = _history(database, store.store.id, taken.order.id)
    assert f"Rules not run: changes made by rules went {MAX_RULE_DEPTH} levels deep" in notes
    # The deepest change was not followed; the list is still walked in order at the levels
    # above (each rule once), so the chain ends at its last folder, and the answer says so.
    assert _folder_name(database, store.store.id, taken.order.id) == chain[-1]
    assert taken.order.folder_id == _folder_id(database, store.store.id, chain[-1])


def _folder_id(database: Any, store_id: int, name: str) -> int:
    with database.read() as conn:
        found = stores.find_folder(conn, store_id, name=name)
    assert found is not None
    return found.id


def test_an_edit_by_another_process_is_used_from_the_next_change(database: Any, store: Any) -> None:
    _folder(database, store.store.id, "Printer")
    added = rules.add_rule(database, store.store, _rule(), channel=CLI)
    first = orders.take_order(database, store.store, _order("G-1"), channel=CLI).order
    assert first is not None and first.id is not None
    # Another process disables it: only the rows and the generation change, not this
    # process's compiled copy.
    from orderhub.storage import rules as rule_storage

    with database.write() as conn:
        rule_storage.update_rule(conn, store.store.id, added.id, enabled=False)
        rule_storage.bump_generation(conn, store.store.id)
    second = orders.take_order(database, store.store, _order("G-2"), channel=CLI).order
    assert second is not None and second.id is not None
    assert _folder_name(database, store.store.id, first.id) == "Printer"
    assert _folder_name(database, store.store.id, second.id) != "Printer"


def test_replace_move_and_enable(database: Any, store: Any) -> None:
    _folder(database, store.store.id, "Printer")
    a = rules.add_rule(database, store.store, _rule("a"), channel=CLI)
    b = rules.add_rule(database, store.store, _rule("b"), channel=CLI)
    listed = rules.move_rule(database, store.store, b.id, 1, channel=CLI)
    assert [(r.spec.name, r.position) for r in listed] == [("b", 1), ("a", 2)]
    changed = rules.replace_rule(database, store.store, a.id, _rule("a2", enabled=False),
                                 channel=CLI)  # fmt: skip
    assert changed.spec.name == "a2" and not changed.spec.enabled
    assert rules.set_enabled(database, store.store, a.id, True, channel=CLI).spec.enabled
    with pytest.raises(rules.UnknownRule):
        rules.remove_rule(database, store.store, 999999, channel=CLI)
    with pytest.raises(RuleError) as refused:
        rules.replace_rule(database, store.store, a.id,
                           _rule(actions=[{"action": "move", "folder": "Nope"}]), channel=CLI)  # fmt: skip
    assert refused.value.field == "actions.0.folder"
    assert rules.get_rule(database, store.store.id, a.id).spec.name == "a2"  # type: ignore[union-attr]


def test_a_create_no_rule_listens_to_costs_no_statement(database: Any, make_store: Any) -> None:
    from sqlalchemy import event

    def statements(store: Any, source_id: str) -> list[str]:
        seen: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            seen.append(statement)

        event.listen(database.engine, "before_cursor_execute", record)
        try:
            orders.take_order(database, store, _order(source_id), channel=CLI)
        finally:
            event.remove(database.engine, "before_cursor_execute", record)
        return seen

    bare, ruled = make_store("bare").store, make_store("ruled").store
    rules.add_rule(database, ruled, {"name": "moved only", "event": "order.moved",
                                     "actions": [{"action": "stop"}]}, channel=CLI)  # fmt: skip
    statements(bare, "warm-1"), statements(ruled, "warm-2")
    plain, with_rules = statements(bare, "N-1"), statements(ruled, "N-2")
    assert len(with_rules) == len(plain)
    assert not [s for s in with_rules if "FROM rules" in s]


def test_the_narrow_read_for_rules_reads_every_field_as_a_whole_read(
    database: Any, store: Any
) -> None:
    from orderhub.domain.rule_fields import FIELDS, OrderFacts, resolve
    from orderhub.storage.orders.rule_reads import load_for_rules

    order = _order("W-1", email="w@x.test", payment_status="Pending", shipping_method="Express",
                   checkout_data={"gift": "yes"}, order_metadata={"n": 3}, tag_name="T",
                   customer={"first_name": "C", "last_name": "D", "city": "Leeds"})  # fmt: skip
    order.items[0].variation_list = {"Size": "L"}
    order.items[0].metadata = {"print": "front"}
    order.items.append(Item(name="Mug", code="MUG", quantity=1))
    taken = orders.take_order(database, store.store, order, channel=CLI).order
    assert taken is not None and taken.id is not None
    paths = [f + "x" if f.endswith(".") else f for f in FIELDS]
    paths += ["checkout_data.gift", "order_metadata.n", "order_items.variation_list.Size",
              "order_items.metadata.print"]  # fmt: skip
    facts = OrderFacts({})
    with database.read() as conn:
        whole = order_storage.get_order(conn, store.store.id, taken.id, with_history=False)
        for path in paths:
            [narrow] = load_for_rules(conn, store.store.id, [taken.id], {path})
            ref = resolve(path)
            assert ref is not None
            # The create's own order, which rules on order.created test without a read.
            for seen in (narrow, taken):
                if ref.order is not None:
                    assert ref.order(seen, facts) == ref.order(whole, facts), path
                else:
                    assert ref.item is not None
                    assert [ref.item(i) for i in seen.items] == [
                        ref.item(i) for i in whole.items
                    ], path


def test_a_rule_fired_again_by_its_own_change_is_skipped_quietly(database: Any, store: Any) -> None:
    rules.add_rule(database, store.store, {
        "name": "big", "event": "order.updated",
        "conditions": [{"field": "shipping.country", "op": "equals", "value": "gb"}],
        "actions": [{"action": "tag", "color": "gold", "name": "UK"}]}, channel=CLI)  # fmt: skip
    taken = orders.take_order(database, store.store, _order("Q-1"), channel=CLI).order
    assert taken is not None and taken.id is not None
    orders.replace_order(database, store.store, taken.id, _order("Q-1"), channel=CLI)
    notes = _history(database, store.store.id, taken.id)
    assert [n for n in notes if n.startswith("Rule 'big'")] == ["Rule 'big': tagged UK (gold)"]
    assert not [n for n in notes if "loop was cut" in n]
