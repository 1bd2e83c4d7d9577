"""Automation rules as data: the contract JSON (docs/rules.md), validated into a frozen
`RuleSpec`, and written back in one stable key order (so an export is byte-for-byte stable
and a store's rules can live in git).

No I/O here: a folder or webhook endpoint that does not exist is the service's check.
Compiling a spec into predicates is `domain/rule_eval.py`; what an action does is
`services/rule_actions.py`. An action is declared once in `ACTION_ARGS` (its arguments and
their checks) and once in the service's registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import re2

from orderhub.domain import limits
from orderhub.domain.errors import InvalidInput
from orderhub.domain.orders import (
    ADDRESS_FIELDS,
    NOTE_MAX_CHARS,
    PAYMENT_STATUSES,
    SHIPPING_ADDRESS_FIELDS,
)
from orderhub.domain.rule_fields import FIELDS, ITEM_QUANTIFIERS, Kind, resolve
from orderhub.domain.values import text_problem

EVENT_NAMES = (
    "order.created", "order.updated", "order.moved", "order.canceled", "shipment.created",
)  # fmt: skip
SCHEDULE = "schedule"
MANUAL = "manual"
EVENTS: tuple[str, ...] = (*EVENT_NAMES, SCHEDULE, MANUAL)
MATCHES = ("all", "any")

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

# Fields a `set` action may change: what the Order Desk API lets a client change on an
# order's own row, and a key of its metadata or checkout data.
SETTABLE_FIELDS: tuple[str, ...] = (
    "email", "shipping_method", "payment_status", "payment_type", "customer_id",
    "ip_address", "fulfillment_name", "fulfillment_id", "tag_color", "tag_name",
    *(f"shipping.{name}" for name in SHIPPING_ADDRESS_FIELDS),
    *(f"customer.{name}" for name in ADDRESS_FIELDS),
)  # fmt: skip
SETTABLE_PREFIXES = ("order_metadata.", "checkout_data.")


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


@dataclass(frozen=True)
class Action:
    action: str
    args: Mapping[str, Any]


@dataclass(frozen=True)
class RuleSpec:
    name: str
    event: str
    match: str
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    stop: bool = False
    enabled: bool = True
    every_minutes: int | None = None
    folder: str | None = None


def operators_for(field: str) -> tuple[str, ...]:
    ref = resolve(field)
    return _BY_KIND[ref.kind] if ref is not None else ()


def _fail(where: str, form: str, reason: str) -> RuleError:
    return RuleError(where, reason, form)


def check_text(value: Any, where: str, form: str, *, most: int, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise _fail(where, form, "must be a string")
    if not empty and not value.strip():
        raise _fail(where, form, "must not be empty")
    if len(value) > most:
        raise _fail(where, form, f"is longer than {most} characters")
    problem = text_problem(value)
    if problem:
        raise _fail(where, form, problem)
    return value


def _scalar(value: Any, where: str, form: str, kind: Kind) -> Any:
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(where, form, "must be a number")
        if abs(value) >= limits.MAX_TOTAL:
            raise _fail(where, form, "is out of range")
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
            raise _fail(where, form, f"{op} takes no value")
        return None
    if value is None:
        raise _fail(where, form, f"{op} needs a value")
    if op in LIST_OPERATORS:
        if not isinstance(value, list) or not value:
            raise _fail(where, form, f"{op} needs a non-empty list")
        if len(value) > limits.MAX_RULE_LIST_VALUES:
            raise _fail(where, form, f"has more than {limits.MAX_RULE_LIST_VALUES} entries")
        return [_scalar(v, f"{where}[{i}]", form, kind) for i, v in enumerate(value)]
    if op in AGE_OPERATORS:
        if not isinstance(value, str) or not DURATION.fullmatch(value):
            raise _fail(where, form, 'must be a duration such as "3d", "12h" or "30m"')
        return value
    if op == "matches":
        pattern = check_text(value, where, form, most=limits.MAX_RULE_PATTERN_CHARS, empty=False)
        try:
            compile_pattern(pattern)
        except re2.error as error:
            reason = error.args[0] if error.args else error
            if isinstance(reason, bytes):
                reason = reason.decode(errors="replace")
            raise _fail(where, form, f"is not a valid regular expression ({reason})") from None
        return pattern
    if op in ORDER_OPERATORS:
        return _scalar(value, where, form, "number")
    return _scalar(value, where, form, kind)


def _object(obj: Any, where: str, form: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _fail(where, form, "must be an object")
    for key in obj:
        if key not in allowed:
            raise _fail(f"{where}.{key}" if where else key, f"{form}.{key}".strip("."),
                        "is not a known key")  # fmt: skip
    return obj


def parse_condition(obj: Any, index: int, event: str) -> Condition:
    where, form = f"conditions[{index}]", f"conditions.{index}"
    body = _object(obj, where, form, ("field", "op", "value", "items"))
    path = body.get("field")
    if not isinstance(path, str) or resolve(path) is None:
        raise _fail(f"{where}.field", f"{form}.field", f"unknown field {path!r}")
    ref = resolve(path)
    assert ref is not None
    op = body.get("op")
    if op not in OPERATORS:
        raise _fail(f"{where}.op", f"{form}.op", f"unknown operator {op!r}")
    if op not in _BY_KIND[ref.kind]:
        raise _fail(f"{where}.op", f"{form}.op", f"{op} does not fit the field {path}")
    items = body.get("items", "any")
    if items not in ITEM_QUANTIFIERS:
        raise _fail(f"{where}.items", f"{form}.items", 'must be "any" or "all"')
    if "items" in body and ref.item is None:
        raise _fail(f"{where}.items", f"{form}.items", "applies to order_items.* fields only")
    value = _condition_value(op, ref.kind, body.get("value"), f"{where}.value", f"{form}.value")
    return Condition(path, op, value, items)


# The actions' arguments, in their JSON order, each with its check. A new action (split,
# email) is one entry here and one in services/rule_actions.py's registry.
ArgCheck = Callable[[Any, str, str], Any]


def _text_arg(most: int, empty: bool = False) -> ArgCheck:
    return lambda value, where, form: check_text(value, where, form, most=most, empty=empty)


def _set_field(value: Any, where: str, form: str) -> str:
    if isinstance(value, str) and (
        value in SETTABLE_FIELDS
        or any(value.startswith(p) and len(value) > len(p) for p in SETTABLE_PREFIXES)
    ):
        return check_text(value, where, form, most=200)
    raise _fail(where, form, f"{value!r} is not a field a rule may set")


def _set_value(value: Any, where: str, form: str) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return check_text(value, where, form, most=limits.MAX_RULE_VALUE_CHARS)


def _endpoint(value: Any, where: str, form: str) -> int | str:
    """A webhook endpoint's name (`webhook add --name`; portable between stores) or id."""
    if isinstance(value, str):
        return check_text(value, where, form, most=100, empty=False)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limits.MAX_ID:
        raise _fail(where, form, "must be a webhook endpoint's name or id (webhook list)")
    return value


