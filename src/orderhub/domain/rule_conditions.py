"""A rule condition as data: a field, an operator that fits it and a value of the right
type, checked into a frozen `Condition` and written back as the contract JSON (docs/rules.md).

A rule's own conditions and a `split` action's item conditions are both parsed here, so the
two are checked (and, in `domain/rule_eval.py`, evaluated) the same way. No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import re2

from orderhub.domain import limits
from orderhub.domain.errors import InvalidInput
from orderhub.domain.rule_fields import ITEM_QUANTIFIERS, Kind, resolve
from orderhub.domain.values import text_problem

TEXT_OPERATORS = ("equals", "not_equals", "contains", "not_contains", "starts_with", "ends_with")
LIST_OPERATORS = ("in", "not_in")
ORDER_OPERATORS = ("gt", "gte", "lt", "lte")
EMPTY_OPERATORS = ("is_empty", "is_not_empty")
AGE_OPERATORS = ("older_than", "newer_than")
OPERATORS: tuple[str, ...] = (
    *TEXT_OPERATORS, "matches", *LIST_OPERATORS, *ORDER_OPERATORS, *EMPTY_OPERATORS,
    *AGE_OPERATORS,
)  # fmt: skip
_BY_KIND: dict[Kind, tuple[str, ...]] = {
    "text": (*TEXT_OPERATORS, "matches", *LIST_OPERATORS, *EMPTY_OPERATORS),
    "number": ("equals", "not_equals", *LIST_OPERATORS, *ORDER_OPERATORS, *EMPTY_OPERATORS),
    "date": (*AGE_OPERATORS, *EMPTY_OPERATORS),
    "any": (*TEXT_OPERATORS, "matches", *LIST_OPERATORS, *ORDER_OPERATORS, *EMPTY_OPERATORS),
}
DURATION = re.compile(r"([1-9][0-9]{0,4})([mhd])")
DURATION_MINUTES = {"m": 1, "h": 60, "d": 24 * 60}


class RuleError(InvalidInput):
    """A rule that cannot be stored or run as written: `where` names the rule (when it is
    one of several), the condition or action and its key; `field` is the form's path."""

    def __init__(self, where: str, reason: str, field: str | None = None) -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.where = where
        self.field = field
        self.reason = reason

    def in_rule(self, index: int, name: str) -> RuleError:
        """The same error, naming the rule it belongs to (1-based) in a list of rules."""
        label = f"rule {index} {name!r}" if name else f"rule {index}"
        return RuleError(f"{label}: {self.where}" if self.where else label, self.reason, self.field)


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None
    items: str = "any"


def operators_for(field: str) -> tuple[str, ...]:
    ref = resolve(field)
    return _BY_KIND[ref.kind] if ref is not None else ()


def fail(where: str, form: str, reason: str) -> RuleError:
    """The error for a bad key: `where` as the JSON says it, `form` as the desk's form does."""
    return RuleError(where, reason, form)


