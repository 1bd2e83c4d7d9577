"""A rule's conditions compiled once into predicates over the domain `Order`: the per-order
cost is a few attribute reads and comparisons, never parsing.

Text is compared ignoring case (both sides case-folded); `matches` runs on RE2, whose time
is linear in the value whatever the pattern. A number field compares as a number; a
metadata value compares as text, or as a number for gt/gte/lt/lte (a value that is not a
number does not match).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from orderhub.domain.orders import Item, Order
from orderhub.domain.rule_conditions import Condition, compile_pattern, duration_minutes
from orderhub.domain.rule_fields import FieldRef, OrderFacts, as_number, resolve
from orderhub.domain.rules import RuleSpec

Test = Callable[[Any], bool]
Predicate = Callable[[Order, OrderFacts], bool]


def _text(value: Any) -> str:
    if type(value) is str:
        return value.casefold()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value).casefold()


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _number_test(op: str, wanted: Any) -> Test:
    target = as_number(wanted)
    compare: dict[str, Callable[[Decimal, Decimal], bool]] = {
        "equals": lambda a, b: a == b,
        "not_equals": lambda a, b: a != b,
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }
    check = compare[op]

    def test(value: Any) -> bool:
        number = as_number(value)
        return number is not None and target is not None and check(number, target)

    return test


def _age_test(op: str, value: str) -> Test:
    span = timedelta(minutes=duration_minutes(value))

    def test(found: Any) -> bool:
        if not isinstance(found, datetime):
            return False
        cutoff = datetime.now(UTC).replace(tzinfo=None) - span
        return found < cutoff if op == "older_than" else found >= cutoff

    return test


def _text_test(op: str, value: Any) -> Test:
    wanted = _text(value)
    tests: dict[str, Test] = {
        "equals": lambda v: _text(v) == wanted,
        "not_equals": lambda v: _text(v) != wanted,
        "contains": lambda v: wanted in _text(v),
        "not_contains": lambda v: wanted not in _text(v),
        "starts_with": lambda v: _text(v).startswith(wanted),
        "ends_with": lambda v: _text(v).endswith(wanted),
    }
    return tests[op]


def value_test(ref: FieldRef, condition: Condition) -> Test:
    """What one value of the field must satisfy."""
    op, value = condition.op, condition.value
    if op == "is_empty":
        return _is_empty
    if op == "is_not_empty":
        return lambda v: not _is_empty(v)
    if op in ("older_than", "newer_than"):
        return _age_test(op, value)
    if op == "matches":
        pattern = compile_pattern(value)
        return lambda v: pattern.search(_text(v) if not isinstance(v, str) else v) is not None
    numeric = ref.kind == "number" and op in ("equals", "not_equals")
    if op in ("gt", "gte", "lt", "lte") or numeric:
        return _number_test(op, value)
    if op in ("in", "not_in"):
        if ref.kind == "number":
            numbers = {as_number(v) for v in value}
            found: Test = lambda v: as_number(v) in numbers  # noqa: E731
        else:
            texts = {_text(v) for v in value}
            found = lambda v: _text(v) in texts  # noqa: E731
        return found if op == "in" else (lambda v: not found(v))
    return _text_test(op, value)


def compile_condition(condition: Condition) -> Predicate:
    ref = resolve(condition.field)
    assert ref is not None, condition.field
    test = value_test(ref, condition)
    if ref.order is not None:
        read = ref.order
        return lambda order, facts: test(read(order, facts))
    read_item = ref.item
    assert read_item is not None
    if condition.items == "all":
        return lambda order, _f: bool(order.items) and all(test(read_item(i)) for i in order.items)
    return lambda order, _f: any(test(read_item(i)) for i in order.items)


def item_predicate(conditions: Sequence[Condition]) -> Callable[[Item], bool]:
    """Whether one item satisfies every one of these `order_items.*` conditions (a split
    action's): the same value tests as a rule's own conditions, applied to the item alone."""
    tests = []
    for condition in conditions:
        ref = resolve(condition.field)
        assert ref is not None and ref.item is not None, condition.field
        tests.append((ref.item, value_test(ref, condition)))
    return lambda item: all(test(read(item)) for read, test in tests)


def _joined(match: str, tests: list[Predicate]) -> Predicate:
    if not tests:
        return lambda _o, _f: True
    if len(tests) == 1:
        return tests[0]
    if match == "any":
        return lambda o, f: any(t(o, f) for t in tests)
    return lambda o, f: all(t(o, f) for t in tests)


# A rule that can only match when one of the order's text fields is one of a few values
# (an `equals` or `in` condition it must pass): the field, how to read it, the values.
Gate = tuple[str, Callable[[Order, OrderFacts], Any], frozenset[str]]


@dataclass(frozen=True)
class CompiledRule:
    spec: RuleSpec
    test: Predicate
    # False only when the order's own fields already rule a match out, whatever its items:
    # orders read in bulk (an import) load items only for those that pass.
    may_match: Predicate
    reads_items: bool
    gate: Gate | None = None

    def matches(self, order: Order, facts: OrderFacts) -> bool:
        return self.test(order, facts)


def _gate(spec: RuleSpec) -> Gate | None:
    if spec.match != "all" and len(spec.conditions) > 1:
        return None
    for condition in spec.conditions:
        ref = resolve(condition.field)
        if ref is None or ref.order is None or ref.kind != "text":
            continue
        if condition.op == "equals":
            return condition.field, ref.order, frozenset({_text(condition.value)})
        if condition.op == "in":
            return condition.field, ref.order, frozenset(_text(v) for v in condition.value)
    return None


class Prefilter:
    """Whether any of a list of rules may match an order, cheaply: rules gated on a field's
    value are looked up by that value (one read per field, whatever the number of rules),
    the others asked one by one. Twenty rules that do not match cost about one."""

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.indexed: dict[str, tuple[Callable[[Order, OrderFacts], Any],
                                      dict[str, list[CompiledRule]]]] = {}  # fmt: skip
        self.others: list[CompiledRule] = []
        for rule in rules:
            if rule.gate is None:
                self.others.append(rule)
                continue
            path, read, values = rule.gate
            by_value = self.indexed.setdefault(path, (read, {}))[1]
            for value in values:
                by_value.setdefault(value, []).append(rule)

    def may_match(self, order: Order, facts: OrderFacts) -> bool:
        for read, by_value in self.indexed.values():
            for rule in by_value.get(_text(read(order, facts)), ()):
                if rule.may_match(order, facts):
                    return True
        return any(rule.may_match(order, facts) for rule in self.others)


def compile_rule(spec: RuleSpec) -> CompiledRule:
    tests = [compile_condition(c) for c in spec.conditions]
    on_items = [c.field.startswith("order_items.") for c in spec.conditions]
    own = [t for t, item in zip(tests, on_items, strict=True) if not item]
    if not any(on_items):
        may_match = _joined(spec.match, tests)
    elif spec.match == "any" or not own:
        may_match = lambda _o, _f: True  # noqa: E731 - an item may decide
    else:
        may_match = _joined("all", own)
    return CompiledRule(spec, _joined(spec.match, tests), may_match, any(on_items), _gate(spec))
