"""The audit log (owners only): who changed the store's set-up, when, through which door;
newest first, keyset-paged by id."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from orderhub.desk.auth import Desk, owner
from orderhub.desk.render import page
from orderhub.domain.values import parse_id
from orderhub.storage import audit

router = APIRouter(include_in_schema=False)
PAGE = 50
DOORS = {"desk": "desk", "cli": "CLI", "orderdesk": "Order Desk API", "pod": "print-on-demand API"}


@router.get("/desk/audit")
def audit_log(request: Request, desk: Desk = Depends(owner)) -> Response:
    before = parse_id(request.query_params.get("before", "")[:20])
    with request.app.state.db.read() as conn:
        entries = audit.page(conn, desk.store.id, before=before, limit=PAGE + 1)
    more = len(entries) > PAGE
    entries = entries[:PAGE]
    return page(
        request, "audit.html", desk, entries=entries, doors=DOORS, section="audit",
        next_before=entries[-1].id if more and entries else None, first=before is None,
    )  # fmt: skip