def check_text(value: Any, where: str, form: str, *, most: int, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise fail(where, form, "must be a string")
    if not empty and not value.strip():
        raise fail(where, form, "must not be empty")
    if len(value) > most:
        raise fail(where, form, f"is longer than {most} characters")
    problem = text_problem(value)
    if problem:
        raise fail(where, form, problem)
    return value


def _scalar(value: Any, where: str, form: str, kind: Kind) -> Any:
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(where, form, "must be a number")
        if abs(value) >= limits.MAX_TOTAL:
            raise fail(where, form, "is out of range")
        return value
    if kind == "any" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return check_text(value, where, form, most=limits.MAX_RULE_VALUE_CHARS)


def compile_pattern(pattern: str) -> Any:
    """An RE2 pattern (linear time in the text), matched ignoring case."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    return re2.compile(pattern, options)


def _condition_value(op: str, kind: Kind, value: Any, where: str, form: str) -> Any:
    if op in EMPTY_OPERATORS:
        if value is not None:
            raise fail(where, form, f"{op} takes no value")
        return None
    if value is None:
        raise fail(where, form, f"{op} needs a value")
    if op in LIST_OPERATORS:
        if not isinstance(value, list) or not value:
            raise fail(where, form, f"{op} needs a non-empty list")
        if len(value) > limits.MAX_RULE_LIST_VALUES:
            raise fail(where, form, f"has more than {limits.MAX_RULE_LIST_VALUES} entries")
        return [_scalar(v, f"{where}[{i}]", form, kind) for i, v in enumerate(value)]
    if op in AGE_OPERATORS:
        if not isinstance(value, str) or not DURATION.fullmatch(value):
            raise fail(where, form, 'must be a duration such as "3d", "12h" or "30m"')
        return value
    if op == "matches":
        pattern = check_text(value, where, form, most=limits.MAX_RULE_PATTERN_CHARS, empty=False)
        try:
            compile_pattern(pattern)
        except re2.error as error:
            reason = error.args[0] if error.args else error
            if isinstance(reason, bytes):
                reason = reason.decode(errors="replace")
            raise fail(where, form, f"is not a valid regular expression ({reason})") from None
        return pattern
    if op in ORDER_OPERATORS:
        return _scalar(value, where, form, "number")
    return _scalar(value, where, form, kind)


def checked_object(obj: Any, where: str, form: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    """A JSON object with only known keys (a typo never silently does nothing)."""
    if not isinstance(obj, dict):
        raise fail(where, form, "must be an object")
    for key in obj:
        if key not in allowed:
            raise fail(f"{where}.{key}" if where else key, f"{form}.{key}".strip("."),
                        "is not a known key")  # fmt: skip
    return obj


def parse_condition(
    obj: Any, index: int, event: str = "", *, at: tuple[str, str] = ("conditions", "conditions")
) -> Condition:
    """One condition; `at` is where its list is (a split action's: `actions[0].conditions`),
    so an error names the place as the rule's JSON and the desk's form do."""
    where, form = f"{at[0]}[{index}]", f"{at[1]}.{index}"
    body = checked_object(obj, where, form, ("field", "op", "value", "items"))
    path = body.get("field")
    if not isinstance(path, str) or resolve(path) is None:
        raise fail(f"{where}.field", f"{form}.field", f"unknown field {path!r}")
    ref = resolve(path)
    assert ref is not None
    op = body.get("op")
    if op not in OPERATORS:
        raise fail(f"{where}.op", f"{form}.op", f"unknown operator {op!r}")
    if op not in _BY_KIND[ref.kind]:
        raise fail(f"{where}.op", f"{form}.op", f"{op} does not fit the field {path}")
    items = body.get("items", "any")
    if items not in ITEM_QUANTIFIERS:
        raise fail(f"{where}.items", f"{form}.items", 'must be "any" or "all"')
    if "items" in body and ref.item is None:
        raise fail(f"{where}.items", f"{form}.items", "applies to order_items.* fields only")
    value = _condition_value(op, ref.kind, body.get("value"), f"{where}.value", f"{form}.value")
    return Condition(path, op, value, items)


def parse_item_conditions(value: Any, where: str, form: str) -> tuple[Condition, ...]:
    """A `split` action's conditions: tested on each item alone (all must hold for it), so
    only `order_items.*` fields, and no `items` quantifier."""
    if not isinstance(value, list) or not value:
        raise fail(where, form, "a split needs a list of at least one item condition")
    if len(value) > limits.MAX_RULE_CONDITIONS:
        raise fail(where, form, f"more than {limits.MAX_RULE_CONDITIONS} conditions")
    found = []
    for index, obj in enumerate(value):
        condition = parse_condition(obj, index, at=(where, form))
        place, path = f"{where}[{index}]", f"{form}.{index}"
        ref = resolve(condition.field)
        if ref is None or ref.item is None:
            reason = f"a split picks items: only order_items.* fields, not {condition.field}"
            raise fail(f"{place}.field", f"{path}.field", reason)
        if isinstance(obj, dict) and "items" in obj:
            reason = "a split tests each item on its own: no items quantifier"
            raise fail(f"{place}.items", f"{path}.items", reason)
        found.append(condition)
    return tuple(found)


def condition_json(condition: Condition) -> dict[str, Any]:
    body: dict[str, Any] = {"field": condition.field, "op": condition.op}
    if condition.op not in EMPTY_OPERATORS:
        body["value"] = condition.value
    if condition.items != "any":
        body["items"] = condition.items
    return body


def conditions_text(conditions: Sequence[Condition]) -> str:
    """Conditions in words for a preview: `order_items.code starts_with 'INK-' and ...`."""
    return " and ".join(
        f"{c.field} {c.op}" + ("" if c.op in EMPTY_OPERATORS else f" {c.value!r}")
        for c in conditions
    )


def duration_minutes(value: str) -> int:
    found = DURATION.fullmatch(value)
    assert found is not None
    return int(found.group(1)) * DURATION_MINUTES[found.group(2)]
