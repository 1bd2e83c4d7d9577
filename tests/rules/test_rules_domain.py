"""The rule contract and its evaluation, without a database."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
import pytest

from orderhub.domain import limits
from orderhub.domain.dates import format_wire
from orderhub.domain.money import json_number
from orderhub.domain.orders import Item, Order
from orderhub.domain.rule_eval import compile_rule
from orderhub.domain.rule_fields import ITEM_FIELDS, ORDER_FIELDS, OrderFacts, resolve
from orderhub.domain.rules import (
    FIELDS,
    OPERATORS,
    RuleError,
    operators_for,
    parse_rule,
    parse_rules,
    rule_json,
)
from orderhub.protocol.orderdesk.wire import order_dict

NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
FACTS = OrderFacts({1: "Received", 2: "Printer"}, from_folder="Received")


def _order() -> Order:
    return Order(
        id=7, folder_id=2, source_id="S-7", email="Jane@Example.com", payment_status="Pending",
        shipping={"first_name": "Jane", "last_name": "Doe", "country": "GB", "city": "Leeds"},
        customer={"first_name": "Jane", "last_name": "Doe"},
        order_metadata={"priority": "5", "vip": True}, checkout_data={"gift": "yes"},
        items=[
            Item(id=1, name="Ink", code="INK-1", quantity=2, price=Decimal("4.5"),
                 variation_list={"Size": "L"}, metadata={"print": "front"}),
            Item(id=2, name="Mug", code="MUG", quantity=1, price=Decimal("7")),
        ],
        order_total=Decimal("16"), date_added=NOW - timedelta(days=4), date_updated=NOW,
    )  # fmt: skip


def _rule(*conditions: dict[str, Any], match: str = "all") -> dict[str, Any]:
    return {"name": "R", "event": "order.created", "match": match,
            "conditions": list(conditions), "actions": [{"action": "stop"}]}  # fmt: skip


def _matches(*conditions: dict[str, Any], match: str = "all") -> bool:
    return compile_rule(parse_rule(_rule(*conditions, match=match))).matches(_order(), FACTS)


def test_order_fields_read_what_the_wire_shows() -> None:
    order = _order()
    wire = order_dict(order)
    for path in ORDER_FIELDS:
        if path in ("folder", "from_folder", "fulfillment_status"):
            continue
        shown: Any = wire
        for part in path.split("."):
            shown = shown[part]
        ref = resolve(path)
        assert ref is not None and ref.order is not None
        value = ref.order(order, FACTS)
        if isinstance(value, Decimal):
            value = json_number(value)
        elif isinstance(value, datetime):
            value = format_wire(value)
        assert str(value) == str(shown), path
    for path in ITEM_FIELDS:
        ref = resolve(path)
        assert ref is not None and ref.item is not None
        value = ref.item(order.items[0])
        shown = wire["order_items"][0][path.split(".")[1]]
        assert str(json_number(value) if isinstance(value, Decimal) else value) == str(shown)
    assert wire["order_metadata"]["priority"] == resolve("order_metadata.priority").order(  # type: ignore[union-attr]
        order, FACTS
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "email", "op": "equals", "value": "jane@EXAMPLE.com"}, True),
        ({"field": "email", "op": "not_equals", "value": "jane@example.com"}, False),
        ({"field": "email", "op": "contains", "value": "EXAMPLE"}, True),
        ({"field": "email", "op": "not_contains", "value": "shop"}, True),
        ({"field": "email", "op": "starts_with", "value": "JANE"}, True),
        ({"field": "email", "op": "ends_with", "value": ".org"}, False),
        ({"field": "email", "op": "matches", "value": "^j.*@example\\.com$"}, True),
        ({"field": "shipping.country", "op": "in", "value": ["gb", "United Kingdom"]}, True),
        ({"field": "shipping.country", "op": "not_in", "value": ["GB"]}, False),
        ({"field": "order_total", "op": "gt", "value": 15}, True),
        ({"field": "order_total", "op": "gte", "value": 16}, True),
        ({"field": "order_total", "op": "lt", "value": 16}, False),
        ({"field": "order_total", "op": "lte", "value": 16.0}, True),
        ({"field": "order_total", "op": "equals", "value": 16}, True),
        ({"field": "order_total", "op": "in", "value": [1, 16]}, True),
        ({"field": "shipping.company", "op": "is_empty"}, True),
        ({"field": "shipping.city", "op": "is_not_empty"}, True),
        ({"field": "date_added", "op": "older_than", "value": "3d"}, True),
        ({"field": "date_added", "op": "newer_than", "value": "12h"}, False),
        ({"field": "date_updated", "op": "newer_than", "value": "30m"}, True),
        ({"field": "folder", "op": "equals", "value": "printer"}, True),
        ({"field": "from_folder", "op": "equals", "value": "Received"}, True),
        ({"field": "order_metadata.priority", "op": "gte", "value": 5}, True),
        ({"field": "order_metadata.vip", "op": "equals", "value": "true"}, True),
        ({"field": "order_metadata.missing", "op": "is_empty"}, True),
        ({"field": "checkout_data.gift", "op": "equals", "value": "YES"}, True),
        ({"field": "order_items.code", "op": "starts_with", "value": "ink-"}, True),
        (
            {"field": "order_items.code", "op": "starts_with", "value": "ink-", "items": "all"},
            False,
        ),
        ({"field": "order_items.quantity", "op": "gte", "value": 1, "items": "all"}, True),
        ({"field": "order_items.price", "op": "gt", "value": 5}, True),
        ({"field": "order_items.variation_list.size", "op": "equals", "value": "L"}, False),
        ({"field": "order_items.variation_list.Size", "op": "equals", "value": "l"}, True),
        ({"field": "order_items.metadata.print", "op": "in", "value": ["FRONT"]}, True),
    ],
)
def test_each_operator(condition: dict[str, Any], expected: bool) -> None:
    assert _matches(condition) is expected


def test_every_operator_is_tested_above() -> None:
    covered = {c[0]["op"] for c in test_each_operator.pytestmark[0].args[1]}  # type: ignore[attr-defined]
    assert covered == set(OPERATORS)


def test_all_and_any() -> None:
    yes = {"field": "email", "op": "contains", "value": "jane"}
    no = {"field": "email", "op": "contains", "value": "bob"}
    assert _matches(yes, no, match="any") and not _matches(yes, no, match="all")
    assert _matches(yes, yes) and not _matches(no, no, match="any")
    assert _matches()  # no conditions: every order


def test_a_hostile_pattern_on_a_long_value_does_not_stall() -> None:
    order = _order()
    order.email = "a" * 200_000 + "!"
    rule = compile_rule(parse_rule(_rule({"field": "email", "op": "matches", "value": "(a+)+$"})))
    started = time.perf_counter()
    rule.matches(order, FACTS)
    assert time.perf_counter() - started < 1.0


BAD: list[tuple[Any, str, str | None]] = [
    ([], "must be an object", ""),
    ({**_rule(), "nme": "x"}, "nme: is not a known key", "nme"),
    ({**_rule(), "name": ""}, "name: must not be empty", "name"),
    ({**_rule(), "name": "x" * 101}, "longer than 100", "name"),
    ({**_rule(), "event": "order.deleted"}, "unknown event", "event"),
    ({**_rule(), "match": "some"}, "match:", "match"),
    (_rule({"field": "colour", "op": "equals", "value": "x"}), "conditions[0].field: unknown field",
     "conditions.0.field"),
    (_rule({"field": "email", "op": "like", "value": "x"}), "unknown operator", "conditions.0.op"),
    (_rule({"field": "email", "op": "gt", "value": 1}), "does not fit", "conditions.0.op"),
    (_rule({"field": "date_added", "op": "equals", "value": "x"}), "does not fit",
     "conditions.0.op"),
    (_rule({"field": "order_total", "op": "gt", "value": "10"}), "must be a number",
     "conditions.0.value"),
    (_rule({"field": "email", "op": "equals", "value": 3}), "must be a string",
     "conditions.0.value"),
    (_rule({"field": "email", "op": "in", "value": "GB"}), "non-empty list", "conditions.0.value"),
    (_rule({"field": "email", "op": "is_empty", "value": "x"}), "takes no value",
     "conditions.0.value"),
    (_rule({"field": "email", "op": "equals"}), "needs a value", "conditions.0.value"),
    (_rule({"field": "date_added", "op": "older_than", "value": "3 days"}), "duration",
     "conditions.0.value"),
    (_rule({"field": "email", "op": "matches", "value": "(a"}), "not a valid regular expression",
     "conditions.0.value"),
    (_rule({"field": "email", "op": "matches", "value": "a" * 501}), "longer than 500",
     "conditions.0.value"),
    (_rule({"field": "email", "op": "equals", "value": "x", "items": "all"}),
     "order_items.* fields only", "conditions.0.items"),
    (_rule(*[{"field": "email", "op": "is_empty"}] * 21), "more than 20 conditions", "conditions"),
    ({**_rule(), "actions": []}, "at least one action", "actions"),
    ({**_rule(), "actions": [{"action": "explode"}]}, "actions[0].action: unknown action",
     "actions.0.action"),
    ({**_rule(), "actions": [{"action": "move"}]}, "actions[0].folder: is required",
     "actions.0.folder"),
    ({**_rule(), "actions": [{"action": "set", "field": "order_total", "value": 1}]},
     "not a field a rule may set", "actions.0.field"),
    ({**_rule(), "actions": [{"action": "set", "field": "payment_status", "value": "Paid"}]},
     "must be one of Approved", "actions.0.value"),
    ({**_rule(), "actions": [{"action": "webhook", "endpoint": 1.5}]}, "endpoint's name or id",
     "actions.0.endpoint"),
    ({**_rule(), "event": "schedule"}, "needs every_minutes", "every_minutes"),
    ({**_rule(), "every_minutes": 5}, "only a schedule rule", "every_minutes"),
    ({**_rule(), "stop": "yes"}, "true or false", "stop"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "reason", "form"), BAD)
def test_bad_rules_are_refused_with_where_and_why(body: Any, reason: str, form: str) -> None:
    with pytest.raises(RuleError) as refused:
        parse_rule(body)
    assert reason in refused.value.message
    assert (refused.value.field or "") == form


def test_a_list_names_the_rule() -> None:
    bad = {**_rule(), "name": "UK orders", "actions": [{"action": "move", "folder": 3}]}
    with pytest.raises(RuleError) as refused:
        parse_rules([_rule(), bad])
    assert refused.value.message.startswith("rule 2 'UK orders': actions[0].folder: ")
    with pytest.raises(RuleError, match="more than 100 rules"):
        parse_rules([_rule()] * (limits.MAX_RULES_PER_STORE + 1))


def test_json_round_trip_is_stable() -> None:
    body = {
        "name": "Sched", "event": "schedule", "every_minutes": 60, "folder": "Received",
        "enabled": False, "conditions": [{"op": "older_than", "field": "date_added",
                                          "value": "3d"}],
        "actions": [{"folder": "Needs attention", "action": "move"},
                    {"action": "tag", "name": "Late", "color": "red"}],
    }  # fmt: skip
    once = orjson.dumps(rule_json(parse_rule(body)))
    assert orjson.dumps(rule_json(parse_rule(orjson.loads(once)))) == once
    assert list(orjson.loads(once)) == [
        "name", "event", "match", "conditions", "actions", "stop", "enabled", "every_minutes",
        "folder",
    ]  # fmt: skip


def test_vocabularies() -> None:
    assert "shipping.country" in FIELDS and "order_metadata." in FIELDS
    assert "matches" in operators_for("email") and "gt" not in operators_for("email")
    assert operators_for("date_added") == ("older_than", "newer_than", "is_empty", "is_not_empty")
    assert operators_for("nope") == ()


@pytest.mark.parametrize(
    ("match", "conditions", "may"),
    [
        ("all", [{"field": "email", "op": "contains", "value": "bob"},
                 {"field": "order_items.code", "op": "equals", "value": "INK-1"}], False),
        ("all", [{"field": "email", "op": "contains", "value": "jane"},
                 {"field": "order_items.code", "op": "equals", "value": "NONE"}], True),
        ("any", [{"field": "email", "op": "contains", "value": "bob"},
                 {"field": "order_items.code", "op": "equals", "value": "NONE"}], True),
        ("any", [{"field": "email", "op": "contains", "value": "bob"}], False),
    ],
)  # fmt: skip
def test_may_match_rules_out_only_what_the_order_itself_decides(
    match: str, conditions: list[dict[str, Any]], may: bool
) -> None:
    rule = compile_rule(parse_rule(_rule(*conditions, match=match)))
    without_items = _order()
    without_items.items = []
    assert rule.may_match(without_items, FACTS) is may
    if not may:
        assert not rule.matches(_order(), FACTS)


def test_the_prefilter_agrees_with_asking_every_rule() -> None:
    from orderhub.domain.rule_eval import Prefilter

    def rule(*conditions: dict[str, Any], match: str = "all") -> Any:
        return compile_rule(parse_rule(_rule(*conditions, match=match)))

    country = lambda v: {"field": "shipping.country", "op": "equals", "value": v}  # noqa: E731
    rules = [
        rule(country("US")),
        rule({"field": "shipping.country", "op": "in", "value": ["FR", "gb"]},
             {"field": "email", "op": "contains", "value": "bob"}),
        rule(country("DE"), {"field": "order_total", "op": "gt", "value": 1}, match="any"),
        rule({"field": "order_items.code", "op": "equals", "value": "INK-1"}),
    ]  # fmt: skip
    assert [r.gate is not None for r in rules] == [True, True, False, False]
    order = _order()
    for subset in ([rules[0]], rules[:2], rules[1:3], rules):
        expected = any(r.may_match(order, FACTS) for r in subset)
        assert Prefilter(subset).may_match(order, FACTS) is expected
    assert Prefilter([rule(country("gb"))]).may_match(order, FACTS)
