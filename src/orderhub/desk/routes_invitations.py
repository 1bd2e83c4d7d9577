"""The signed-in user's store invitations: accept (join the store and work in it now) or
decline, each a CSRF-checked form. A user who works in no store yet but has invitations can
use this page and nothing else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from orderhub.desk import actions, queries
from orderhub.desk.auth import check_csrf, session_user
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect

router = APIRouter(include_in_schema=False)


@router.get("/desk/invitations")
def show_invitations(request: Request) -> Response:
    user, session, desk = session_user(request)
    found = queries.my_invitations(request.app.state.db, user.email)
    return page(
        request, "invitations.html", desk, invitations=found, user=user,
        csrf_token=session.csrf_secret,
    )  # fmt: skip


@router.post("/desk/invitations/{invitation_id}/{answer}")
async def answer_invitation(invitation_id: str, answer: str, request: Request) -> Response:
    user, session, _ = await run_in_threadpool(session_user, request)
    check_csrf(await request.form(max_files=0, max_fields=20), session.csrf_secret)
    if answer not in ("accept", "decline"):
        return redirect("/desk/invitations", "Choose accept or decline", "error")
    invitation = await run_in_threadpool(
        actions.answer_invitation, request.app.state.db, user, session.id_hash,
        number(invitation_id, "Invitation"), accept=answer == "accept",
    )  # fmt: skip
    if answer == "accept":
        return redirect("/desk", f"You now work in {invitation.store_name} as {invitation.role}")
    return redirect("/desk/invitations", f"Declined the invitation to {invitation.store_name}")
