"""Desk passwords: Argon2id hashes (argon2-cffi), generated passwords, and the rules a
password must meet. A login for an unknown email still costs one hash check, so response
times do not tell which emails have accounts."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from orderhub.domain.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 200
MAX_EMAIL = 255

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher.hash(password)


def verify_password(password: str, stored_hash: str | None) -> bool:
    """Constant-work check; `stored_hash` None (no such user) still runs one verification."""
    try:
        _hasher.verify(stored_hash or _DUMMY_HASH, password[:MAX_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def new_password() -> str:
    """About 120 bits, URL-safe, easy to paste."""
    return secrets.token_urlsafe(15)


def check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"password: must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"password: must be at most {MAX_LENGTH} characters")


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or len(email) > MAX_EMAIL or " " in email:
        raise InvalidInput(f"email: {raw.strip()[:80]!r} is not an email address")
    return email


ROLES = ("owner", "staff")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput("role: must be owner or staff")
    return role
