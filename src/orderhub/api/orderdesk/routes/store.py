"""`GET /test` and `GET /store` (spec §1, §8)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from orderhub.api.orderdesk.deps import CallDep
from orderhub.api.orderdesk.envelope import success
from orderhub.domain.dates import WIRE_FORMAT
from orderhub.domain.settings import PUBLIC_SETTINGS
from orderhub.storage import stores

router = APIRouter()


@router.get("/test", summary="Test the connection and credentials")
def test_connection(request: Request, call: CallDep) -> Response:
    now = datetime.now(UTC).strftime(WIRE_FORMAT)
    return success(request, message="Connection Successful", current_date_time=now)


@router.get("/store", summary="Store settings and the folders map")
def store_settings(request: Request, call: CallDep) -> Response:
    store = call.store
    with call.db.read() as conn:
        folder_list = stores.list_folders(conn, store.id)
    settings: dict[str, Any] = {
        "app_version": "2.0",
        "timezone": store.timezone,
        "date_format": "Y-m-d H:i:s",
        "short_date_format": "Y-m-d",
        "orders_per_page": 50,
        "all_orders_name": "All Orders",
    }
    settings.update({k: store.settings[k] for k in PUBLIC_SETTINGS if k in store.settings})
    return success(
        request,
        store={
            "id": str(store.id),
            "name": store.name,
            "settings": settings,
            "folders": {str(f.id): f.name for f in folder_list},
        },
    )
