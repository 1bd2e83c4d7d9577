"""Prometheus metrics: what the middleware counts per request, what is read at scrape time
(the notification outbox, the database pool), and the `/metrics` exposition.

With several worker processes (or a separate metrics port) prometheus-client runs in
multi-process mode: every process writes its samples to files in PROMETHEUS_MULTIPROC_DIR,
and whoever is scraped adds them up. `orderhub serve` makes that directory itself
(`multiprocess_directory`); a process that has died has its live gauges dropped when the
next scrape notices that its pid is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
    multiprocess,
    start_http_server,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event
from starlette.requests import Request
from starlette.responses import Response

from orderhub.config import Settings
from orderhub.storage import notifications
from orderhub.storage.database import Database

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "(unmatched)"
# Seconds; the API answers in a few ms, writes and big lists take longer.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_PID_IN_FILE = re.compile(r"_(\d+)\.db$")


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


class Instruments:
    """The process's metric objects, made once (see `instruments`)."""

    def __init__(self) -> None:
        self.requests = Counter(
            "orderhub_http_requests",
            "HTTP requests answered, by route template, method and status",
            ["route", "method", "status"],
            registry=None,
        )
        self.latency = Histogram(
            "orderhub_http_request_duration_seconds",
            "Time from the request's arrival to the end of its response",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=None,
        )
        self.rate_limited = Counter(
            "orderhub_rate_limited",
            "Requests refused by the per-store rate limit (429), by protocol",
            ["protocol"],
            registry=None,
        )
        self.database_unavailable = Counter(
            "orderhub_database_unavailable",
            "Requests answered 503 because the database could not be reached",
            registry=None,
        )
        self.pool_in_use = Gauge(
            "orderhub_db_pool_connections_in_use",
            "Database connections checked out of the pool (all live processes)",
            registry=None,
            multiprocess_mode="livesum",
        )
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def all(self) -> tuple[Collector, ...]:
        return (
            self.requests, self.latency, self.rate_limited, self.database_unavailable,
            self.pool_in_use,
        )  # fmt: skip

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """One request. The labelled children are cached: `labels()` takes a lock and
        builds a tuple each time, this is one dict lookup."""
        key = (route, method, status)
        children = self._children.get(key)
        if children is None:
            label = method if method in METHODS else "OTHER"
            children = (
                self.requests.labels(route, label, str(status)),
                self.latency.labels(route, label),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def watch_pool(self, db: Database) -> None:
        """Count checkouts and checkins of this database's pool (once per Database)."""
        if getattr(db, "_orderhub_pool_watched", False):
            return
        db._orderhub_pool_watched = True  # type: ignore[attr-defined]
        gauge = self.pool_in_use
        event.listen(db.engine, "checkout", lambda *_: gauge.inc())
        event.listen(db.engine, "checkin", lambda *_: gauge.dec())


@cache
def instruments() -> Instruments:
    """The process's instruments. prometheus-client picks its value store (memory or
    files) when it is first imported; a process that imported it before `serve` set
    PROMETHEUS_MULTIPROC_DIR must pick again before making any metric."""
    if multiprocess_dir() and values.ValueClass is values.MutexValue:
        values.ValueClass = values.get_value_class()
    return Instruments()


class OutboxCollector(Collector):
    """Undelivered, not failed notifications and the age of the oldest: one indexed query
    per scrape."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.db.read() as conn:
            pending, oldest = notifications.backlog(conn)
        age = 0.0
        if oldest is not None:
            age = max(0.0, (datetime.now(UTC).replace(tzinfo=None) - oldest).total_seconds())
        yield GaugeMetricFamily(
            "orderhub_outbox_pending", "Notifications waiting for delivery", value=pending
        )
        yield GaugeMetricFamily(
            "orderhub_outbox_oldest_pending_age_seconds",
            "Age of the oldest notification waiting for delivery (0 when none)",
            value=age,
        )


class LiveProcessesCollector(Collector):
    """The multi-process collector, after dropping the live gauges of workers that died
    (their pid no longer exists), so a restarted worker's pool does not count twice."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.inner = multiprocess.MultiProcessCollector(None, path)

    def collect(self) -> Iterable[Any]:
        for pid in _dead_pids(self.path):
            multiprocess.mark_process_dead(pid, self.path)
        return self.inner.collect()


def _dead_pids(path: str) -> set[int]:
    pids = set()
    for name in os.listdir(path):
        found = _PID_IN_FILE.search(name)
        if found and name.startswith("gauge_live"):
            pids.add(int(found.group(1)))
    return {pid for pid in pids if not _alive(pid)}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_registry(db: Database) -> CollectorRegistry:
    """What a scrape returns: this process's instruments (or every process's, in
    multi-process mode) and the outbox read from the database."""
    registry = CollectorRegistry(auto_describe=True)
    path = multiprocess_dir()
    if path:
        registry.register(LiveProcessesCollector(path))
    else:
        for collector in instruments().all():
            registry.register(collector)
        ProcessCollector(registry=registry)
    registry.register(OutboxCollector(db))
    return registry


def endpoint(registry: CollectorRegistry) -> Any:
    """The `/metrics` handler (a plain function: FastAPI runs it in the thread pool, so the
    outbox query never blocks the event loop)."""

    def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return metrics


def mark_this_process_dead() -> None:
    path = multiprocess_dir()
    if path:
        multiprocess.mark_process_dead(os.getpid(), path)


@contextmanager
def multiprocess_directory() -> Iterator[str]:
    """PROMETHEUS_MULTIPROC_DIR for the life of a server: the operator's own (emptied of
    the last run's files), or a temporary directory removed afterwards."""
    given = multiprocess_dir()
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        yield given
        return
    path = tempfile.mkdtemp(prefix="orderhub-metrics-")
    os.environ[MULTIPROC_ENV] = path
    try:
        yield path
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def serving(settings: Settings, host: str, workers: int) -> Iterator[None]:
    """Metrics around `orderhub serve`. Samples go to files (multi-process mode) when more
    than one process counts, or when this supervising process serves the separate
    ORDERHUB_METRICS_PORT: one collector there, whatever the number of workers."""
    port = settings.metrics_port
    if settings.metrics != "on" or (workers <= 1 and port is None):
        yield
        return
    with multiprocess_directory():
        if port is None:
            yield
            return
        db = Database(settings.effective_database_url, pool_size=1, max_overflow=1)
        server, _thread = start_http_server(port, addr=host, registry=build_registry(db))
        try:
            yield
        finally:
            server.shutdown()
            server.server_close()
            db.dispose()
