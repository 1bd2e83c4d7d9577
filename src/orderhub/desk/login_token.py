"""The sign-in form's token (login CSRF): a random nonce and its HMAC-SHA256 under a key
every process shares (kept in the database), sent both as a cookie and in the form.

A token is accepted only when the form's copy equals the cookie's (constant time) *and* the
signature is the server's, so a token an attacker made up, or planted as a cookie from a
sibling subdomain, is refused (OWASP's "signed double-submit cookie")."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request

from orderhub.services.server_keys import LOGIN_TOKEN_SIGNING, shared_key


def _key(request: Request) -> bytes:
    state = request.app.state
    key: bytes | None = getattr(state, "login_token_key", None)
    if key is None:
        key = shared_key(state.db, LOGIN_TOKEN_SIGNING)
        state.login_token_key = key
    return key


def _signature(key: bytes, nonce: str) -> str:
    return hmac.new(key, b"desk-login:" + nonce.encode(), hashlib.sha256).hexdigest()


def new_token(request: Request) -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_signature(_key(request), nonce)}"


def is_signed(request: Request, token: str) -> bool:
    nonce, dot, signature = token.partition(".")
    if not dot or len(token) > 200:
        return False
    expected = _signature(_key(request), nonce)
    return hmac.compare_digest(signature.encode("utf-8", "replace"), expected.encode())


def matches(request: Request, form_token: str, cookie_token: str) -> bool:
    """The form's token is the cookie's and the server signed it."""
    same = hmac.compare_digest(
        form_token.encode("utf-8", "replace"), cookie_token.encode("utf-8", "replace")
    )
    return bool(cookie_token) and same and is_signed(request, cookie_token)
