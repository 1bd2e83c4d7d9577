"""The rule form (owners only): a new rule or an existing one, its rows added and removed by
submit buttons, **Preview** (the rule run read-only over the store's most recent orders) and
**Run** (the saved rule on the orders ticked in the preview). An error is shown beside the
input it concerns, with everything typed kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk import queries, rule_form
from orderhub.desk.auth import Desk, checked_form, owner
from orderhub.desk.forms import Form
from orderhub.desk.render import page, redirect
from orderhub.desk.routes_rules import stored_rule
from orderhub.desk.rule_form import RuleForm
from orderhub.domain import limits
from orderhub.domain import rules as domain
from orderhub.domain.channel import Channel
from orderhub.domain.errors import NotFound
from orderhub.domain.rules import RuleError
from orderhub.services import rules as rule_service
from orderhub.services import templates as template_service
from orderhub.services.rules import Preview, StoredRule
from orderhub.templating.builtins import EMAIL

router = APIRouter(include_in_schema=False)
PREVIEW_ORDERS = 500


def _fields() -> list[dict[str, Any]]:
    """The field select's options: which take a KEY, which are item fields, and the
    operators that fit each (for the script that narrows the operator select)."""
    return [
        {"path": f, "prefix": f.endswith("."), "item": f.startswith("order_items."),
         "ops": " ".join(domain.operators_for(f))}
        for f in domain.FIELDS
    ]  # fmt: skip


def _settable() -> list[str]:
    """Suggestions for a `set` action's field (a prefix is completed with a KEY)."""
    return [*domain.SETTABLE_FIELDS, *(p + "KEY" for p in domain.SETTABLE_PREFIXES)]


def form_page(
    request: Request,
    desk: Desk,
    form: RuleForm,
    rule: StoredRule | None,
    *,
    errors: dict[str, str] | None = None,
    preview: Preview | None = None,
    status_code: int = 200,
) -> Response:
    db = request.app.state.db
    folders = queries.folders(db, desk.store, request.app.state.count_cache)
    fields = _fields()
    email_templates = [
        t.name for t in template_service.list_templates(db, desk.store) if t.kind == EMAIL
    ]
    return page(
        request, "rule_form.html", desk, form=form, rule=rule, errors=errors or {},
        preview=preview, events=domain.EVENTS, matches=domain.MATCHES, fields=fields,
        item_fields=[f for f in fields if f["item"]], email_templates=email_templates,
        operators=domain.OPERATORS, actions=domain.ACTIONS, param_inputs=rule_form.PARAM_INPUTS,
        param_labels=rule_form.PARAM_LABELS, settable=_settable(),
        endpoints=queries.webhook_endpoints(db, desk.store),
        folder_names=[f.name for f, _ in folders],
        preview_orders=PREVIEW_ORDERS, name_max=limits.MAX_RULE_NAME_CHARS,
        status_code=status_code,
    )  # fmt: skip


def _refused(request: Request, desk: Desk, form: RuleForm, rule: StoredRule | None,
             exc: RuleError) -> Response:  # fmt: skip
    place = rule_form.error_places(form, exc.field)
    return form_page(request, desk, form, rule, errors={place: exc.reason}, status_code=400)


@router.get("/desk/rules/new")
def new_rule(request: Request, desk: Desk = Depends(owner)) -> Response:
    return form_page(request, desk, RuleForm(), None)


@router.post("/desk/rules/new")
def create_rule(
    request: Request, desk: Desk = Depends(owner), data: FormData = Depends(checked_form)
) -> Response:
    return _submit(request, desk, data, None)


@router.get("/desk/rules/{rule_id}")
def edit_rule(rule_id: str, request: Request, desk: Desk = Depends(owner)) -> Response:
    rule = stored_rule(request, desk, rule_id)
    return form_page(request, desk, rule_form.from_json(domain.rule_json(rule.spec)), rule)


@router.post("/desk/rules/{rule_id}")
def save_rule(
    rule_id: str, request: Request, desk: Desk = Depends(owner),
    data: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    return _submit(request, desk, data, stored_rule(request, desk, rule_id))


def _submit(request: Request, desk: Desk, data: FormData, rule: StoredRule | None) -> Response:
    """One of the form's buttons: a row command, Preview, Run, or Save (the default, which
    is what pressing Enter in a text box sends)."""
    form = rule_form.from_form(data)
    command = Form(data).raw("do")[:40] or "save"
    changed = rule_form.change_rows(form, command)
    if changed is not None:
        return form_page(request, desk, changed, rule)
    db, channel = request.app.state.db, Channel.desk(desk.user.email)
    try:
        if command == "preview":
            found = rule_service.preview(
                db, desk.store, rule_form.to_json(form), orders=PREVIEW_ORDERS
            )
            return form_page(request, desk, form, rule, preview=found)
        if command == "run" and rule is not None:
            return _run(request, desk, data, form, rule)
        if rule is None:
            saved = rule_service.add_rule(db, desk.store, rule_form.to_json(form), channel=channel)
            message = f"Rule '{saved.spec.name}' added as number {saved.position}"
        else:
            saved = rule_service.replace_rule(
                db, desk.store, rule.id, rule_form.to_json(form), channel=channel
            )
            message = f"Rule '{saved.spec.name}' saved"
    except RuleError as exc:
        return _refused(request, desk, form, rule, exc)
    except LookupError:
        raise NotFound("Rule not found") from None
    return redirect(f"/desk/rules#rule-{saved.id}", message)


def _run(
    request: Request, desk: Desk, data: FormData, form: RuleForm, rule: StoredRule
) -> Response:
    """Run the saved rule on the ticked orders; a form that differs from the saved rule is
    refused, so what runs is what the page says."""
    if domain.parse_rule(rule_form.to_json(form)) != rule.spec:
        return form_page(
            request, desk, form, rule, status_code=400,
            errors={"_run": "The form differs from the saved rule: save it first (Run uses "
                            "the saved rule), then preview and run again."},
        )  # fmt: skip
    fields = Form(data)
    ids = fields.ids("order_id", "order")
    if fields.errors:
        return form_page(
            request, desk, form, rule, errors={"_run": fields.errors["order_id"]},
            status_code=400,
        )  # fmt: skip
    results = rule_service.run_on_orders(
        request.app.state.db, desk.store, rule.id, ids, channel=Channel.desk(desk.user.email)
    )
    return redirect(f"/desk/rules/{rule.id}", run_summary(rule.spec.name, results))


def run_summary(name: str, results: list[rule_service.RunResult]) -> str:
    """What a run did, in one line for the flash message."""
    matched = [r for r in results if r.matched]
    if len(results) == 1:
        return f"Rule '{name}': {results[0].outcome}"
    count = len(results)
    line = f"Rule '{name}' ran on {count} order{'s' * (count != 1)}: {len(matched)} matched"
    failed = [r for r in matched if r.outcome.startswith("failed")]
    return line + (f", {len(failed)} failed ({failed[0].outcome})" if failed else "")