ACTION_ARGS: dict[str, tuple[tuple[str, ArgCheck], ...]] = {
    "move": (("folder", _text_arg(limits.width("folders", "name"))),),
    "set": (("field", _set_field), ("value", _set_value)),
    "add_note": (("text", _text_arg(NOTE_MAX_CHARS)),),
    "tag": (
        ("color", _text_arg(limits.width("orders", "tag_color"), empty=True)),
        ("name", _text_arg(limits.width("orders", "tag_name"))),
    ),
    "cancel": (),
    "webhook": (("endpoint", _endpoint),),
    "stop": (),
}
ACTIONS: tuple[str, ...] = tuple(ACTION_ARGS)


def parse_action(obj: Any, index: int) -> Action:
    where, form = f"actions[{index}]", f"actions.{index}"
    if not isinstance(obj, dict):
        raise _fail(where, form, "must be an object")
    name = obj.get("action")
    if name not in ACTION_ARGS:
        raise _fail(f"{where}.action", f"{form}.action", f"unknown action {name!r}")
    specs = ACTION_ARGS[name]
    _object(obj, where, form, ("action", *(arg for arg, _ in specs)))
    args: dict[str, Any] = {}
    for arg, check in specs:
        if arg not in obj:
            raise _fail(f"{where}.{arg}", f"{form}.{arg}", "is required")
        args[arg] = check(obj[arg], f"{where}.{arg}", f"{form}.{arg}")
    if name == "set" and args["field"] == "payment_status":  # what the API accepts there
        known = {status.lower(): status for status in PAYMENT_STATUSES}
        if str(args["value"]).lower() not in known:
            raise _fail(f"{where}.value", f"{form}.value",
                        f"must be one of {', '.join(PAYMENT_STATUSES)}")  # fmt: skip
        args["value"] = known[str(args["value"]).lower()]
    return Action(name, args)


