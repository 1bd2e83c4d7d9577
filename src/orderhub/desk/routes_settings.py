"""The store's settings (owners only): the registered settings with their help, the API key
(rotated and shown once), the print-on-demand credentials (shown on request), and who
works in the store."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk import actions, queries
from orderhub.desk.auth import Desk, checked_form, owner
from orderhub.desk.forms import Form
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect
from orderhub.domain import passwords
from orderhub.domain.errors import OrderhubError
from orderhub.domain.limits import width
from orderhub.domain.settings import STORE_SETTINGS, parse_setting
from orderhub.outbound.setting_urls import check_contacted_urls

router = APIRouter(include_in_schema=False)


def shown(value: Any) -> str:
    """A stored setting as its form shows it (the form's text parses back to the value)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def settings_page(
    request: Request, desk: Desk, *, status_code: int = 200, **context: Any
) -> Response:
    db = request.app.state.db
    current = {name: shown(desk.store.settings.get(name)) for name in STORE_SETTINGS}
    context.setdefault("values", current)
    return page(
        request, "settings.html", desk, specs=list(STORE_SETTINGS.values()),
        members=queries.members(db, desk.store), status_code=status_code,
        invitations=queries.store_invitations(db, desk.store), **context,
    )  # fmt: skip


@router.get("/desk/settings")
def show_settings(request: Request, desk: Desk = Depends(owner)) -> Response:
    return settings_page(request, desk)


@router.post("/desk/settings")
def save_settings(
    request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    fields = Form(form)
    changes: dict[str, Any] = {}
    remove: list[str] = []
    values: dict[str, str] = {}
    for name in STORE_SETTINGS:
        raw = fields.text(name, name, max_chars=4000)
        values[name] = raw
        if raw == "":
            remove.append(name)
            continue
        try:
            changes[name] = parse_setting(name, raw)
            check_contacted_urls({name: changes[name]}, request.app.state.settings)
        except OrderhubError as exc:
            fields.errors[name] = exc.message.partition(": ")[2] or exc.message
    if fields.errors:
        return settings_page(request, desk, values=values, errors=fields.errors, status_code=400)
    actions.save_settings(request.app.state.db, desk.store, changes, remove, desk.user.email)
    return redirect("/desk/settings", "Settings saved")


@router.post("/desk/settings/api-key")
def rotate_key(
    request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    if Form(form).raw("confirm") != "yes":
        return settings_page(
            request, desk, status_code=400,
            errors={"confirm": "Tick the box: the current key stops working at once"},
        )  # fmt: skip
    key = actions.rotate_api_key(request.app.state.db, desk.store, desk.user.email)
    return settings_page(request, desk, new_api_key=key)


@router.post("/desk/settings/pod-credentials")
def reveal_pod(
    request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    secret = queries.pod_secret(request.app.state.db, desk.store)
    return settings_page(request, desk, pod_secret=secret)


@router.post("/desk/settings/users")
def add_user(
    request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    fields = Form(form)
    role = fields.raw("role")
    try:
        email = passwords.normalise_email(fields.raw("email"))
        passwords.check_role(role)
    except OrderhubError as exc:
        name, _, reason = exc.message.partition(": ")
        return settings_page(
            request, desk, status_code=400, errors={f"user_{name}": reason},
            user_values={"email": fields.raw("email")[: width("users", "email")], "role": role},
        )  # fmt: skip
    if email == desk.user.email:
        return settings_page(
            request, desk, status_code=400,
            errors={"user_email": "You cannot change your own role; ask another owner"},
            user_values={"email": email, "role": role},
        )  # fmt: skip
    if actions.invite_member(request.app.state.db, desk.store, email, role, desk.user.email):
        return redirect("/desk/settings#users", f"{email} now works here as {role}")
    # The same answer whether or not the email has an account.
    return redirect(
        "/desk/settings#users",
        f"Invited {email} as {role}: they join when they accept, signed in to the desk",
    )


@router.post("/desk/settings/invitations/{invitation_id}/cancel")
def cancel_invitation(
    invitation_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    actions.cancel_invitation(
        request.app.state.db, desk.store, number(invitation_id, "Invitation"), desk.user.email
    )
    return redirect("/desk/settings#users", "Invitation cancelled")


@router.post("/desk/settings/users/{user_id}/remove")
def remove_user(
    user_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    uid = number(user_id, "User")
    try:
        actions.remove_member(request.app.state.db, desk.store, uid, desk.user.id, desk.user.email)
    except OrderhubError as exc:
        if exc.status_code == 404:
            raise
        return redirect("/desk/settings#users", exc.message, "error")
    return redirect("/desk/settings#users", "User removed from the store")
