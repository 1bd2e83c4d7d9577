"""No secret reaches a log: a representative set of requests on both protocols, failures
included, with the access log and the application logs captured in both formats, then
searched for every secret the requests carried."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from orderhub.app import create_app
from orderhub.logs import JsonFormatter, TextFormatter
from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.helpers import make_settings, sample_order
from tests.pod.helpers import DOC_EXAMPLE, XML_ORDER, Pod, sha1

REDIS_PASSWORD = "r3dis-Pa55word-never-logged"
COOKIE = "session=c00kie-Value-never-logged"
BASIC_PASSWORD = "basic-Pa55word-never-logged"


@pytest.fixture
def captured() -> Iterator[StringIO]:
    """Every log line, formatted as text and as JSON, as a running server would write it."""
    stream = StringIO()
    handlers = []
    for formatter in (TextFormatter(), JsonFormatter()):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        handlers.append(handler)
    root = logging.getLogger()
    orderhub = logging.getLogger("orderhub")
    # The test's own HTTP client logs the URLs it calls (signatures included): not the
    # server's log.
    client_log = logging.getLogger("httpx")
    old_levels = root.level, orderhub.level, client_log.level
    root.setLevel(logging.DEBUG)
    orderhub.setLevel(logging.DEBUG)
    client_log.setLevel(logging.WARNING)
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield stream
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(old_levels[0])
        orderhub.setLevel(old_levels[1])
        client_log.setLevel(old_levels[2])


def test_no_secret_in_any_log_line(
    database: Database,
    make_store: Any,
    captured: StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An unreachable Redis with a password: the limiter and readiness both complain.
    settings = make_settings(
        rate_limit_capacity=100, redis_url=f"redis://:{REDIS_PASSWORD}@127.0.0.1:1/0"
    )
    store, victim = make_store("Logged"), make_store("Exploding")
    secrets = [store.api_key, store.pod_secret, victim.api_key, victim.pod_secret]
    secrets += [REDIS_PASSWORD, COOKIE.split("=", 1)[1], BASIC_PASSWORD]
    extra = {"Cookie": COOKIE, "Authorization": f"Basic user:{BASIC_PASSWORD}"}
    od = {"ORDERDESK-STORE-ID": str(store.store.id), "ORDERDESK-API-KEY": store.api_key, **extra}

    # The unreachable Redis below lets everything through; a memory limiter refuses.
    limited = make_settings(rate_limit_capacity=1, rate_limit_refill_per_second=0.01)
    with TestClient(create_app(limited, database=database)) as client:
        responses = [client.get("/api/v2/test", headers=od) for _ in range(2)]

    with TestClient(create_app(settings, database=database)) as client:
        pod = Pod(client, store)
        responses += [
            client.get("/api/v2/test", headers=od),
            client.post("/api/v2/orders", headers={**od, "Idempotency-Key": "k1"},
                        content=orjson.dumps(sample_order())),
            client.post("/api/v2/orders", headers=od, content=b'{"broken'),
            client.get("/api/v2/test", headers={**od, "ORDERDESK-API-KEY": store.api_key[::-1]}),
            client.post("/api/v2/orders", headers=od, content=b"x" * 2_000_000),
            client.get("/api/v2/orders?limit=5", headers=od),
            client.get("/readyz"),
        ]  # fmt: skip
        created = pod.post({**DOC_EXAMPLE, "external_id": "SECRET-TEST-1"})
        responses += [
            created,
            pod.post(XML_ORDER, content_type="application/xml"),
            pod.get("orders.php", limit=5),
            pod.get("order.php", id=created.json()["order"]["id"]),
            client.get(f"/api/orders/count.php?AppId={pod.app_id}&Signature={'0' * 40}"),
            pod.post(b"{not json"),
        ]
        signatures = re.findall(r"Signature=([0-9a-f]{40})", " ".join(
            str(r.request.url) for r in responses))  # fmt: skip
        # A failure deep inside: the traceback is logged, and must hold no secret either.
        monkeypatch.setattr(stores, "authenticate", _explode)
        monkeypatch.setattr(stores, "find_by_app_id", _explode)
        victim_od = {"ORDERDESK-STORE-ID": str(victim.store.id),
                     "ORDERDESK-API-KEY": victim.api_key, **extra}  # fmt: skip
        responses += [
            client.get("/api/v2/test", headers=victim_od),
            Pod(client, victim).get("orders/count.php"),
        ]
        body = orjson.dumps({**DOC_EXAMPLE, "external_id": "SECRET-TEST-2"})
        signatures.append(sha1(body, victim.pod_secret))
        responses.append(
            client.post(f"/api/orders.php?AppId={victim.store.pod_app_id}"
                        f"&Signature={signatures[-1]}", content=body)
        )  # fmt: skip

    statuses = [r.status_code for r in responses]
    assert 200 in statuses and 401 in statuses and 413 in statuses and 429 in statuses
    assert 500 in statuses and 503 in statuses
    logs = captured.getvalue()
    assert "orderhub.access" in logs and "Traceback" in logs and "storage exploded" in logs
    assert len(signatures) >= 5
    for secret in secrets + signatures:
        assert secret not in logs, f"a secret reached the logs: {secret[:4]}..."
        assert secret[:16] not in logs


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("storage exploded")
