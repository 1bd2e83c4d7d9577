"""The rules engine's `split` and `email` actions: the contract (JSON in, JSON out, bad input
named by action and condition index), the store-time checks, and a rule-driven split through
the Order Desk API on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from orderhub.domain.channel import Channel
from orderhub.domain.orders import Item, Order
from orderhub.domain.rule_conditions import Condition
from orderhub.domain.rule_eval import compile_rule, item_predicate
from orderhub.domain.rule_fields import OrderFacts
from orderhub.domain.rules import RuleError, parse_rule, rule_json
from orderhub.services import rule_actions, rules
from orderhub.storage import folders, stores, tables, webhooks
from orderhub.storage.database import Database
from tests.helpers import OrderDesk, sample_order

CLI = Channel.cli()
INK = {"field": "order_items.code", "op": "starts_with", "value": "INK-"}
SPLIT = {"action": "split", "conditions": [INK], "folder": "Inkthreadable"}


def _rule(*actions: dict[str, Any], name: str = "Ink apart", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "event": "order.created", "match": "all",
                            "conditions": [], "actions": list(actions), "stop": False,
                            "enabled": True}  # fmt: skip
    body.update(changes)
    return body


def _refused(body: dict[str, Any]) -> RuleError:
    with pytest.raises(RuleError) as caught:
        parse_rule(body)
    return caught.value


@pytest.mark.parametrize(
    "action",
    [
        SPLIT,
        {"action": "split", "folder": "Mugs", "conditions": [
            {"field": "order_items.metadata.vendor", "op": "in", "value": ["ACME", "Mugly"]},
            {"field": "order_items.quantity", "op": "gte", "value": 2}]},
        {"action": "email", "template": "order confirmation", "to": "customer"},
        {"action": "email", "template": "Packed", "to": "warehouse@shop.example"},
    ],
)  # fmt: skip
def test_the_json_goes_out_as_it_came_in(action: dict[str, Any]) -> None:
    body = _rule(action)
    assert rule_json(parse_rule(body)) == body


@pytest.mark.parametrize(
    ("action", "where"),
    [
        ({**SPLIT, "conditions": [INK, {"field": "shipping.country", "op": "equals",
                                        "value": "GB"}]}, "actions[0].conditions[1].field"),
        ({**SPLIT, "conditions": [{"field": "order_items.code", "op": "gt", "value": 1}]},
         "actions[0].conditions[0].op"),
        ({**SPLIT, "conditions": [{**INK, "items": "all"}]}, "actions[0].conditions[0].items"),
        ({**SPLIT, "conditions": [{**INK, "colour": "red"}]}, "actions[0].conditions[0].colour"),
        ({**SPLIT, "conditions": [{"field": "order_items.nope", "op": "equals", "value": "x"}]},
         "actions[0].conditions[0].field"),
        ({**SPLIT, "conditions": []}, "actions[0].conditions"),
        ({**SPLIT, "conditions": INK}, "actions[0].conditions"),
        ({"action": "split", "conditions": [INK]}, "actions[0].folder"),
        ({**SPLIT, "folder": ""}, "actions[0].folder"),
        ({"action": "email", "template": "x", "to": "jane@example.com\r\nBcc: all@x.com"},
         "actions[0].to"),
        ({"action": "email", "template": "x", "to": "not an address"}, "actions[0].to"),
        ({"action": "email", "template": "x", "to": ["a@b.com"]}, "actions[0].to"),
        ({"action": "email", "template": "", "to": "customer"}, "actions[0].template"),
        ({"action": "email", "template": "x"}, "actions[0].to"),
    ],
)  # fmt: skip
def test_bad_actions_are_refused_naming_the_action_and_condition(
    action: dict[str, Any], where: str
) -> None:
    error = _refused(_rule({"action": "stop"}, action))
    assert error.where == where.replace("actions[0]", "actions[1]"), error.message
    assert error.field == where.replace("[", ".").replace("]", "").replace("actions.0",
                                                                             "actions.1")  # fmt: skip


def test_item_predicate_is_the_rule_conditions_tests_per_item() -> None:
    picks = item_predicate((
        Condition("order_items.code", "starts_with", "ink-"),
        Condition("order_items.quantity", "gte", 2),
    ))  # fmt: skip
    assert picks(Item(code="INK-1", quantity=2))
    assert not picks(Item(code="INK-1", quantity=1))
    assert not picks(Item(code="MUG-1", quantity=5))


def test_preview_describes_both_actions() -> None:
    spec = parse_rule(_rule(SPLIT, {"action": "email", "template": "T", "to": "customer"}))
    assert [rule_actions.describe(a) for a in spec.actions] == [
        "split items matching order_items.code starts_with 'INK-' into a new order in "
        "Inkthreadable",
        "email 'T' to customer",
    ]


def _folder(database: Database, store_id: int, name: str) -> int:
    with database.write() as conn:
        return folders.create_folder(conn, store_id, name, None).id


def test_store_time_checks_name_the_argument(database: Database, store: Any) -> None:
    with pytest.raises(RuleError) as caught:
        rules.add_rule(database, store.store, _rule(SPLIT), channel=CLI)
    assert caught.value.field == "actions.0.folder" and "Inkthreadable" in caught.value.message
    for template in ("no such template", "packing slip"):  # a document is not an email
        email = {"action": "email", "template": template, "to": "customer"}
        with pytest.raises(RuleError) as caught:
            rules.add_rule(database, store.store, _rule(email), channel=CLI)
        assert caught.value.field == "actions.0.template", caught.value.message
    email = {"action": "email", "template": "order confirmation", "to": "customer"}
    _folder(database, store.store.id, "Inkthreadable")
    assert rules.add_rule(database, store.store, _rule(SPLIT, email), channel=CLI).id
    found = rules.preview(database, store.store, _rule(SPLIT))
    assert found.examined == 0  # a new store: nothing to preview, nothing written


def _orders_of(database: Database, store_id: int) -> int:
    with database.read() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.orders).where(
            tables.orders.c.store_id == store_id)).scalar_one())  # fmt: skip


def _history(od: OrderDesk, order_id: int) -> list[tuple[str, str]]:
    order = od.get(f"/orders/{order_id}").json()["order"]
    return [(h["source_name"], h["note"]) for h in order["order_history"]]


def test_a_split_rule_on_create_leaves_tees_and_puts_mugs_in_a_new_order(
    od: OrderDesk, database: Database
) -> None:
    store = od.store.store
    mugs_folder = _folder(database, store.id, "Mugs")
    mugs_only = [{"field": "order_items.code", "op": "starts_with", "value": "MUG-",
                  "items": "all"}]  # fmt: skip
    rules.import_rules(database, store, [
        _rule({"action": "split", "folder": "Mugs", "conditions": [
            {"field": "order_items.code", "op": "starts_with", "value": "MUG-"}]},
            name="Mugs apart",
            conditions=[{"field": "order_items.code", "op": "starts_with", "value": "MUG-"}]),
        # The new order's own order.created rules run on it (the original has tees in it).
        _rule({"action": "tag", "color": "blue", "name": "mugs"}, name="Tag mug orders",
              conditions=mugs_only),
    ], replace=True, channel=CLI)  # fmt: skip
    with database.write() as conn:
        webhooks.add_endpoint(conn, store.id, "http://127.0.0.1:9/in",
                              ["order.created", "order.updated"], "json", "s3cret")  # fmt: skip

    created = od.post("/orders", json=sample_order(source_id="S-77"))
    assert created.status_code == 200, created.text
    answer = created.json()["order"]
    original = int(answer["id"])
    assert [i["code"] for i in answer["order_items"]] == ["TS-1"]  # the answer shows the split
    [(source, note)] = [h for h in _history(od, original) if h[1].startswith("Split:")]
    new = int(note.split("moved to order ")[1].split()[0])
    assert source == "Rule 'Mugs apart'"
    assert note == f"Split: 1 × MUG-1 moved to order {new} (source id S-77-2)"

    part = od.get(f"/orders/{new}").json()["order"]
    assert [i["code"] for i in part["order_items"]] == ["MUG-1"]
    assert int(part["folder_id"]) == mugs_folder and part["source_id"] == "S-77-2"
    assert part["tag_name"] == "mugs" and answer["tag_name"] != "mugs"
    notes = _history(od, new)
    assert (
        "Rule 'Mugs apart'",
        f"Split from order {original} (source id S-77): 1 × MUG-1",
    ) in notes
    assert ("Rule 'Tag mug orders'", "Rule 'Tag mug orders': tagged mugs (blue)") in notes
    # The split rule is not tried on the part it made: no second split, no failure, no loop line.
    assert not [n for _, n in notes if "Mugs apart" in n and n.startswith("Rule")]
    assert ("Rule 'Mugs apart'", f"Rule 'Mugs apart': split 1 × MUG-1 into order {new} in "
            "Mugs") in _history(od, original)  # fmt: skip
    assert _orders_of(database, store.id) == 2
    with database.read() as conn:  # webhooks hear of both orders
        sent = sorted((d.event, d.order_id) for d in webhooks.list_deliveries(conn, store.id))
    assert sent == sorted([("order.created", original), ("order.created", new),
                           ("order.updated", original), ("order.updated", new)])  # fmt: skip
    [stored, _] = rules.list_rules(database, store.id)
    assert (
        stored.last_outcome == f"matched order {original}: split 1 × MUG-1 into order {new} in Mugs"
    )


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [
        ([{"field": "order_items.code", "op": "is_not_empty"}],
         "every item of the order matches: a split must leave something"),
        ([{"field": "order_items.code", "op": "starts_with", "value": "ZZZ"}],
         "no item of the order matches: nothing to split off"),
    ],
)  # fmt: skip
def test_a_split_rule_that_matches_every_item_or_none_fails_alone(
    od: OrderDesk, database: Database, conditions: list[dict[str, Any]], reason: str
) -> None:
    store = od.store.store
    _folder(database, store.id, "Elsewhere")
    rules.add_rule(database, store, _rule(
        {"action": "add_note", "text": "before the split"},
        {"action": "split", "folder": "Elsewhere", "conditions": conditions}, name="Bad split",
    ), channel=CLI)  # fmt: skip
    created = od.post("/orders", json=sample_order())
    assert created.status_code == 200, created.text
    order_id = int(created.json()["order"]["id"])
    assert [i["code"] for i in od.get(f"/orders/{order_id}").json()["order"]["order_items"]] == [
        "TS-1", "MUG-1"]  # fmt: skip
    notes = [n for _, n in _history(od, order_id)]
    assert f"Rule 'Bad split' failed: {reason}; its actions were undone" in notes
    assert "before the split" not in notes  # the rule's other action went with it
    assert _orders_of(database, store.id) == 1
    [stored] = rules.list_rules(database, store.id)
    assert stored.last_outcome == f"failed on order {order_id}: {reason}"


def test_a_split_made_part_is_a_new_order_for_rules_of_other_stores_too(
    database: Database, make_store: Any
) -> None:
    """Two stores with the same rule: each splits only its own orders (store-scoped)."""
    from orderhub.services import orders

    made = []
    for name in ("Split A", "Split B"):
        new = make_store(name)
        _folder(database, new.store.id, "Inkthreadable")
        rules.add_rule(database, new.store, _rule(SPLIT), channel=CLI)
        order = Order(items=[Item(name="Ink", code="INK-1", quantity=1),
                             Item(name="Tee", code="TEE-1", quantity=1)], source_id="X-1",
                      shipping={"first_name": "A", "last_name": "B"})  # fmt: skip
        orders.take_order(database, new.store, order, channel=CLI)
        made.append(new.store.id)
    with database.read() as conn:
        for store_id in made:
            assert _orders_of(database, store_id) == 2
            ink = stores.find_folder(conn, store_id, name="Inkthreadable")
            assert ink is not None
            in_ink = conn.execute(select(tables.orders.c.source_id).where(
                tables.orders.c.store_id == store_id, tables.orders.c.folder_id == ink.id
            )).scalars().all()  # fmt: skip
            assert in_ink == ["X-1-2"]


def test_the_docs_example_is_a_valid_rule() -> None:
    """docs/rules.md's split-and-email example, as written."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text()
    block = text.split('```json\n{"name": "Ink to Inkthreadable"', 1)[1].split("```", 1)[0]
    spec = parse_rule(orjson.loads('{"name": "Ink to Inkthreadable"' + block))
    assert [a.action for a in spec.actions] == ["split", "email"]
    order = Order(items=[Item(id=1, code="INK-1"), Item(id=2, code="TEE-1")])
    assert compile_rule(spec).matches(order, OrderFacts({}))
    assert not compile_rule(spec).matches(Order(items=[Item(id=1, code="INK-1")]), OrderFacts({}))


def test_a_split_rule_runs_on_an_import_set_wise(store: Any, database: Database) -> None:
    from orderhub.services import imports
    from orderhub.storage import bulk

    _folder(database, store.store.id, "Inkthreadable")
    rules.add_rule(database, store.store, _rule(SPLIT), channel=CLI)
    batch = [
        bulk.prepare(Order(items=[Item(name="Ink", code="INK-1", quantity=1),
                                  Item(name="Tee", code="TEE-1", quantity=1)],
                           source_id=f"IMP-{i}", shipping={"first_name": "A"}),
                     database.engine.dialect)
        for i in range(3)
    ]  # fmt: skip
    imports.import_batch(database, store.store, batch, channel=Channel.importer())
    with database.read() as conn:
        ink = stores.find_folder(conn, store.store.id, name="Inkthreadable")
        assert ink is not None
        rows = conn.execute(select(tables.orders.c.source_id, tables.orders.c.folder_id).where(
            tables.orders.c.store_id == store.store.id)).all()  # fmt: skip
    assert sorted(r.source_id for r in rows if r.folder_id == ink.id) == [
        "IMP-0-2", "IMP-1-2", "IMP-2-2"]  # fmt: skip
    assert len(rows) == 6
