"""The rule form: its posted fields as the rule's contract JSON, and a stored rule's JSON as
the form's rows again.

Input names are the contract's own paths (`name`, `conditions.1.value`, `actions.0.folder`,
a split's item conditions `actions.0.conditions.1.value`), so a `RuleError.field` names the
input it concerns. What the form adds to the contract: a prefix field (`checkout_data.`) is a
select plus a KEY input, an `in`/`not_in` value is a comma-separated list, and rows (and a
split's item-condition rows) are added or removed by submit buttons (no JavaScript needed).
Checking the rule is the domain's (`parse_rule`): the form only reshapes what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.datastructures import FormData

from orderhub.domain import rules as domain
from orderhub.domain.limits import (
    MAX_RULE_ACTIONS,
    MAX_RULE_CONDITIONS,
    MAX_RULE_LIST_VALUES,
    MAX_RULE_VALUE_CHARS,
)
from orderhub.domain.rule_fields import PREFIXES, resolve

# Each action's parameters as the contract names them, in the order the form shows them.
ACTION_PARAMS: dict[str, tuple[str, ...]] = {
    name: tuple(arg for arg, _ in args) for name, args in domain.ACTION_ARGS.items()
}
# A split's argument that is a list of item conditions: rows of their own in its action row.
ITEM_CONDITIONS = "conditions"
# Each parameter input of an action row, once, with the actions that use it (the page shows
# only the chosen action's inputs, by CSS, and all of them where CSS cannot tell).
PARAM_INPUTS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (name, tuple(a for a, params in ACTION_PARAMS.items() if name in params))
    for name in dict.fromkeys(n for params in ACTION_PARAMS.values() for n in params)
    if name != ITEM_CONDITIONS
)
PARAM_LABELS = {
    "folder": "Folder", "field": "Field to set", "value": "Value", "text": "Note",
    "name": "Tag name", "color": "Tag colour", "endpoint": "Webhook endpoint",
    "template": "Email template", "to": "To",
}  # fmt: skip
# What a new action row's inputs hold before anything is typed (an email goes to the
# order's customer unless an address is given).
PARAM_DEFAULTS = {"to": domain.CUSTOMER}
CONDITION_INPUTS = ("field", "key", "op", "value", "items")
# Arguments that may be numbers in the contract (a webhook endpoint's id; its name is text).
NUMBER_ARGS = ("endpoint",)
# Longer input is cut before the domain sees it: longer than any value it accepts (a full
# `in` list), so the domain's own message still names what is too long.
MAX_TEXT = (MAX_RULE_VALUE_CHARS + 2) * MAX_RULE_LIST_VALUES + 1
_ROW_NUMBER = re.compile(r"(\d{1,3})\.")


@dataclass
class ConditionRow:
    field: str = ""  # a field path, or a prefix ending in "." with `key` after it
    key: str = ""
    op: str = "equals"
    value: str = ""
    items_all: bool = False


@dataclass
class ActionRow:
    action: str = "move"
    params: dict[str, str] = field(default_factory=lambda: dict(PARAM_DEFAULTS))
    # A split's item conditions (every row has them, shown only when the action is split).
    conditions: list[ConditionRow] = field(default_factory=lambda: [ConditionRow()])

    @property
    def can_add_condition(self) -> bool:
        return len(self.conditions) < MAX_RULE_CONDITIONS


@dataclass
class RuleForm:
    name: str = ""
    event: str = "order.created"
    match: str = "all"
    every_minutes: str = ""
    folder: str = ""
    stop: bool = False
    enabled: bool = True
    conditions: list[ConditionRow] = field(default_factory=lambda: [ConditionRow()])
    actions: list[ActionRow] = field(default_factory=lambda: [ActionRow()])

    @property
    def can_add_condition(self) -> bool:
        return len(self.conditions) < MAX_RULE_CONDITIONS

    @property
    def can_add_action(self) -> bool:
        return len(self.actions) < MAX_RULE_ACTIONS


def split_path(path: str) -> tuple[str, str]:
    """`checkout_data.Gift` → (`checkout_data.`, `Gift`); a plain field keeps no key. The
    longest prefix wins (`order_items.variation_list.` before `order_items.`)."""
    for prefix in sorted(PREFIXES, key=len, reverse=True):
        if path.startswith(prefix) and path not in domain.FIELDS:
            return prefix, path[len(prefix) :]
    return path, ""


def _text(data: FormData, name: str) -> str:
    value = data.get(name, "")
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""


def _indices(data: FormData, prefix: str, limit: int) -> list[int]:
    """The row numbers posted under `prefix` (`conditions.`, `actions.0.conditions.`)."""
    found = sorted(
        {int(m.group(1)) for k in data
         if k.startswith(prefix) and (m := _ROW_NUMBER.match(k, len(prefix)))}
    )  # fmt: skip
    return found[:limit]


def _condition_rows(data: FormData, prefix: str) -> list[ConditionRow]:
    return [
        ConditionRow(
            field=_text(data, f"{prefix}{i}.field"),
            key=_text(data, f"{prefix}{i}.key"),
            op=_text(data, f"{prefix}{i}.op"),
            value=_text(data, f"{prefix}{i}.value"),
            items_all=_text(data, f"{prefix}{i}.items") == "all",
        )
        for i in _indices(data, prefix, MAX_RULE_CONDITIONS)
    ]


def from_form(data: FormData) -> RuleForm:
    """The rows as typed, in their order; at most the limits' number of rows are read."""
    conditions = _condition_rows(data, "conditions.")
    actions = []
    for i in _indices(data, "actions.", MAX_RULE_ACTIONS):
        action = _text(data, f"actions.{i}.action")
        params = {n: _text(data, f"actions.{i}.{n}") for n, _ in PARAM_INPUTS}
        items = _condition_rows(data, f"actions.{i}.{ITEM_CONDITIONS}.")
        actions.append(ActionRow(action, {k: v for k, v in params.items() if v}, items))
    return RuleForm(
        name=_text(data, "name"),
        event=_text(data, "event"),
        match=_text(data, "match") or "all",
        every_minutes=_text(data, "every_minutes"),
        folder=_text(data, "folder"),
        stop=_text(data, "stop") == "yes",
        enabled=_text(data, "enabled") == "yes",
        conditions=conditions,
        actions=actions,
    )


