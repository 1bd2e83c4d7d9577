"""The webhook POST's signature: hex HMAC-SHA256 of the signed bytes with the secret."""

from __future__ import annotations

from orderhub.protocol.orderdesk.webhook import FORMATS, sign


def test_signature_is_hmac_sha256_hex() -> None:
    # RFC 4231 test case 2.
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert sign(b"what do ya want for nothing?", "Jefe") == expected


def test_the_formats_an_endpoint_may_choose() -> None:
    assert FORMATS == ("form", "json")
