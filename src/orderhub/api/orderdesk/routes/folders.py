"""Folder management: an orderhub extension under /api/v2/folders, not part of Order Desk."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.auth import current_store
from orderhub.api.orderdesk.bodies import json_body, path_id
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.models import FolderIn, parse_body
from orderhub.storage import folders as repo
from orderhub.storage.stores import Folder, Store

router = APIRouter(tags=["orderhub extensions"])


def _folder(folder: Folder, count: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": folder.id, "name": folder.name, "pod_status": folder.pod_status}
    if count is not None:
        body["order_count"] = count
    return body


@router.get("/folders", summary="List folders with their order counts (orderhub extension)")
def list_folders(request: Request, store: Store = Depends(current_store)) -> Response:
    with request.app.state.db.read() as conn:
        found = repo.folders_with_counts(conn, store.id)
    return success(request, folders=[_folder(f, n) for f, n in found])


@router.post(
    "/folders",
    summary="Create a folder (orderhub extension)",
    description="`pod_status` (optional) makes the folder stand for a print-on-demand status.",
    openapi_extra=body_schema(FolderIn),
)
def create_folder(
    request: Request, store: Store = Depends(current_store), data: Any = Depends(json_body)
) -> Response:
    body = parse_body(FolderIn, data)
    with request.app.state.db.write() as conn:
        folder = repo.create_folder(conn, store.id, body.name, body.pod_status)
    return success(request, message="Folder Added", folder=_folder(folder))


@router.put("/folders/{folder_id}", summary="Rename a folder (orderhub extension)")
def rename_folder(
    folder_id: str,
    request: Request,
    store: Store = Depends(current_store),
    data: Any = Depends(json_body),
) -> Response:
    fid = path_id(folder_id, "Folder")
    body = parse_body(FolderIn, data)
    with request.app.state.db.write() as conn:
        folder = repo.rename_folder(conn, store.id, fid, body.name)
    return success(request, message="Folder Updated", folder=_folder(folder))


@router.delete("/folders/{folder_id}", summary="Delete an empty folder (orderhub extension)")
def delete_folder(
    folder_id: str, request: Request, store: Store = Depends(current_store)
) -> Response:
    fid = path_id(folder_id, "Folder")
    with request.app.state.db.write() as conn:
        repo.delete_folder(conn, store.id, fid)
    return success(request, message=f"Folder {fid} Deleted")