def _number(raw: str) -> Any:
    """A typed number as JSON would carry it; anything else stays text for the domain to
    refuse with its own message."""
    if re.fullmatch(r"-?\d{1,18}", raw):
        return int(raw)
    if re.fullmatch(r"-?\d{1,15}\.\d{1,4}", raw):
        return float(raw)
    return raw


def _condition_json(row: ConditionRow) -> dict[str, Any]:
    path = row.field + row.key if row.field in PREFIXES else row.field
    out: dict[str, Any] = {"field": path, "op": row.op}
    ref = resolve(path)
    numeric = ref is not None and ref.kind == "number"
    if row.op in domain.LIST_OPERATORS:
        values = [v.strip() for v in row.value.split(",") if v.strip()]
        out["value"] = [_number(v) for v in values] if numeric else values
    elif row.op in domain.ORDER_OPERATORS or (numeric and row.op not in domain.EMPTY_OPERATORS):
        out["value"] = _number(row.value)
    elif row.op not in domain.EMPTY_OPERATORS:
        out["value"] = row.value
    if row.items_all and ref is not None and ref.item is not None:
        out["items"] = "all"
    return out


def _action_json(row: ActionRow) -> dict[str, Any]:
    out: dict[str, Any] = {"action": row.action}
    for name in ACTION_PARAMS.get(row.action, ()):
        raw = row.params.get(name, "")
        if name == ITEM_CONDITIONS:
            out[name] = [_condition_json(c) for c in row.conditions]
        else:
            out[name] = _number(raw) if name in NUMBER_ARGS else raw
    return out


def to_json(form: RuleForm) -> dict[str, Any]:
    """The contract JSON the services take."""
    out: dict[str, Any] = {
        "name": form.name,
        "event": form.event,
        "match": form.match,
        "conditions": [_condition_json(c) for c in form.conditions],
        "actions": [_action_json(a) for a in form.actions],
        "stop": form.stop,
        "enabled": form.enabled,
    }
    if form.event == "schedule":
        out["every_minutes"] = _number(form.every_minutes) if form.every_minutes else None
        out["folder"] = form.folder
    return out


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _condition_row(c: dict[str, Any]) -> ConditionRow:
    choice, key = split_path(str(c.get("field", "")))
    return ConditionRow(choice, key, str(c.get("op", "")), _shown(c.get("value")),
                        c.get("items") == "all")  # fmt: skip


