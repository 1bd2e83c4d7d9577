"""Manual rules as buttons (Order Desk's "custom buttons"): run one on an order from its page,
or on the orders ticked in a folder. Working orders is staff's job, so staff may press them;
only enabled rules whose event is `manual` can be run this way."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk import queries
from orderhub.desk.auth import Desk, checked_form, signed_in
from orderhub.desk.forms import Form
from orderhub.desk.paths import number
from orderhub.desk.render import redirect, safe_back
from orderhub.desk.routes_rule_form import run_summary
from orderhub.domain.channel import Channel
from orderhub.domain.errors import NotFound
from orderhub.services import rules as rule_service
from orderhub.services.rules import StoredRule

router = APIRouter(include_in_schema=False)


def _manual_rule(request: Request, desk: Desk, rule_id: int) -> StoredRule:
    for rule in rule_service.manual_rules(request.app.state.db, desk.store.id):
        if rule.id == rule_id:
            return rule
    raise NotFound("Rule not found")


@router.post("/desk/orders/{order_id}/rules/{rule_id}/run")
def run_on_order(
    order_id: str, rule_id: str, request: Request, desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    oid = number(order_id, "Order")
    queries.order(request.app.state.db, desk.store, oid)
    rule = _manual_rule(request, desk, number(rule_id, "Rule"))
    results = rule_service.run_on_orders(
        request.app.state.db, desk.store, rule.id, [oid], channel=Channel.desk(desk.user.email)
    )
    failed = any(r.outcome.startswith("failed") for r in results)
    return redirect(
        f"/desk/orders/{oid}", run_summary(rule.spec.name, results), "error" if failed else "ok"
    )


@router.post("/desk/orders/run-rule")
def run_on_selected(
    request: Request, desk: Desk = Depends(signed_in), form: FormData = Depends(checked_form)
) -> Response:
    fields = Form(form)
    back = safe_back(fields.raw("back"), "/desk", request.scope.get("root_path", ""))
    ids = fields.ids("order_id", "order")
    rule_id = fields.whole("rule_id", "Rule", minimum=1, maximum=2**63 - 1)
    if fields.errors or rule_id is None:
        return redirect(back, next(iter(fields.errors.values())), "error")
    try:
        rule = _manual_rule(request, desk, rule_id)
    except NotFound:
        return redirect(back, "Choose a rule of this store from the list", "error")
    results = rule_service.run_on_orders(
        request.app.state.db, desk.store, rule.id, ids, channel=Channel.desk(desk.user.email)
    )
    failed = any(r.outcome.startswith("failed") for r in results)
    return redirect(back, run_summary(rule.spec.name, results), "error" if failed else "ok")
