"""Who is signed in to the desk, in which store, with which role; and the CSRF check.

The session cookie is HttpOnly and SameSite=Lax (Secure with ORDERHUB_DESK_SECURE_COOKIES=1)
and names a row of `desk_sessions`. Every state-changing form carries the session's CSRF
token, compared in constant time; a POST without it is refused before anything is read.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.config import Settings
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import NotFound, OrderhubError
from orderhub.domain.stores import Store
from orderhub.services import desk_sessions as session_service
from orderhub.storage import accounts, desk_sessions, invitations, stores
from orderhub.storage.accounts import Membership, User
from orderhub.storage.desk_sessions import DeskSession

COOKIE = "orderhub_desk"


class SignInRequired(Exception):
    """No live session: the handler sends the visitor to the sign-in page."""


class InvitationsPending(Exception):
    """A live session whose user works in no store yet but has invitations: the handler
    sends them to the invitations page, the only page they can use."""

    def __init__(self, user: User, session: DeskSession) -> None:
        self.user = user
        self.session = session


class CsrfRefused(OrderhubError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__(
            "This form has expired or did not come from the desk; nothing was changed. "
            "Go back, reload the page and try again."
        )


class OwnersOnly(OrderhubError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__("Only the store's owners can see this page.")


@dataclass(frozen=True)
class Desk:
    """The signed-in context of one request."""

    user: User
    store: Store
    role: str
    memberships: list[Membership]
    session: DeskSession
    invitations: int = 0  # pending invitations of the user (a notice in the top bar)

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_secret


def lifetimes(settings: Settings) -> tuple[timedelta, timedelta]:
    return timedelta(minutes=settings.session_idle_minutes), timedelta(
        hours=settings.session_max_hours
    )


def set_cookie(response: Response, settings: Settings, raw_id: str) -> None:
    response.set_cookie(
        COOKIE,
        raw_id,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.desk_secure_cookies,
        path="/",
    )


def clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=settings.desk_secure_cookies
    )


def signed_in(request: Request) -> Desk:
    """The request's desk context, or SignInRequired. A user removed from the session's
    store is moved to another of their stores, or signed out when they have none."""
    raw_id = request.cookies.get(COOKIE, "")
    if not raw_id or len(raw_id) > 100:
        raise SignInRequired
    state = request.app.state
    idle, max_age = lifetimes(state.settings)
    now = utcnow()
    with state.db.read() as conn:
        session = desk_sessions.find(conn, raw_id, idle=idle, max_age=max_age, now=now)
        if session is None:
            raise SignInRequired
        user = accounts.get_user(conn, session.user_id)
        memberships = accounts.memberships_of(conn, user.id)
        pending = invitations.count_for(conn, user.email)
    if not memberships and pending:
        raise InvitationsPending(user, session)
    if not memberships:
        session_service.end(state.db, session.id_hash)
        raise SignInRequired
    current = next((m for m in memberships if m.store_id == session.store_id), None)
    if current is None or desk_sessions.needs_touch(session, now):
        current = current or memberships[0]
        session_service.keep_alive(state.db, session, current.store_id, now)
    with state.db.read() as conn:
        store = stores.get_store(conn, current.store_id)
    return Desk(user, store, current.role, memberships, session, pending)


def session_user(request: Request) -> tuple[User, DeskSession, Desk | None]:
    """The signed-in user and session, also for a user who has only invitations yet
    (then without a store: None), for the pages such a user can use."""
    try:
        desk = signed_in(request)
    except InvitationsPending as pending:
        return pending.user, pending.session, None
    return desk.user, desk.session, desk


def owner(desk: Desk = Depends(signed_in)) -> Desk:
    if not desk.is_owner:
        raise OwnersOnly
    return desk


async def checked_form(request: Request, desk: Desk = Depends(signed_in)) -> FormData:
    """The posted form, once its CSRF token matched the session's."""
    form = await request.form(max_files=0, max_fields=2000)
    return check_csrf(form, desk.csrf_token)


def check_csrf(form: FormData, secret: str) -> FormData:
    token = form.get("csrf_token")
    if not isinstance(token, str) or not hmac.compare_digest(
        token.encode("utf-8", "replace"), secret.encode()
    ):
        raise CsrfRefused
    return form


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def store_not_found(what: str) -> NotFound:
    """What a user sees for another store's order: the same as for no order at all."""
    return NotFound(f"{what} not found")
