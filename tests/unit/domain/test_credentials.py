"""API keys and print-on-demand ids (domain/credentials.py)."""

from __future__ import annotations

from orderhub.domain import credentials


def test_api_keys() -> None:
    key = credentials.new_api_key()
    assert len(key) == 50 and key.isalnum()
    stored = credentials.hash_api_key(key)
    assert key.encode() not in stored
    assert credentials.api_key_matches(key, stored)
    assert not credentials.api_key_matches(key[:-1] + "!", stored)
    assert credentials.new_pod_app_id().startswith("APP-")
    assert len(credentials.new_pod_app_id()) == 12
