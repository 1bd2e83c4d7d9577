"""Signature rules and the vectors of the wire reference (§2)."""

from __future__ import annotations

import pytest

from orderhub.protocol.pod.signature import sign, split_signature, verify


@pytest.mark.parametrize(
    ("payload", "secret", "expected"),
    [
        ('{"hello":"värld"}', "secret-value", "0b05d949baef09b3975732b383c336a0e251ab03"),
        (
            "AppId=APP-test&created_at_min=2026-07-17T00%3A00%3A00.000Z&format=json&limit=250&page=1",
            "secret-value",
            "69499b068b24f6091c6b9264f356cbaea77af456",
        ),
        ("AppId=APP-00146434", "secret", "3fbea9c084999b967693032a74cae3cebc4ddbf9"),
    ],
)
def test_reference_vectors(payload: str, secret: str, expected: str) -> None:
    assert sign(payload.encode("utf-8"), secret) == expected
    assert verify(payload.encode("utf-8"), secret, expected.upper())


@pytest.mark.parametrize(
    ("raw", "unsigned", "signature"),
    [
        (b"AppId=A&id=5&Signature=abc", b"AppId=A&id=5", "abc"),
        (b"AppId=A&Signature=abc&id=5", b"AppId=A&id=5", "abc"),
        (b"Signature=abc&AppId=A", b"AppId=A", "abc"),
        (b"AppId=A&created_at_min=2026-07-16T08%3A00%3A00.000Z&Signature=x",
         b"AppId=A&created_at_min=2026-07-16T08%3A00%3A00.000Z", "x"),
        (b"AppId=A", b"AppId=A", None),
    ],
)  # fmt: skip
def test_signature_pair_is_removed_wherever_it_stands(
    raw: bytes, unsigned: bytes, signature: str | None
) -> None:
    assert split_signature(raw) == (unsigned, signature)


def test_whitespace_and_order_matter() -> None:
    assert sign(b'{"a":1}', "s") != sign(b'{ "a": 1 }', "s")
    assert sign(b"AppId=X&page=1", "s") != sign(b"page=1&AppId=X", "s")
