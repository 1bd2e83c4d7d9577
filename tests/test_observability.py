"""Watching the service run, in process: /healthz, /readyz, /metrics, request ids, the
access log, and the last-resort answers (500, client gone mid-body, slow body)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import update

from orderhub.api import metrics
from orderhub.app import create_app
from orderhub.domain.dates import utcnow
from orderhub.logs import JsonFormatter, TextFormatter
from orderhub.storage import migrate, notifications, stores
from orderhub.storage.database import Database
from orderhub.storage.notification_tables import notifications as outbox
from tests.conftest import REDIS_URL, service_missing
from tests.helpers import make_settings
from tests.pod.helpers import Pod


def creds(store: stores.NewStore) -> dict[str, str]:
    return {"ORDERDESK-STORE-ID": str(store.store.id), "ORDERDESK-API-KEY": store.api_key}


@pytest.fixture
def make_client(database: Database) -> Iterator[Any]:
    opened: list[TestClient] = []

    def make(**settings: Any) -> TestClient:
        client = TestClient(create_app(make_settings(**settings), database=database))
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, value = line.rsplit(" ", 1)
        if series == name or (
            series.startswith(name + "{") and all(f'{k}="{v}"' in series for k, v in labels.items())
        ):
            return float(value)
    return 0.0


# -- health -------------------------------------------------------------------------------


def test_healthz_says_ok_and_nothing_else(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_ok_when_database_is_at_head(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_503_when_the_schema_is_not_at_head(backend: str, fresh_database_url: Any) -> None:
    db = Database(fresh_database_url(backend))
    migrate.upgrade(db)
    app = create_app(make_settings(), database=db)
    with db.write() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dfeed0000'")
    try:
        with TestClient(app) as client:
            response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body == {
            "status": "unavailable",
            "reason": "database schema is not at the code's migration head",
        }
        assert "f00dfeed" not in response.text
    finally:
        db.dispose()


def test_readyz_503_when_the_database_is_unreachable(client: TestClient) -> None:
    from orderhub.api.health import Readiness

    dead = Database("postgresql+psycopg://orderhub:hunter2@127.0.0.1:1/nowhere")
    readiness = Readiness(dead, None)
    assert asyncio.run(readiness.problem()) == "database unreachable"
    dead.dispose()


def test_readyz_503_when_redis_is_configured_but_unreachable(
    make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(redis_url="redis://:s3cretRedisPass@127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "redis unreachable"}
    for leak in ("127.0.0.1", "s3cretRedisPass", "redis://"):
        assert leak not in response.text
    assert "s3cretRedisPass" not in caplog.text


@pytest.mark.redis
def test_readyz_ok_with_reachable_redis(make_client: Any) -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis not reachable at ORDERHUB_TEST_REDIS_URL: {exc}")
    client = make_client(redis_url=REDIS_URL)
    assert client.get("/readyz").status_code == 200


def test_readyz_checks_at_most_once_a_second(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orderhub.api import health

    checks = []
    real = health.schema_state
    monkeypatch.setattr(health, "schema_state", lambda db: checks.append(1) or real(db))
    client = make_client()
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    assert len(checks) == 1


# -- metrics ------------------------------------------------------------------------------


def test_metrics_count_requests_by_route_template(make_client: Any, store: stores.NewStore) -> None:
    client = make_client()
    before = client.get("/metrics").text
    labels = {"route": "/api/v2/orders/{order_id}", "method": "GET", "status": "404"}
    for order_id in (987654321, 987654322):
        assert client.get(f"/api/v2/orders/{order_id}", headers=creds(store)).status_code == 404
    assert client.get("/no/such/path").status_code == 404
    after = client.get("/metrics")
    assert after.status_code == 200
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text
    name = "orderhub_http_requests_total"
    assert sample(text, name, **labels) - sample(before, name, **labels) == 2
    assert "987654321" not in text  # never the raw path
    assert sample(text, name, route="(unmatched)", status="404") >= 1
    histogram = "orderhub_http_request_duration_seconds_count"
    route = {"route": "/api/v2/orders/{order_id}", "method": "GET"}
    assert sample(text, histogram, **route) - sample(before, histogram, **route) == 2
    assert 'le="0.005"' in text


def test_metrics_count_rate_limit_refusals_by_protocol(make_client: Any, make_store: Any) -> None:
    client = make_client(rate_limit_capacity=1, rate_limit_refill_per_second=0.01)
    store = make_store()
    name, labels = "orderhub_rate_limited_total", {"protocol": "orderdesk"}
    before = sample(client.get("/metrics").text, name, **labels)
    statuses = [client.get("/api/v2/test", headers=creds(store)).status_code for _ in range(3)]
    assert statuses == [200, 429, 429]
    assert sample(client.get("/metrics").text, name, **labels) - before == 2


def test_metrics_show_the_outbox_backlog_and_its_oldest_age(
    make_client: Any, make_store: Any, database: Database
) -> None:
    client = make_client()
    before = sample(client.get("/metrics").text, "orderhub_outbox_pending")
    store = make_store(settings={"pod_notification_url": "http://127.0.0.1:1/hook"})
    with database.write() as conn:
        notifications.enqueue(conn, store.store.id, 1, "order.updated")
        conn.execute(
            update(outbox)
            .where(outbox.c.store_id == store.store.id)
            .values(created_at=utcnow() - timedelta(hours=2))
        )
    try:
        text = client.get("/metrics").text
        assert sample(text, "orderhub_outbox_pending") == before + 1
        assert sample(text, "orderhub_outbox_oldest_pending_age_seconds") >= 7200
    finally:
        with database.write() as conn:
            conn.execute(
                update(outbox).where(outbox.c.store_id == store.store.id).values(failed_at=utcnow())
            )
    assert sample(client.get("/metrics").text, "orderhub_outbox_pending") == before


def test_metrics_show_database_connections_in_use(make_client: Any, database: Database) -> None:
    client = make_client()
    name = "orderhub_db_pool_connections_in_use"
    before = sample(client.get("/metrics").text, name)
    with database.engine.connect():
        assert sample(client.get("/metrics").text, name) == before + 1
    assert sample(client.get("/metrics").text, name) == before


def test_metrics_off_and_metrics_on_their_own_port(make_client: Any) -> None:
    assert make_client(metrics="off").get("/metrics").status_code == 404
    assert make_client(metrics_port=9464).get("/metrics").status_code == 404


def test_dead_workers_live_gauges_are_dropped(tmp_path: Any) -> None:
    from prometheus_client.mmap_dict import MmapedDict

    dead_pid = 2**22 + 12345  # above the default pid_max: no such process
    stale = tmp_path / f"gauge_livesum_{dead_pid}.db"
    mine = tmp_path / f"gauge_livesum_{os.getpid()}.db"
    for path in (stale, mine):
        MmapedDict(str(path)).close()
    list(metrics.LiveProcessesCollector(str(tmp_path)).collect())
    assert not stale.exists() and mine.exists()


def test_multiprocess_directory_is_made_and_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(metrics.MULTIPROC_ENV, raising=False)
    with metrics.multiprocess_directory() as path:
        assert os.environ[metrics.MULTIPROC_ENV] == path and os.path.isdir(path)
    assert metrics.MULTIPROC_ENV not in os.environ and not os.path.exists(path)


def test_an_operators_multiprocess_directory_is_emptied_at_start(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "counter_1.db").write_bytes(b"old")
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    with metrics.multiprocess_directory() as path:
        assert path == str(tmp_path) and list(tmp_path.iterdir()) == []
    assert tmp_path.exists()


# -- request ids and the access log -------------------------------------------------------


def test_every_response_carries_a_request_id(client: TestClient, store: stores.NewStore) -> None:
    for response in (
        client.get("/api/v2/test", headers=creds(store)),
        client.get("/api/v2/test"),  # 401
        client.get("/nowhere"),  # 404
        client.post("/api/v2/orders", headers=creds(store), content=b"x" * 2_000_000),  # 413
        client.get("/api/orders.php"),  # print-on-demand error
    ):
        assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"]), response


def test_a_sane_client_request_id_is_kept_others_are_replaced(client: TestClient) -> None:
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a:42"})
    assert kept.headers["X-Request-ID"] == "edge-7f3a:42"
    for bad in ("x" * 129, "has space", "tab\there", "caf\u00e9"):
        response = client.get("/healthz", headers={"X-Request-ID": bad.encode("utf-8")})
        assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"]), bad


def test_access_log_line(
    client: TestClient, store: stores.NewStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="orderhub.access")
    client.get("/api/v2/orders/424242?x=1", headers={**creds(store), "X-Request-ID": "rid-1"})
    lines = [r for r in caplog.records if r.name == "orderhub.access"]
    assert len(lines) == 1
    record = lines[0]
    assert record.request_id == "rid-1"  # type: ignore[attr-defined]
    assert record.fields["route"] == "/api/v2/orders/{order_id}"  # type: ignore[attr-defined]
    assert record.fields["status"] == 404 and record.fields["method"] == "GET"  # type: ignore[attr-defined]
    assert record.fields["store_id"] == store.store.id  # type: ignore[attr-defined]
    assert record.fields["duration_ms"] >= 0  # type: ignore[attr-defined]
    text = TextFormatter().format(record)
    assert re.search(
        rf"INFO orderhub.access \[rid-1\] GET /api/v2/orders/{{order_id}} 404 [\d.]+ms "
        rf"store={store.store.id}$",
        text,
    ), text
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "rid-1" and line["route"] == "/api/v2/orders/{order_id}"
    assert {"time", "level", "logger", "message", "status", "duration_ms", "store_id"} <= set(line)


def test_pod_requests_log_their_store(
    client: TestClient, store: stores.NewStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="orderhub.access")
    Pod(client, store).get("orders/count.php")
    [record] = [r for r in caplog.records if r.name == "orderhub.access"]
    assert record.fields["route"] == "/api/orders/count.php"  # type: ignore[attr-defined]
    assert record.fields["store_id"] == store.store.id  # type: ignore[attr-defined]


def test_access_log_off(make_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="orderhub.access")
    make_client(access_log="off").get("/healthz")
    assert [r for r in caplog.records if r.name == "orderhub.access"] == []


def test_application_logs_carry_the_request_id_in_json() -> None:
    from orderhub.logs import REQUEST_ID

    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("orderhub.test-json")
    logger.addHandler(handler)
    token = REQUEST_ID.set("rid-json")
    try:
        logger.warning("something %s", "happened")
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        REQUEST_ID.reset(token)
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "something happened" and first["request_id"] == "rid-json"
    assert first["level"] == "WARNING" and first["logger"] == "orderhub.test-json"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["time"])
    assert "ValueError: boom" in second["exception"]


# -- the last resort ----------------------------------------------------------------------


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("storage exploded")


def test_unexpected_error_is_a_500_with_connection_close_in_orderdesk_shape(
    client: TestClient,
    make_store: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = make_store()  # not in the credential cache: authentication queries the database
    monkeypatch.setattr(stores, "authenticate", _explode)
    response = client.get("/api/v2/test", headers=creds(store))
    assert response.status_code == 500
    assert response.headers["Connection"] == "close"
    request_id = response.headers["X-Request-ID"]
    body = response.json()
    assert body["status"] == "error"
    assert body["message"] == f"Internal error; see the server log (request id {request_id})"
    assert "changed nothing" not in response.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert "storage exploded" in caplog.text


def test_unexpected_error_in_print_on_demand_shape(
    client: TestClient, make_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pod = Pod(client, make_store())
    monkeypatch.setattr(stores, "find_by_app_id", _explode)
    response = pod.get("orders/count.php")
    assert response.headers["Connection"] == "close"
    request_id = response.headers["X-Request-ID"]
    assert response.json() == {
        "error": f"Internal error; see the server log (request id {request_id})"
    }


async def _call(app: Any, path: str, headers: dict[str, str], chunks: list[Any]) -> list[Any]:
    """Runs one POST through the ASGI app; `chunks` are what `receive` returns in turn
    (None: wait forever)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "server": ("test", 80), "client": ("test", 1), "state": {},
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    pending = list(chunks)
    sent: list[Any] = []

    async def receive() -> Any:
        if not pending:
            return {"type": "http.disconnect"}
        chunk = pending.pop(0)
        if chunk is None:
            await asyncio.Event().wait()
        return chunk

    async def send(message: Any) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def test_client_leaving_mid_body_logs_one_quiet_line(
    database: Database, store: stores.NewStore, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(make_settings(), database=database)
    caplog.clear()  # what starting the app said is not the request's (tests/test_startup_checks.py)
    headers = {**creds(store), "Content-Length": "500", "Content-Type": "application/json"}
    partial = {"type": "http.request", "body": b'{"source_id": "x", ', "more_body": True}
    caplog.set_level(logging.INFO)
    sent = asyncio.run(
        _call(app, "/api/v2/orders", headers, [partial, {"type": "http.disconnect"}])
    )
    assert sent == []
    mine = [r for r in caplog.records if r.name == "orderhub.requests"]
    assert len(mine) == 1 and mine[0].levelno == logging.INFO and mine[0].exc_info is None
    assert "before sending the whole request body" in mine[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Traceback" not in caplog.text
    [access] = [r for r in caplog.records if r.name == "orderhub.access"]
    assert access.fields["status"] == 499  # type: ignore[attr-defined]


def test_a_stalled_body_gets_408_and_connection_close(
    database: Database, store: stores.NewStore
) -> None:
    app = create_app(make_settings(body_timeout_seconds=0.2), database=database)
    headers = {**creds(store), "Content-Length": "500", "Content-Type": "application/json"}
    partial = {"type": "http.request", "body": b'{"source_id": ', "more_body": True}
    sent = asyncio.run(asyncio.wait_for(_call(app, "/api/v2/orders", headers, [partial, None]), 5))
    start = sent[0]
    assert start["status"] == 408
    assert (b"connection", b"close") in start["headers"]
    assert b"not received within 0.2 seconds" in sent[1]["body"]
