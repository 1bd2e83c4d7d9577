"""Webhooks (owners only): endpoints the store's order events are posted to. Add, change
events, enable or disable, rotate the signing secret (shown once), remove; the delivery
log per endpoint with resend of one or of every failed delivery, and a test event.
Everything goes through `services/webhooks.py`, like `orderhub webhook`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk.auth import Desk, checked_form, owner
from orderhub.desk.forms import Form, errors_of
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect
from orderhub.domain.channel import Channel
from orderhub.domain.errors import OrderhubError
from orderhub.protocol.orderdesk.webhook import FORMATS
from orderhub.services import webhooks as service
from orderhub.services.events import EVENTS
from orderhub.storage import webhook_admin, webhooks
from orderhub.storage.webhooks import Endpoint

router = APIRouter(include_in_schema=False)
LOG_SHOWN = 50
FIELDS = ("url", "events", "format", "secret")


def _endpoint(request: Request, desk: Desk, raw_id: str) -> Endpoint:
    with request.app.state.db.read() as conn:
        return webhook_admin.get_endpoint(conn, desk.store.id, number(raw_id, "Webhook"))


def _events(form: FormData) -> list[str]:
    chosen = [v for v in form.getlist("events") if isinstance(v, str)][: len(EVENTS) + 1]
    return [webhooks.ALL_EVENTS] if webhooks.ALL_EVENTS in chosen else chosen


def _list_page(request: Request, desk: Desk, *, status_code: int = 200, **context: Any) -> Response:
    with request.app.state.db.read() as conn:
        found = webhooks.list_endpoints(conn, desk.store.id)
    return page(
        request, "webhooks.html", desk, endpoints=found, events=EVENTS, formats=FORMATS,
        section="webhooks", status_code=status_code, **context,
    )  # fmt: skip


def _detail_page(
    request: Request, desk: Desk, endpoint: Endpoint, *, status_code: int = 200, **context: Any
) -> Response:
    with request.app.state.db.read() as conn:
        log = webhook_admin.delivery_log(conn, desk.store.id, endpoint.id, limit=LOG_SHOWN)
    return page(
        request, "webhook.html", desk, endpoint=endpoint, log=log, events=EVENTS,
        section="webhooks", status_code=status_code, **context,
    )  # fmt: skip


def _channel(desk: Desk) -> Channel:
    return Channel.desk(desk.user.email)


@router.get("/desk/webhooks")
def list_webhooks(request: Request, desk: Desk = Depends(owner)) -> Response:
    return _list_page(request, desk)


@router.post("/desk/webhooks")
def add_webhook(
    request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    fields = Form(form)
    url = fields.text("url", "URL", max_chars=service.URL_MAX, required=True)
    fmt, secret = fields.raw("format"), fields.raw("secret")
    events = _events(form)
    values = {"url": url[: service.URL_MAX], "format": fmt[:10]}
    if not fields.errors:
        try:
            endpoint, signing_secret = service.add_endpoint(
                request.app.state.db, desk.store.id, url, events, fmt, secret or None,
                outbound=request.app.state.settings, channel=_channel(desk),
            )  # fmt: skip
        except OrderhubError as exc:
            fields.errors = errors_of(exc, FIELDS)
        else:
            shown = None if secret else signing_secret  # a given secret is the owner's own
            return _list_page(request, desk, added=(endpoint, shown))
    return _list_page(
        request, desk, values=values, chosen=events, errors=fields.errors, status_code=400
    )


@router.get("/desk/webhooks/{endpoint_id}")
def show_webhook(endpoint_id: str, request: Request, desk: Desk = Depends(owner)) -> Response:
    return _detail_page(request, desk, _endpoint(request, desk, endpoint_id))


@router.post("/desk/webhooks/{endpoint_id}/events")
def set_events(
    endpoint_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    endpoint = _endpoint(request, desk, endpoint_id)
    try:
        service.set_events(
            request.app.state.db, desk.store.id, endpoint.id, _events(form), channel=_channel(desk)
        )
    except OrderhubError as exc:
        return _detail_page(request, desk, endpoint, errors=errors_of(exc, FIELDS), status_code=400)
    return redirect(f"/desk/webhooks/{endpoint.id}", "Events saved")


@router.post("/desk/webhooks/{endpoint_id}/active")
def set_active(
    endpoint_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    endpoint = _endpoint(request, desk, endpoint_id)
    active = Form(form).raw("active") == "yes"
    service.set_active(
        request.app.state.db, desk.store.id, endpoint.id, active, channel=_channel(desk)
    )
    message = "Enabled: queued deliveries go out" if active else "Disabled: deliveries wait"
    return redirect(f"/desk/webhooks/{endpoint.id}", message)


@router.post("/desk/webhooks/{endpoint_id}/rotate")
def rotate(
    endpoint_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    endpoint = _endpoint(request, desk, endpoint_id)
    if Form(form).raw("confirm") != "yes":
        errors = {"confirm_rotate": "Tick the box: the receiver must get the new secret"}
        return _detail_page(request, desk, endpoint, errors=errors, status_code=400)
    secret = service.rotate_secret(
        request.app.state.db, desk.store.id, endpoint.id, channel=_channel(desk)
    )
    return _detail_page(request, desk, endpoint, new_secret=secret)


@router.post("/desk/webhooks/{endpoint_id}/remove")
def remove(
    endpoint_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    endpoint = _endpoint(request, desk, endpoint_id)
    if Form(form).raw("confirm") != "yes":
        errors = {"confirm_remove": "Tick the box to confirm the removal"}
        return _detail_page(request, desk, endpoint, errors=errors, status_code=400)
    service.remove_endpoint(
        request.app.state.db, desk.store.id, endpoint.id, channel=_channel(desk)
    )
    return redirect("/desk/webhooks", f"Webhook to {endpoint.url} removed")


@router.post("/desk/webhooks/{endpoint_id}/test")
def send_test(
    endpoint_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    endpoint = _endpoint(request, desk, endpoint_id)
    try:
        service.send_test(request.app.state.db, desk.store.id, endpoint.id, channel=_channel(desk))
    except OrderhubError as exc:
        return redirect(f"/desk/webhooks/{endpoint.id}", exc.message, "error")
    return redirect(f"/desk/webhooks/{endpoint.id}", "Test event queued: it appears in the log")


@router.post("/desk/webhooks/{endpoint_id}/resend-failed")
def resend_failed(
    endpoint_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    endpoint = _endpoint(request, desk, endpoint_id)
    count = service.resend_failed(
        request.app.state.db, desk.store.id, endpoint.id, channel=_channel(desk)
    )
    return redirect(f"/desk/webhooks/{endpoint.id}", f"{count} failed deliveries queued again")


@router.post("/desk/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend")
def resend_one(
    endpoint_id: str, delivery_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    endpoint = _endpoint(request, desk, endpoint_id)
    try:
        service.resend(
            request.app.state.db, desk.store.id, delivery_id[:36], channel=_channel(desk)
        )
    except OrderhubError as exc:
        if exc.status_code == 404:
            raise
        return redirect(f"/desk/webhooks/{endpoint.id}", exc.message, "error")
    return redirect(f"/desk/webhooks/{endpoint.id}", "Delivery queued again")
