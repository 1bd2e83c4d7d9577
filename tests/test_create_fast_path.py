"""`POST /api/v2/orders` answers the same with the compiled schema (protocol/orderdesk/
bulk_schema.py `order_of`) as without it: for the importer's corpus of good and hostile
bodies, the same statuses and the same bodies, byte for byte but for the moment of the request
(`execution_time`, `date_updated`, a `date_added` not given). Each side runs in a fresh
database of its own, so ids and folders are the same on both.

tests/unit/protocol/orderdesk/test_bulk_schema.py compares the two orders themselves."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from orderhub.api.orderdesk.routes import orders as order_routes
from orderhub.app import create_app
from orderhub.domain.orders import Order
from orderhub.protocol.orderdesk import bulk_schema
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database
from tests.helpers import OrderDesk, make_settings
from tests.test_import_fast_path import LINES

_FAST_ONE = re.compile(rb'"fast-1"')
_MOMENT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def bodies() -> list[bytes]:
    """The corpus, each good body with a source id of its own (else all but the first would
    be duplicates); every body the compiled schema takes and every third other one."""
    found = []
    for number, line in enumerate(LINES):
        if bulk_schema.order_of(line) is not None or number % 3 == 0:
            found.append(_FAST_ONE.sub(b'"fast-%d"' % number, line, count=1))
    return found


BODIES = bodies()


def _moment(value: Any, now: datetime) -> bool:
    if not isinstance(value, str) or _MOMENT.fullmatch(value) is None:
        return False
    return abs(datetime.fromisoformat(value) - now) < timedelta(days=1)


def comparable(status: int, body: bytes, now: datetime) -> tuple[int, Any]:
    """The answer without what depends on the moment of the request."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return status, body
    if isinstance(data, dict):
        data.pop("execution_time", None)
        order = data.get("order")
        if isinstance(order, dict):
            order["date_updated"] = None
            if _moment(order.get("date_added"), now):
                order["date_added"] = "now"
    return status, data


def extra_requests(od: OrderDesk) -> Iterator[tuple[int, bytes, str | None]]:
    """Besides the corpus: empty bodies, another content type, Idempotency-Key's replay and
    refusal (the key's fingerprint is made of the raw body)."""
    good = BODIES[0].replace(b'"fast-0"', b'"fast-extra"')
    for content, headers in [
        (b"", {}),
        (b" \r\n\t ", {}),
        (good.replace(b"fast-extra", b"fast-form"), {"Content-Type": "application/x-www-form"}),
        (good, {"Idempotency-Key": "k1"}),
        (good, {"Idempotency-Key": "k1"}),
        (good + b" ", {"Idempotency-Key": "k1"}),
        (good, {"Idempotency-Key": "k2"}),
    ]:
        response = od.post("/orders", content=content, headers=headers)
        yield response.status_code, response.content, response.headers.get("Idempotent-Replayed")


def answers(url: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], int]:
    """Every answer of a fresh server, and how many bodies the compiled schema took."""
    taken = 0

    def counted(body: bytes) -> Order | None:
        nonlocal taken
        order = order_of(body)
        taken += order is not None
        return order

    order_of = bulk_schema.order_of
    monkeypatch.setattr(order_routes, "FAST_BODY", fast)
    monkeypatch.setattr(bulk_schema, "order_of", counted)
    db = Database(url)
    try:
        migrate.upgrade(db)
        with db.write() as conn:
            store = stores.create_store(conn, "Fast or not")
        found = []
        with TestClient(create_app(make_settings(), database=db)) as client:
            od = OrderDesk(client, store)
            now = datetime.now(UTC).replace(tzinfo=None)
            for body in BODIES:
                response = od.post("/orders", content=body)
                found.append(comparable(response.status_code, response.content, now))
            found += [
                (comparable(status, body, now), replayed)
                for status, body, replayed in extra_requests(od)
            ]
    finally:
        db.dispose()
        monkeypatch.undo()
    return found, taken


def test_the_same_answers_with_and_without_the_compiled_schema(
    backend: str, fresh_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, none_taken = answers(fresh_database_url(backend), False, monkeypatch)
    fast, taken = answers(fresh_database_url(backend), True, monkeypatch)
    assert none_taken == 0
    for body, expected, got in zip(BODIES, slow, fast, strict=False):
        assert got == expected, body
    assert fast == slow
    # Both paths are really exercised: most taken bodies are created, and many are refused.
    statuses = [status for status, _ in fast[: len(BODIES)]]
    assert [replayed for _, replayed in fast[len(BODIES) :]] == [None] * 4 + ["true"] + [None] * 2
    assert taken > 1000
    assert statuses.count(200) > 1000
    assert statuses.count(400) > 500
    assert 500 not in statuses
