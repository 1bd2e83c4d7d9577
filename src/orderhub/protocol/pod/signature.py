"""The print-on-demand request signature, shared by the server, the client and the forwarder.

Lower-case hex SHA-1 of the payload followed by the secret. The payload is the raw body for
POST, and for GET and DELETE the raw query string as sent, with the `Signature` pair removed
wherever it stands (nothing re-encoded, nothing re-ordered).
"""

from __future__ import annotations

import hashlib
import hmac


def sign(payload: bytes, secret: str) -> str:
    return hashlib.sha1(payload + secret.encode("utf-8"), usedforsecurity=False).hexdigest()


def split_signature(raw_query: bytes) -> tuple[bytes, str | None]:
    """(the query without its Signature pair, the signature sent)."""
    kept, signature = [], None
    for pair in raw_query.split(b"&"):
        if pair.startswith(b"Signature="):
            signature = pair[len(b"Signature=") :].decode("latin-1")
        elif pair:
            kept.append(pair)
    return b"&".join(kept), signature


def verify(payload: bytes, secret: str, presented: str) -> bool:
    return hmac.compare_digest(sign(payload, secret), presented.strip().lower())
