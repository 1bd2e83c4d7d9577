"""Email values checked before anything is queued: recipients, sender names and addresses.

No CR, LF or other control character ever reaches a header (header injection), and an
address is one plain `local@domain` (no display name, no list, no comments)."""

from __future__ import annotations

import re

from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import width

MAX_HEADER_TEXT = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


class InvalidRecipient(InvalidInput):
    """An email that cannot be queued: no address, a malformed one, or a header injection."""


def header_text(raw: str, field: str) -> str:
    """Text for a header (a sender's name): one line, no control characters."""
    if _CONTROL.search(raw):
        raise InvalidRecipient(f"{field}: line breaks and control characters are not allowed")
    text = raw.strip()
    if len(text) > MAX_HEADER_TEXT:
        raise InvalidRecipient(f"{field}: at most {MAX_HEADER_TEXT} characters")
    return text


def address(raw: str, field: str) -> str:
    """One email address, checked; the message names `field` and why."""
    if _CONTROL.search(raw):
        raise InvalidRecipient(f"{field}: line breaks and control characters are not allowed")
    text = raw.strip()
    if not text:
        raise InvalidRecipient(f"{field}: no email address")
    if len(text) > width("email_outbox", "recipient") or _ADDRESS.fullmatch(text) is None:
        raise InvalidRecipient(f"{field}: {text[:80]!r} is not an email address")
    return text
