"""Print-on-demand notifications (owners only): the URL the store's status notifications
are POSTed to, and their delivery log with resend."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk.auth import Desk, checked_form, owner
from orderhub.desk.forms import Form
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect
from orderhub.domain.channel import Channel
from orderhub.domain.errors import OrderhubError
from orderhub.domain.limits import URL_MAX
from orderhub.services import notification_settings as service
from orderhub.storage import notification_log

router = APIRouter(include_in_schema=False)
LOG_SHOWN = 50


def _page(request: Request, desk: Desk, *, status_code: int = 200, **context: Any) -> Response:
    with request.app.state.db.read() as conn:
        log = notification_log.recent(conn, desk.store.id, limit=LOG_SHOWN)
    context.setdefault("values", {"url": desk.store.settings.get(service.SETTING) or ""})
    return page(
        request, "notifications.html", desk, log=log, section="notifications",
        status_code=status_code, **context,
    )  # fmt: skip


@router.get("/desk/notifications")
def show(request: Request, desk: Desk = Depends(owner)) -> Response:
    return _page(request, desk)


@router.post("/desk/notifications")
def set_url(
    request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    fields = Form(form)
    raw = fields.text("url", "URL", max_chars=URL_MAX)
    if not fields.errors:
        try:
            url = service.set_url(
                request.app.state.db, desk.store.id, raw, outbound=request.app.state.settings,
                channel=Channel.desk(desk.user.email),
            )  # fmt: skip
        except OrderhubError as exc:
            fields.errors["url"] = exc.message.partition(": ")[2] or exc.message
        else:
            message = f"Notifications go to {url}" if url else "Notifications are off"
            return redirect("/desk/notifications", message)
    return _page(
        request, desk, values={"url": raw[:URL_MAX]}, errors=fields.errors, status_code=400
    )


@router.post("/desk/notifications/{notification_id}/resend")
def resend(
    notification_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    service.resend(
        request.app.state.db, desk.store.id, number(notification_id, "Notification"),
        channel=Channel.desk(desk.user.email),
    )  # fmt: skip
    return redirect("/desk/notifications", "Notification queued again")
