"""Moving orders between folders (spec §4.7)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.deps import CallDep, JsonBody
from orderhub.api.orderdesk.envelope import success
from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput
from orderhub.protocol.orderdesk.models import MoveOrdersIn, parse_body
from orderhub.services import moves as service

router = APIRouter()
CHANNEL = Channel.orderdesk()


@router.post(
    "/move-orders",
    summary="Move orders to a folder",
    description="Give exactly one of `destination_folder_id` and `destination_folder_name`. "
    "Each order is reported in `results`; an unknown order does not stop the others.",
    openapi_extra=body_schema(MoveOrdersIn),
)
def move_orders(request: Request, call: CallDep, data: JsonBody) -> Response:
    body = parse_body(MoveOrdersIn, data)
    if (body.destination_folder_id is None) == (not body.destination_folder_name):
        raise InvalidInput(
            "destination_folder_id: give exactly one of destination_folder_id and "
            "destination_folder_name"
        )
    field = (
        "destination_folder_id"
        if body.destination_folder_id is not None
        else ("destination_folder_name")
    )
    try:
        results = service.move_orders(
            call.db, call.store, body.order_id_list, folder_id=body.destination_folder_id,
            folder_name=body.destination_folder_name or None, channel=CHANNEL,
        )  # fmt: skip
    except service.UnknownFolder as exc:
        raise InvalidInput(f"{field}: {exc.message}") from None
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
