"""Automation rules as data: the contract JSON (docs/rules.md), validated into a frozen
`RuleSpec`, and written back in one stable key order (so an export is byte-for-byte stable
and a store's rules can live in git).

No I/O here: a folder or webhook endpoint that does not exist is the service's check.
Compiling a spec into predicates is `domain/rule_eval.py`; what an action does is
`services/rule_actions.py`. An action is declared once in `ACTION_ARGS` (its arguments and
their checks) and once in the service's registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from orderhub.domain import limits
from orderhub.domain.emails import InvalidRecipient, address
from orderhub.domain.events import EVENTS as ORDER_EVENTS
from orderhub.domain.orders import (
    ADDRESS_FIELDS,
    NOTE_MAX_CHARS,
    PAYMENT_STATUSES,
    SHIPPING_ADDRESS_FIELDS,
)

# Conditions are their own module; their names stay importable from here.
from orderhub.domain.rule_conditions import (  # noqa: F401
    AGE_OPERATORS,
    DURATION,
    EMPTY_OPERATORS,
    LIST_OPERATORS,
    OPERATORS,
    ORDER_OPERATORS,
    TEXT_OPERATORS,
    Condition,
    RuleError,
    check_text,
    checked_object,
    compile_pattern,
    condition_json,
    duration_minutes,
    fail,
    operators_for,
    parse_condition,
    parse_item_conditions,
)
from orderhub.domain.rule_fields import FIELDS

EVENT_NAMES = ORDER_EVENTS
SCHEDULE = "schedule"
MANUAL = "manual"
EVENTS: tuple[str, ...] = (*EVENT_NAMES, SCHEDULE, MANUAL)
MATCHES = ("all", "any")


# Fields a `set` action may change: what the Order Desk API lets a client change on an
# order's own row, and a key of its metadata or checkout data.
SETTABLE_FIELDS: tuple[str, ...] = (
    "email", "shipping_method", "payment_status", "payment_type", "customer_id",
    "ip_address", "fulfillment_name", "fulfillment_id", "tag_color", "tag_name",
    *(f"shipping.{name}" for name in SHIPPING_ADDRESS_FIELDS),
    *(f"customer.{name}" for name in ADDRESS_FIELDS),
)  # fmt: skip
SETTABLE_PREFIXES = ("order_metadata.", "checkout_data.")


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


# The actions' arguments, in their JSON order, each with its check. A new action is one
# entry here and one in services/rule_actions.py's registry.
ArgCheck = Callable[[Any, str, str], Any]


def _text_arg(most: int, empty: bool = False) -> ArgCheck:
    return lambda value, where, form: check_text(value, where, form, most=most, empty=empty)


def _set_field(value: Any, where: str, form: str) -> str:
    if isinstance(value, str) and (
        value in SETTABLE_FIELDS
        or any(value.startswith(p) and len(value) > len(p) for p in SETTABLE_PREFIXES)
    ):
        return check_text(value, where, form, most=200)
    raise fail(where, form, f"{value!r} is not a field a rule may set")


def _set_value(value: Any, where: str, form: str) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return check_text(value, where, form, most=limits.MAX_RULE_VALUE_CHARS)


def _endpoint(value: Any, where: str, form: str) -> int | str:
    """A webhook endpoint's name (`webhook add --name`; portable between stores) or id."""
    if isinstance(value, str):
        return check_text(value, where, form, most=100, empty=False)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limits.MAX_ID:
        raise fail(where, form, "must be a webhook endpoint's name or id (webhook list)")
    return value


CUSTOMER = "customer"


def _recipient(value: Any, where: str, form: str) -> str:
    """An `email` action's `to`: "customer" (the order's email, checked when it is sent) or
    one plain address, checked now (no line break can reach a header)."""
    text = check_text(value, where, form, most=limits.width("email_outbox", "recipient"),
                      empty=False)  # fmt: skip
    if text == CUSTOMER:
        return text
    try:
        return address(text, "to")
    except InvalidRecipient as error:
        raise fail(
            where, form, f'must be "customer" or an email address ({error.message})'
        ) from None


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
    "split": (
        ("conditions", parse_item_conditions),
        ("folder", _text_arg(limits.width("folders", "name"))),
    ),
    "email": (("template", _text_arg(limits.width("templates", "name"))), ("to", _recipient)),
}
ACTIONS: tuple[str, ...] = tuple(ACTION_ARGS)


