"""Signing in and out, and switching stores.

Sign-in attempts are limited per client address and per (account, address) with the API's
token buckets (memory or Redis): past the limit the password is not even checked. A successful
sign-in always starts a new session (the old one, if any, ends), so a session id planted
before sign-in is worthless.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from orderhub.desk import actions, login_token
from orderhub.desk.auth import (
    COOKIE,
    Desk,
    SignInRequired,
    check_csrf,
    checked_form,
    clear_cookie,
    client_address,
    lifetimes,
    session_user,
    set_cookie,
    signed_in,
)
from orderhub.desk.forms import Form
from orderhub.desk.render import page, redirect, safe_back
from orderhub.domain import passwords
from orderhub.domain.errors import OrderhubError
from orderhub.domain.limits import width
from orderhub.domain.values import parse_id
from orderhub.services import desk_sessions as session_service
from orderhub.storage import accounts

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "orderhub_login"


@router.get("/")
def home(request: Request) -> Response:
    try:
        signed_in(request)
    except SignInRequired:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/desk", status_code=303)


def _login_page(
    request: Request, *, status_code: int = 200, error: str = "", email: str = ""
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE, "")
    if not login_token.is_signed(request, token):
        token = login_token.new_token(request)
    response = page(
        request, "login.html", status_code=status_code, login_token=token, error=error,
        values={"email": email}, next=safe_back(request.query_params.get("next", ""), ""),
    )  # fmt: skip
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="lax", path=_login_path(request),
        secure=request.app.state.settings.desk_secure_cookies,
    )  # fmt: skip
    return response


def _login_path(request: Request) -> str:
    return request.scope.get("root_path", "") + "/login"


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


def _limited(request: Request, email: str) -> int:
    """Seconds to wait when either bucket is empty, else 0 (a token is taken from each).

    The buckets are per client address and per (account, address): a flood of wrong
    passwords from one address uses up that address's tries, never the owner's from
    another address (a bucket per account alone would let anyone lock an account out)."""
    settings = request.app.state.settings
    limiter = request.app.state.rate_limiter
    window = settings.desk_login_window_seconds
    address = client_address(request)
    wait = 0
    for key, capacity in (
        (f"desk-login:address:{address}", settings.desk_login_attempts_per_address),
        (f"desk-login:account:{email}|{address}", settings.desk_login_attempts),
    ):
        decision = limiter.take(key, capacity, capacity / window)
        if not decision.allowed:
            wait = max(wait, decision.retry_after)
    return wait


@router.post("/login")
async def login(request: Request) -> Response:
    form = Form(await request.form(max_files=0, max_fields=20))
    if not await run_in_threadpool(
        login_token.matches, request, form.raw("login_token"), request.cookies.get(LOGIN_COOKIE, "")
    ):  # in a thread: the first call of a process reads the signing key from the database
        return await run_in_threadpool(
            _login_page, request, status_code=403,
            error="The sign-in form expired; please try again.",
        )  # fmt: skip
    email_raw = form.text("email", "Email", max_chars=width("users", "email"))
    password = form.raw("password")
    try:
        email = passwords.normalise_email(email_raw)
    except OrderhubError:
        email = email_raw.lower()
    return await run_in_threadpool(_sign_in, request, email, password, form.raw("next"))


def _sign_in(request: Request, email: str, password: str, next_url: str) -> Response:
    wait = _limited(request, email)
    if wait:
        minutes = max(1, round(wait / 60))
        return _login_page(
            request, status_code=429, email=email,
            error=f"Too many sign-in attempts. Wait {minutes} minute{'s' * (minutes > 1)} "
            "and try again.",
        )  # fmt: skip
    db = request.app.state.db
    with db.read() as conn:
        found = accounts.find_user(conn, email)
    if not passwords.verify_password(password, found[1] if found else None) or found is None:
        return _login_page(request, status_code=401, email=email, error="Wrong email or password.")
    user = found[0]
    idle, max_age = lifetimes(request.app.state.settings)
    started = session_service.start(
        db, user, replacing=request.cookies.get(COOKIE), idle=idle, max_age=max_age
    )
    if started is None:
        return _login_page(
            request, status_code=403, email=email,
            error="Your account does not belong to any store yet; ask an owner.",
        )  # fmt: skip
    raw_id, works_in_a_store = started
    target = safe_back(next_url, "/desk") if works_in_a_store else "/desk/invitations"
    response = redirect(target, f"Signed in as {user.email}")
    set_cookie(response, request.app.state.settings, raw_id)
    response.delete_cookie(LOGIN_COOKIE, path=_login_path(request))
    return response


def _end(request: Request, id_hash: bytes) -> None:
    session_service.end(request.app.state.db, id_hash)


@router.post("/logout")
async def logout(request: Request) -> Response:
    _, session, _ = await run_in_threadpool(session_user, request)
    check_csrf(await request.form(max_files=0, max_fields=20), session.csrf_secret)
    await run_in_threadpool(_end, request, session.id_hash)
    response = RedirectResponse("/login", status_code=303)
    clear_cookie(response, request.app.state.settings)
    return response


@router.post("/desk/store")
def switch_store(
    request: Request, desk: Desk = Depends(signed_in), form: FormData = Depends(checked_form)
) -> Response:
    store_id = parse_id(Form(form).raw("store_id"))
    if store_id is None:
        return redirect("/desk", "Choose a store from the list", "error")
    actions.switch_store(request.app.state.db, desk.session.id_hash, desk.user.id, store_id)
    return redirect("/desk", "Switched store")
