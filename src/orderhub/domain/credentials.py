"""Store credentials: generation, hashing and constant-time checks.

API keys are 50 random alphanumeric characters (~297 bits), so a single SHA-256 is enough
to keep a leaked database from revealing them: there is nothing to brute-force, and a slow
KDF would only cost latency on every request. The print-on-demand secret is different: the
server must know it to verify SHA-1 signatures, so it is stored as is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

API_KEY_LENGTH = 50
_ALPHABET = string.ascii_letters + string.digits


def new_api_key() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(API_KEY_LENGTH))


def hash_api_key(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def api_key_matches(presented: str, stored_hash: bytes) -> bool:
    return hmac.compare_digest(hash_api_key(presented), stored_hash)


def api_key_hint(key: str) -> str:
    """The last four characters, enough for an operator to tell keys apart."""
    return key[-4:]


def new_pod_app_id() -> str:
    return f"APP-{secrets.randbelow(10**8):08d}"


def new_pod_secret() -> str:
    return secrets.token_hex(20)
