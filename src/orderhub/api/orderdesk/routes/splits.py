"""Splitting an order over the API (an orderhub extension): what `orderhub orders split`,
the desk's split form and the `split` rule action do, through services/splits.py."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk import rendered
from orderhub.api.orderdesk.deps import CallDep, JsonBody
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.path_ids import path_id
from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput, NotFound
from orderhub.protocol.orderdesk.models import SplitItemIn, SplitOrderIn, parse_body
from orderhub.services import splits as service
from orderhub.services.moves import UnknownFolder

router = APIRouter()
CHANNEL = Channel.orderdesk()


@router.post(
    "/orders/{order_id}/split",
    summary="Split an order (orderhub extension)",
    description="The items named in `items` (by `code` or by item `id`, exactly one; "
    "`quantity` defaults to all of the line not shipped yet) move to a new order of the "
    "store, in `folder_name` or the order's own folder. Shipping, handling, tax and "
    "discounts are shared in proportion to the items' value. A refused split writes nothing.",
    openapi_extra=body_schema(SplitOrderIn),
)
def split_order(order_id: str, request: Request, call: CallDep, data: JsonBody) -> Response:
    oid = path_id(order_id, "Order")
    body = parse_body(SplitOrderIn, data)
    parts = [_part(item) for item in body.items]
    try:
        result = service.split_order(
            call.db, call.store, oid, parts, folder=body.folder_name, channel=CHANNEL
        )
    except UnknownFolder as exc:
        raise InvalidInput(f"folder_name: {exc.message}") from None
    except service.CancelledOrder:
        raise
    except InvalidInput as exc:
        raise InvalidInput(f"items: {exc.message}") from None
    with call.db.read() as conn:
        orders = rendered.fetch(
            conn,
            call.rendered,
            call.store.id,
            [result.original_id, result.new_order_id],
            with_history=True,
        )
    if len(orders) != 2:  # deleted by another caller since the split committed
        raise NotFound(f"Order {oid} not found")
    (_, original), (_, new) = orders
    return success(request, message="Order Split", original_order=original, new_order=new)


def _part(item: SplitItemIn) -> service.SplitPart:
    """The service's part: an item id, or a code (every line with it, in turn)."""
    named = item.id if item.id is not None else item.code
    assert named is not None
    return service.SplitPart(named, item.quantity)
