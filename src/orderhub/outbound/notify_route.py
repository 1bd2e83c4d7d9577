"""`POST /api/suppliers/{supplier_id}/notify`: a supplier's status notification, signed the
way print-on-demand notifications are (`?AppId=...&Signature=sha1(body + secret)`, body
`{"order": {...}}`), checked against that supplier's AppId and secret.

A bad or missing signature is refused with 403 and changes nothing; so is an unknown
supplier id (the same answer, so ids cannot be probed). A well-signed notification about an
order the hub did not forward is acknowledged and ignored, so the supplier stops retrying.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from orderhub.domain.limits import MAX_ID
from orderhub.outbound import tracking
from orderhub.protocol.pod.signature import split_signature, verify
from orderhub.storage import forwarding_jobs
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.database import Database
from orderhub.storage.suppliers import Supplier

router = APIRouter(prefix="/api/suppliers", tags=["Forwarding to print providers"])
REFUSED = "Invalid AppId or Signature"


def _supplier(db: Database, supplier_id: int) -> Supplier | None:
    with db.read() as conn:
        return supplier_storage.supplier_by_id(conn, supplier_id)


def _apply(db: Database, supplier: Supplier, order: dict[str, Any]) -> bool:
    external = order.get("external_id")
    with db.read() as conn:
        job = forwarding_jobs.find_job_at_supplier(
            conn, supplier.id, str(order.get("id", "")), str(external) if external else None
        )
    if job is None:
        return False
    tracking.apply(db, supplier, job, order)
    return True


@router.post(
    "/{supplier_id}/notify",
    summary="A supplier's signed order notification (status, tracking)",
)
async def supplier_notification(supplier_id: int, request: Request) -> Response:
    body = await request.body()
    db = request.app.state.db
    _, signature = split_signature(request.scope.get("query_string", b""))
    # An id past the id column's range names no supplier (and must not reach the query).
    in_range = 1 <= supplier_id <= MAX_ID
    supplier = await run_in_threadpool(_supplier, db, supplier_id) if in_range else None
    if (
        supplier is None
        or not signature
        or request.query_params.get("AppId") != supplier.app_id
        or not verify(body, supplier.secret, signature)
    ):
        return JSONResponse({"error": REFUSED}, 403)
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return JSONResponse({"error": 'the body must be JSON: {"order": {...}}'}, 400)
    order = document.get("order") if isinstance(document, dict) else None
    if not isinstance(order, dict):
        return JSONResponse({"error": 'the body must be JSON: {"order": {...}}'}, 400)
    matched = await run_in_threadpool(_apply, db, supplier, order)
    return JSONResponse({"result": "applied" if matched else "ignored"})