_RULE_KEYS = (
    "name", "event", "match", "conditions", "actions", "stop", "enabled", "every_minutes",
    "folder",
)  # fmt: skip


def _flag(body: dict[str, Any], key: str, default: bool) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise _fail(key, key, "must be true or false")
    return value


def parse_rule(obj: object) -> RuleSpec:
    """The contract JSON, validated; RuleError names what is wrong and where."""
    body = _object(obj, "", "", _RULE_KEYS)
    name = check_text(body.get("name"), "name", "name", most=limits.MAX_RULE_NAME_CHARS,
                      empty=False)  # fmt: skip
    event = body.get("event")
    if event not in EVENTS:
        raise _fail("event", "event", f"unknown event {event!r} (one of {', '.join(EVENTS)})")
    match = body.get("match", "all")
    if match not in MATCHES:
        raise _fail("match", "match", 'must be "all" or "any"')
    conditions, actions = body.get("conditions", []), body.get("actions")
    if not isinstance(conditions, list):
        raise _fail("conditions", "conditions", "must be a list")
    if len(conditions) > limits.MAX_RULE_CONDITIONS:
        raise _fail("conditions", "conditions",
                    f"more than {limits.MAX_RULE_CONDITIONS} conditions")  # fmt: skip
    if not isinstance(actions, list) or not actions:
        raise _fail("actions", "actions", "a rule needs a list of at least one action")
    if len(actions) > limits.MAX_RULE_ACTIONS:
        raise _fail("actions", "actions", f"more than {limits.MAX_RULE_ACTIONS} actions")
    every, folder = body.get("every_minutes"), body.get("folder")
    if event == SCHEDULE:
        if isinstance(every, bool) or not isinstance(every, int):
            raise _fail("every_minutes", "every_minutes", "a schedule rule needs every_minutes")
        if not 1 <= every <= limits.MAX_SCHEDULE_MINUTES:
            raise _fail("every_minutes", "every_minutes",
                        f"must be from 1 to {limits.MAX_SCHEDULE_MINUTES}")  # fmt: skip
        folder = check_text(folder, "folder", "folder", most=limits.width("folders", "name"),
                            empty=False)  # fmt: skip
    elif every is not None or folder is not None:
        key = "every_minutes" if every is not None else "folder"
        raise _fail(key, key, "only a schedule rule has every_minutes and folder")
    return RuleSpec(
        name=name,
        event=event,
        match=match,
        conditions=tuple(parse_condition(c, i, event) for i, c in enumerate(conditions)),
        actions=tuple(parse_action(a, i) for i, a in enumerate(actions)),
        stop=_flag(body, "stop", False),
        enabled=_flag(body, "enabled", True),
        every_minutes=every,
        folder=folder,
    )


def parse_rules(obj: object) -> list[RuleSpec]:
    """A list of rules (an import), each error naming its rule."""
    if not isinstance(obj, list):
        raise RuleError("", "a rules file is a JSON array of rules")
    if len(obj) > limits.MAX_RULES_PER_STORE:
        raise RuleError("", f"more than {limits.MAX_RULES_PER_STORE} rules")
    specs = []
    for index, item in enumerate(obj, start=1):
        try:
            specs.append(parse_rule(item))
        except RuleError as error:
            name = item.get("name") if isinstance(item, dict) else None
            raise error.in_rule(index, name if isinstance(name, str) else "") from None
    return specs


def condition_json(condition: Condition) -> dict[str, Any]:
    body: dict[str, Any] = {"field": condition.field, "op": condition.op}
    if condition.op not in EMPTY_OPERATORS:
        body["value"] = condition.value
    if condition.items != "any":
        body["items"] = condition.items
    return body


def action_json(action: Action) -> dict[str, Any]:
    args = {arg: action.args[arg] for arg, _ in ACTION_ARGS[action.action]}
    return {"action": action.action, **args}


def rule_json(spec: RuleSpec) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": spec.name,
        "event": spec.event,
        "match": spec.match,
        "conditions": [condition_json(c) for c in spec.conditions],
        "actions": [action_json(a) for a in spec.actions],
        "stop": spec.stop,
        "enabled": spec.enabled,
    }
    if spec.event == SCHEDULE:
        body["every_minutes"] = spec.every_minutes
        body["folder"] = spec.folder
    return body


def duration_minutes(value: str) -> int:
    found = DURATION.fullmatch(value)
    assert found is not None
    return int(found.group(1)) * DURATION_MINUTES[found.group(2)]


__all__ = ["FIELDS", "RuleError", "RuleSpec", "parse_rule", "rule_json"]
