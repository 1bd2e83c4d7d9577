"""Folders (owners only): create, rename, reorder and delete the store's folders. A folder
that holds orders asks where they go and moves them in the delete's own transaction; the
folders the print-on-demand protocol needs say why they stay. Through
`services/folders.py`, like `orderhub folder` and the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk import queries
from orderhub.desk.auth import Desk, checked_form, owner
from orderhub.desk.forms import Form, FormInvalid, errors_of
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect
from orderhub.domain.channel import Channel
from orderhub.domain.errors import OrderhubError
from orderhub.domain.folders import protected_reason
from orderhub.services import folders as service

router = APIRouter(include_in_schema=False)


def _page(request: Request, desk: Desk, *, status_code: int = 200, **context: Any) -> Response:
    db = request.app.state.db
    listed = service.with_counts(db, desk.store)  # exact counts: a delete asks about them
    return page(
        request, "folders_admin.html", desk, listed=listed, section="folders",
        protected={f.id: protected_reason(f) for f, _ in listed},
        renamable={f.id: not protected_reason(f, renaming=True) for f, _ in listed},
        name_max=service.NAME_MAX, status_code=status_code, **context,
    )  # fmt: skip


def _folder_id(raw: str, request: Request, desk: Desk) -> int:
    folder_id = number(raw, "Folder")
    queries.folder(request.app.state.db, desk.store, folder_id)  # 404 for another store's
    return folder_id


@router.get("/desk/folders")
def folders_page(request: Request, desk: Desk = Depends(owner)) -> Response:
    return _page(request, desk)


@router.post("/desk/folders")
def create(
    request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    name = Form(form).raw("name")[:200]
    try:
        service.create_folder(
            request.app.state.db, desk.store, name, None, Channel.desk(desk.user.email)
        )
    except OrderhubError as exc:
        errors = {f"new_{k}": v for k, v in errors_of(exc, ("name",)).items()}
        return _page(request, desk, errors=errors, values={"new_name": name}, status_code=400)
    return redirect("/desk/folders", f"Folder {name} created")


@router.post("/desk/folders/{folder_id}/rename")
def rename(
    folder_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    fid = _folder_id(folder_id, request, desk)
    name = Form(form).raw("name")[:200]
    try:
        service.rename_folder(
            request.app.state.db, desk.store, fid, name, Channel.desk(desk.user.email),
            guard=True,
        )  # fmt: skip
    except OrderhubError as exc:
        errors = {f"name_{fid}": errors_of(exc, ("name",)).popitem()[1]}
        return _page(request, desk, errors=errors, values={f"name_{fid}": name}, status_code=400)
    return redirect("/desk/folders", f"Folder renamed to {name}")


@router.post("/desk/folders/{folder_id}/move")
def reorder(
    folder_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    fid = _folder_id(folder_id, request, desk)
    up = Form(form).raw("direction") != "down"
    service.move_folder(
        request.app.state.db, desk.store, fid, up=up, channel=Channel.desk(desk.user.email)
    )
    return redirect("/desk/folders")


@router.post("/desk/folders/{folder_id}/delete")
def delete(
    folder_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    fid = _folder_id(folder_id, request, desk)
    fields = Form(form)
    target = None
    if fields.raw("to_folder_id"):
        target = fields.whole("to_folder_id", "Folder", minimum=1, maximum=10**18)
    try:
        fields.check()
        moved = service.delete_folder_moving_orders(
            request.app.state.db, desk.store, fid, to_folder_id=target,
            channel=Channel.desk(desk.user.email),
        )  # fmt: skip
    except OrderhubError as exc:
        if exc.status_code == 404:
            raise
        errors = {f"delete_{fid}": exc.message.partition("to_folder_id: ")[2] or exc.message}
        return _page(request, desk, errors=errors, status_code=400)
    except FormInvalid as exc:
        errors = {f"delete_{fid}": "; ".join(exc.errors.values())}
        return _page(request, desk, errors=errors, status_code=400)
    suffix = f"; its {moved} orders moved" if moved else ""
    return redirect("/desk/folders", f"Folder deleted{suffix}")
