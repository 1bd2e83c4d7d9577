"""The Rules page: the store's automation rules in the order they run, with their last run;
owners enable, disable, reorder and delete them (staff see the list, change nothing).
The rule form itself is `routes_rule_form`; rules run by hand are `routes_rule_runs`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk.auth import Desk, checked_form, owner, signed_in
from orderhub.desk.forms import Form
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect
from orderhub.domain.channel import Channel
from orderhub.domain.errors import NotFound
from orderhub.domain.rules import RuleError, RuleSpec, rule_json
from orderhub.services import rule_actions
from orderhub.services import rules as rule_service
from orderhub.services.rules import StoredRule

router = APIRouter(include_in_schema=False)


def stored_rule(request: Request, desk: Desk, raw_id: str) -> StoredRule:
    """The rule of this store with the id from the URL; another store's is not found."""
    found = rule_service.get_rule(request.app.state.db, desk.store.id, number(raw_id, "Rule"))
    if found is None:
        raise NotFound("Rule not found")
    return found


def described(spec: RuleSpec) -> dict[str, Any]:
    """The rule's JSON for the page, each action with the engine's own words for it (what a
    preview says), which the page uses for the actions it has no wording of its own for."""
    body = rule_json(spec)
    for action, shown in zip(spec.actions, body["actions"], strict=True):
        shown["said"] = rule_actions.describe(action)
    return body


@router.get("/desk/rules")
def rules_list(request: Request, desk: Desk = Depends(signed_in)) -> Response:
    found = rule_service.list_rules(request.app.state.db, desk.store.id)
    return page(request, "rules.html", desk, rules=[(r, described(r.spec)) for r in found])


@router.post("/desk/rules/{rule_id}/enabled")
def set_enabled(
    rule_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    rule = stored_rule(request, desk, rule_id)
    enabled = Form(form).raw("enabled") == "yes"
    try:
        rule_service.set_enabled(request.app.state.db, desk.store, rule.id, enabled,
                                 channel=Channel.desk(desk.user.email))  # fmt: skip
    except LookupError:
        raise NotFound("Rule not found") from None
    except RuleError as exc:  # e.g. the folder it moves orders to was deleted meanwhile
        return redirect(f"/desk/rules#rule-{rule.id}", f"Not enabled: {exc.message}", "error")
    state = "enabled" if enabled else "disabled"
    return redirect("/desk/rules", f"Rule '{rule.spec.name}' {state}")


@router.post("/desk/rules/{rule_id}/move")
def move(
    rule_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    rule = stored_rule(request, desk, rule_id)
    fields = Form(form)
    count = len(rule_service.list_rules(request.app.state.db, desk.store.id))
    to = fields.whole("to", "Position", minimum=1, maximum=max(count, 1))
    if to is None:
        return redirect("/desk/rules", fields.errors["to"], "error")
    try:
        rule_service.move_rule(
            request.app.state.db, desk.store, rule.id, to, channel=Channel.desk(desk.user.email)
        )
    except LookupError:
        raise NotFound("Rule not found") from None
    return redirect(f"/desk/rules#rule-{rule.id}", f"Rule '{rule.spec.name}' is now number {to}")


@router.get("/desk/rules/{rule_id}/delete")
def confirm_delete(rule_id: str, request: Request, desk: Desk = Depends(owner)) -> Response:
    rule = stored_rule(request, desk, rule_id)
    return page(request, "rule_delete.html", desk, rule=rule, rule_json=described(rule.spec))


@router.post("/desk/rules/{rule_id}/delete")
def delete(
    rule_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    rule = stored_rule(request, desk, rule_id)
    try:
        rule_service.remove_rule(
            request.app.state.db, desk.store, rule.id, channel=Channel.desk(desk.user.email)
        )
    except LookupError:
        raise NotFound("Rule not found") from None
    return redirect("/desk/rules", f"Rule '{rule.spec.name}' deleted")
