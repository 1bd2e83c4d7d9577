"""Folder management: an orderhub extension under /api/v2/folders, not part of Order Desk."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.deps import CallDep, JsonBody
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.path_ids import path_id
from orderhub.domain.channel import Channel
from orderhub.domain.stores import Folder
from orderhub.protocol.orderdesk.models import FolderIn, parse_body
from orderhub.services import folders as service

router = APIRouter(tags=["orderhub extensions"])
CHANNEL = Channel.orderdesk()  # named in the audit log


def _folder(folder: Folder, count: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": folder.id, "name": folder.name, "pod_status": folder.pod_status}
    if count is not None:
        body["order_count"] = count
    return body


@router.get("/folders", summary="List folders with their order counts (orderhub extension)")
def list_folders(request: Request, call: CallDep) -> Response:
    found = service.with_counts(call.db, call.store)
    return success(request, folders=[_folder(f, n) for f, n in found])


@router.post(
    "/folders",
    summary="Create a folder (orderhub extension)",
    description="`pod_status` (optional) makes the folder stand for a print-on-demand status.",
    openapi_extra=body_schema(FolderIn),
)
def create_folder(request: Request, call: CallDep, data: JsonBody) -> Response:
    body = parse_body(FolderIn, data)
    folder = service.create_folder(call.db, call.store, body.name, body.pod_status, CHANNEL)
    return success(request, message="Folder Added", folder=_folder(folder))


@router.put(
    "/folders/{folder_id}",
    summary="Rename a folder (orderhub extension)",
    openapi_extra=body_schema(FolderIn),
)
def rename_folder(folder_id: str, request: Request, call: CallDep, data: JsonBody) -> Response:
    fid = path_id(folder_id, "Folder")
    body = parse_body(FolderIn, data)
    folder = service.rename_folder(call.db, call.store, fid, body.name, CHANNEL)
    return success(request, message="Folder Updated", folder=_folder(folder))


@router.delete("/folders/{folder_id}", summary="Delete an empty folder (orderhub extension)")
def delete_folder(folder_id: str, request: Request, call: CallDep) -> Response:
    fid = path_id(folder_id, "Folder")
    service.delete_folder(call.db, call.store, fid, CHANNEL)
    return success(request, message=f"Folder {fid} Deleted")
