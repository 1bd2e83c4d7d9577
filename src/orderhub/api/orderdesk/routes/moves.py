"""Moving orders between folders (spec §4.7)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.auth import current_store
from orderhub.api.orderdesk.bodies import json_body
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.models import MoveOrdersIn, parse_body
from orderhub.domain.errors import InvalidInput
from orderhub.storage import folders as folder_repo
from orderhub.storage import stores
from orderhub.storage.stores import Store

router = APIRouter()
SURFACE = "orderdesk"


@router.post(
    "/move-orders",
    summary="Move orders to a folder",
    description="Give exactly one of `destination_folder_id` and `destination_folder_name`. "
    "Each order is reported in `results`; an unknown order does not stop the others.",
    openapi_extra=body_schema(MoveOrdersIn),
)
def move_orders(
    request: Request, store: Store = Depends(current_store), data: Any = Depends(json_body)
) -> Response:
    body = parse_body(MoveOrdersIn, data)
    if (body.destination_folder_id is None) == (not body.destination_folder_name):
        raise InvalidInput(
            "destination_folder_id: give exactly one of destination_folder_id and "
            "destination_folder_name"
        )
    with request.app.state.db.write() as conn:
        if body.destination_folder_id is not None:
            folder = stores.find_folder(conn, store.id, folder_id=body.destination_folder_id)
            if folder is None:
                raise InvalidInput(
                    f"destination_folder_id: folder {body.destination_folder_id} does not exist"
                )
        else:
            folder = stores.find_folder(conn, store.id, name=body.destination_folder_name)
            if folder is None:
                raise InvalidInput(
                    f"destination_folder_name: no folder named {body.destination_folder_name!r}"
                )
        results = folder_repo.move_orders(
            conn, store.id, body.order_id_list, folder, surface=SURFACE
        )
    moved = sum(1 for r in results if r.moved)
    return success(
        request,
        message=f"{moved} Order{'' if moved == 1 else 's'} Moved",
        results=[
            {
                "order_id": r.order_id,
                "message": r.message,
                "original_folder_id": r.original_folder_id,
            }
            if r.moved
            else {"order_id": r.order_id, "status": "error", "message": r.message}
            for r in results
        ],
    )