def parse_action(obj: Any, index: int) -> Action:
    where, form = f"actions[{index}]", f"actions.{index}"
    if not isinstance(obj, dict):
        raise fail(where, form, "must be an object")
    name = obj.get("action")
    if name not in ACTION_ARGS:
        raise fail(f"{where}.action", f"{form}.action", f"unknown action {name!r}")
    specs = ACTION_ARGS[name]
    checked_object(obj, where, form, ("action", *(arg for arg, _ in specs)))
    args: dict[str, Any] = {}
    for arg, check in specs:
        if arg not in obj:
            raise fail(f"{where}.{arg}", f"{form}.{arg}", "is required")
        args[arg] = check(obj[arg], f"{where}.{arg}", f"{form}.{arg}")
    if name == "set" and args["field"] == "payment_status":  # what the API accepts there
        known = {status.lower(): status for status in PAYMENT_STATUSES}
        if str(args["value"]).lower() not in known:
            raise fail(f"{where}.value", f"{form}.value",
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
        raise fail(key, key, "must be true or false")
    return value


def parse_rule(obj: object) -> RuleSpec:
    """The contract JSON, validated; RuleError names what is wrong and where."""
    body = checked_object(obj, "", "", _RULE_KEYS)
    name = check_text(body.get("name"), "name", "name", most=limits.MAX_RULE_NAME_CHARS,
                      empty=False)  # fmt: skip
    event = body.get("event")
    if event not in EVENTS:
        raise fail("event", "event", f"unknown event {event!r} (one of {', '.join(EVENTS)})")
    match = body.get("match", "all")
    if match not in MATCHES:
        raise fail("match", "match", 'must be "all" or "any"')
    conditions, actions = body.get("conditions", []), body.get("actions")
    if not isinstance(conditions, list):
        raise fail("conditions", "conditions", "must be a list")
    if len(conditions) > limits.MAX_RULE_CONDITIONS:
        raise fail("conditions", "conditions",
                    f"more than {limits.MAX_RULE_CONDITIONS} conditions")  # fmt: skip
    if not isinstance(actions, list) or not actions:
        raise fail("actions", "actions", "a rule needs a list of at least one action")
    if len(actions) > limits.MAX_RULE_ACTIONS:
        raise fail("actions", "actions", f"more than {limits.MAX_RULE_ACTIONS} actions")
    every, folder = body.get("every_minutes"), body.get("folder")
    if event == SCHEDULE:
        if isinstance(every, bool) or not isinstance(every, int):
            raise fail("every_minutes", "every_minutes", "a schedule rule needs every_minutes")
        if not 1 <= every <= limits.MAX_SCHEDULE_MINUTES:
            raise fail("every_minutes", "every_minutes",
                        f"must be from 1 to {limits.MAX_SCHEDULE_MINUTES}")  # fmt: skip
        folder = check_text(folder, "folder", "folder", most=limits.width("folders", "name"),
                            empty=False)  # fmt: skip
    elif every is not None or folder is not None:
        key = "every_minutes" if every is not None else "folder"
        raise fail(key, key, "only a schedule rule has every_minutes and folder")
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


def _arg_json(value: Any) -> Any:
    """An argument as JSON: a split's item conditions as condition objects."""
    if isinstance(value, tuple) and all(isinstance(v, Condition) for v in value):
        return [condition_json(c) for c in value]
    return value


def action_json(action: Action) -> dict[str, Any]:
    args = {arg: _arg_json(action.args[arg]) for arg, _ in ACTION_ARGS[action.action]}
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


__all__ = ["FIELDS", "RuleError", "RuleSpec", "parse_rule", "rule_json"]