def _action_row(a: dict[str, Any]) -> ActionRow:
    params = {k: _shown(v) for k, v in a.items() if k not in ("action", ITEM_CONDITIONS)}
    items = a.get(ITEM_CONDITIONS)
    return ActionRow(
        str(a.get("action", "")),
        {**PARAM_DEFAULTS, **params},
        [_condition_row(c) for c in items] if isinstance(items, list) else [ConditionRow()],
    )


def from_json(rule: dict[str, Any]) -> RuleForm:
    """A stored rule (its contract JSON) as the form shows it."""
    conditions = [_condition_row(c) for c in rule.get("conditions", [])]
    actions = [_action_row(a) for a in rule.get("actions", [])]
    return RuleForm(
        name=str(rule.get("name", "")),
        event=str(rule.get("event", "")),
        match=str(rule.get("match", "all")),
        every_minutes=_shown(rule.get("every_minutes")),
        folder=_shown(rule.get("folder")),
        stop=bool(rule.get("stop")),
        enabled=bool(rule.get("enabled", True)),
        conditions=conditions,
        actions=actions,
    )


def change_rows(form: RuleForm, command: str) -> RuleForm | None:
    """The form after an "Add condition" / "Remove" button, or None when `command` is no
    row command. Adding past a limit leaves the rows as they are."""
    kind, _, where = command.partition(".")
    if kind in ("add_item_condition", "remove_item_condition"):
        return _change_item_rows(form, kind, where)
    if command == "add_condition" and form.can_add_condition:
        return replace(form, conditions=[*form.conditions, ConditionRow()])
    if command == "add_action" and form.can_add_action:
        return replace(form, actions=[*form.actions, ActionRow()])
    if command in ("add_condition", "add_action"):
        return form
    kind, _, index = command.partition(".")
    if kind in ("remove_condition", "remove_action") and index.isdigit():
        rows: list[Any] = form.conditions if kind == "remove_condition" else form.actions
        kept = [row for i, row in enumerate(rows) if i != int(index)]
        if kind == "remove_condition":
            return replace(form, conditions=kept)
        return replace(form, actions=kept)
    return None


def _change_item_rows(form: RuleForm, kind: str, where: str) -> RuleForm:
    """A split's "Add item condition" (`add_item_condition.0`) or an item condition's
    "Remove" (`remove_item_condition.0.1`); a button naming no row changes nothing."""
    action, _, index = where.partition(".")
    if not action.isdigit() or int(action) >= len(form.actions):
        return form
    row = form.actions[int(action)]
    if kind == "add_item_condition" and row.can_add_condition:
        items = [*row.conditions, ConditionRow()]
    elif kind == "remove_item_condition" and index.isdigit():
        items = [c for i, c in enumerate(row.conditions) if i != int(index)]
    else:
        return form
    actions = list(form.actions)
    actions[int(action)] = replace(row, conditions=items)
    return replace(form, actions=actions)


def error_places(form: RuleForm, field_path: str | None) -> str:
    """Where the form shows an error about `field_path`: the input of that name when the
    form has it, else its row (`conditions.1`), else the top of the form (`_form`)."""
    if not field_path:
        return "_form"
    parts = field_path.split(".")
    if parts[0] in ("name", "event", "match", "every_minutes", "folder", "stop", "enabled"):
        return parts[0]
    if parts[0] in ("conditions", "actions") and len(parts) >= 2 and parts[1].isdigit():
        rows = form.conditions if parts[0] == "conditions" else form.actions
        if parts[0] == "actions" and parts[2:3] == [ITEM_CONDITIONS] and int(parts[1]) < len(rows):
            return _item_error_place(form.actions[int(parts[1])], parts)
        if int(parts[1]) < len(rows):
            if len(parts) >= 3 and parts[2] in _row_inputs(parts[0]):
                return f"{parts[0]}.{parts[1]}.{parts[2]}"
            return f"{parts[0]}.{parts[1]}"
    return "_form"


def _item_error_place(row: ActionRow, parts: list[str]) -> str:
    """`actions.0.conditions.1.value` → that input of the split's item condition 1 when the
    form has it, else that item condition's row, else the split's item conditions."""
    place = ".".join(parts[:3])
    if len(parts) >= 4 and parts[3].isdigit() and int(parts[3]) < len(row.conditions):
        if len(parts) >= 5 and parts[4] in CONDITION_INPUTS:
            return ".".join(parts[:5])
        return ".".join(parts[:4])
    return place


def _row_inputs(kind: str) -> tuple[str, ...]:
    if kind == "conditions":
        return CONDITION_INPUTS
    return ("action", *(n for n, _ in PARAM_INPUTS))
