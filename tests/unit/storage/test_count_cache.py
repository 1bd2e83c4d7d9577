"""The per-process count cache (storage/count_cache.py)."""

from __future__ import annotations


def test_count_cache_is_exact_within_a_process() -> None:
    from orderhub.storage.count_cache import CountCache, bump

    calls = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    cache = CountCache(ttl=60)
    assert cache.get_or_count(7, "all", count) == 1
    assert cache.get_or_count(7, "all", count) == 1  # reused
    assert cache.get_or_count(7, "other filter", count) == 2
    bump(7)  # an order of store 7 changed in this process
    assert cache.get_or_count(7, "all", count) == 3
    assert CountCache(ttl=0).get_or_count(7, "all", count) == 4  # switched off
