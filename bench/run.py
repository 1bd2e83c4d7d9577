"""orderhub benchmark: every scenario on SQLite and PostgreSQL, with two reference floors
measured in the same run, written to bench/results/ as JSON and Markdown.

    make bench                          # full run (1M-order store; ~15-25 min on 2 cores)
    .venv/bin/python bench/run.py --quick   # small stores, short runs (a smoke test)

Everything runs on loopback. The server is `orderhub serve` in a subprocess; load comes
from wrk (bench/setup.sh installs it); seeding uses the same bulk path as
`orderhub orders import`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg

from orderhub.composition import compose
from orderhub.domain.channel import Channel
from orderhub.orderfiles import run_import
from orderhub.protocol.orderdesk.cursor import encode_cursor
from orderhub.services import rules as rule_service
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "lua"
RESULTS = ROOT / "bench" / "results"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# Targets: × http_ceiling of the same run, or absolute where the scenario has no ceiling.
# The reads' and the writes' are issue 23's (writes at the speed of the database).
TARGETS: dict[str, dict[str, Any]] = {
    "get_order": {
        "ceiling": {"sqlite": 0.80, "postgres": 0.55},
        "p99_ms": {"sqlite": 25, "postgres": 40},
        "exec_ms": 1,
    },
    "list_50": {"ceiling": {"sqlite": 0.20, "postgres": 0.12}},
    "post_order": {
        "ceiling": {"sqlite": 0.30, "postgres": 0.20},
        "p99_ms": {"sqlite": 60, "postgres": 80},
    },
    # 20 enabled rules on the store, none matching: at least 0.9 × post_order of the same run.
    "post_order_rules20": {"vs": ("post_order", 0.9)},
    "pod_post_json": {"ceiling": {"sqlite": 0.25, "postgres": 0.15}},
    "pod_post_xml": {"ceiling": {"sqlite": 0.25, "postgres": 0.15}},
    "pod_list_250": {"ceiling": {"sqlite": 0.05, "postgres": 0.03}},
    "batch_shipments_100": {"shipments_per_s": {"sqlite": 2000, "postgres": 1000}},
    "bulk_import": {"orders_per_s": {"sqlite": 20000, "postgres": 15000}},
    "deep_page": {"ratio_max": 10},
    "filtered_count": {"exec_ms": 50},
    "memory": {"worker_rss_mb": 200},
}  # fmt: skip
# Every scenario --scenarios may name; bulk_import (seeding the stores) always runs.
SCENARIOS = (
    "http_ceiling", "get_order", "list_50", "post_order", "post_order_rules20", "pod_post_json",
    "pod_post_xml", "pod_list_250", "batch_shipments_100", "deep_page",
)  # fmt: skip


@dataclass
class Result:
    scenario: str
    backend: str
    rps: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    requests: int = 0
    exec_ms_median: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machine_facts() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "commit": commit + ("+dirty" if dirty else ""),
    }


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        tmp = Path(tempfile.mkdtemp(prefix="orderhub-bench-"))
        try:
            yield f"sqlite:///{tmp / 'bench.db'}"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    name = f"orderhub_bench_{secrets.token_hex(3)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def order_line(i: int, tag: str) -> bytes:
    return orjson.dumps(
        {
            "source_id": f"{tag}-{i}",
            "source_name": "Seed",
            "email": f"c{i % 5000}@example.com",
            "date_added": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:00:00",
            "shipping_total": 4.5,
            "shipping": {
                "first_name": "Seed",
                "last_name": f"Customer{i % 997}",
                "address1": "1 Main St",
                "city": "Springfield",
                "postal_code": "62701",
                "country": "US",
            },
            "order_items": [
                {"name": "T-Shirt", "code": "TS-1", "price": 19.99, "quantity": 2, "weight": 0.5},
                {"name": "Mug", "code": "MUG-1", "price": 7.25, "quantity": 1, "weight": 1.25},
                {"name": "Sticker", "code": "ST-1", "price": 1.5, "quantity": 4},
            ],
        }
    )


def seed(db: Database, store_id: int, count: int, tag: str, workdir: Path) -> float:
    """Seed `count` orders through the CLI import path; returns orders per second."""
    path = workdir / f"{tag}.jsonl"
    with path.open("wb") as f:
        for i in range(count):
            f.write(order_line(i, tag) + b"\n")
    started = time.perf_counter()
    summary = run_import(db, store_id, path, "jsonl", quiet=True)
    elapsed = time.perf_counter() - started
    path.unlink()
    if summary.imported != count:
        raise RuntimeError(
            f"seeding imported {summary.imported} of {count}: {summary.rejected[:3]}"
        )
    return count / elapsed


def add_idle_rules(db: Database, store: stores.NewStore, count: int) -> None:
    """`count` enabled order.created rules that match no bench order (a country it never
    ships to, then a second condition): each is compiled and tested on every create."""
    specs = [
        {"name": f"idle {i}", "event": "order.created", "match": "all",
         "conditions": [{"field": "shipping.country", "op": "equals", "value": f"Z{i}"},
                        {"field": "order_items.code", "op": "starts_with", "value": "NONE-"}],
         "actions": [{"action": "add_note", "text": "never"}]}
        for i in range(count)
    ]  # fmt: skip
    rule_service.import_rules(db, store.store, specs, replace=True, channel=Channel.cli())


def new_store(db: Database, name: str) -> stores.NewStore:
    with db.write() as conn:
        return stores.create_store(conn, name, settings={"rate_limit_capacity": 0})


@contextmanager
def server(
    url: str, workers: int, log_path: Path, *, environ: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    """`orderhub serve` with its access log as JSON lines in `log_path` (the server's own
    time per request, for the scenarios timed one request at a time). `environ` replaces
    this process's environment as the base (bench/ab.py points PYTHONPATH elsewhere)."""
    port = free_port()
    env = {
        **(os.environ if environ is None else environ),
        "ORDERHUB_DATABASE_URL": url,
        "ORDERHUB_RATE_LIMIT_CAPACITY": "0",
        "ORDERHUB_DB_POOL_SIZE": "16",
        "ORDERHUB_ACCESS_LOG": "json",
    }
    log_file = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "orderhub", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/docs", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("orderhub did not start")
    try:
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log_file.close()


def worker_rss_mb(parent: int) -> list[float]:
    """Resident memory (VmRSS) of each process the server started, in MB."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != parent:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                found.append(round(int(line.split()[1]) / 1024, 1))
    return sorted(found) or ([] if parent == os.getpid() else worker_rss_mb_of(parent))


def worker_rss_mb_of(pid: int) -> list[float]:
    """A single-process server (--workers 1) serves from the parent itself."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return [round(int(line.split()[1]) / 1024, 1)]
    return []


def wrk(
    base: str,
    script: str,
    env: dict[str, str],
    *,
    seconds: int,
    connections: int,
    threads: int = 2,
) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA / script),
        base,
    ]
    out = subprocess.run(
        command,
        env={**os.environ, **env, "BENCH_LUA_DIR": str(LUA)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    data: dict[str, Any] = json.loads(line[len("WRKJSON ") :])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = sum(
        data[k]
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return data


def exec_times(base: str, path: str, headers: dict[str, str], n: int = 50) -> list[float]:
    """Server-reported `execution_time` of n sequential requests, in ms."""
    times = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in range(n):
            body = client.get(path).json()
            times.append(float(body["execution_time"].split()[0]) * 1000)
    return times


def load_scenario(
    name: str, backend: str, base: str, script: str, env: dict[str, str], args: argparse.Namespace
) -> Result:
    # A batch of 100 writes takes a while: fewer connections, so requests finish in the run.
    connections = 4 if name.startswith("batch") else args.connections
    wrk(base, script, env, seconds=2, connections=connections)  # warm-up, discarded
    data = wrk(base, script, env, seconds=args.seconds, connections=connections)
    return Result(
        scenario=name,
        backend=backend,
        rps=round(data["rps"], 1),
        extra={"connections": connections} if connections != args.connections else {},
        p50_ms=round(data["p50_us"] / 1000, 2),
        p95_ms=round(data["p95_us"] / 1000, 2),
        p99_ms=round(data["p99_us"] / 1000, 2),
        errors=data["errors"],
        requests=data["requests"],
    )


def storage_floor(url: str) -> dict[str, float]:
    """The same order rows (an order and its 3 items) written one order per transaction and
    read back by id, straight through the DB-API driver (sqlite3 / psycopg) with plain
    parameterised SQL, in one process: what the database and driver cost with nothing of
    orderhub's on top."""
    from orderhub.domain.orders import Item, Order, apply_totals
    from orderhub.storage.bulk import converter
    from orderhub.storage.orders import item_row_values, order_row_values
    from orderhub.storage.tables import order_items, orders

    n = 5000
    db = Database(url)
    store = new_store(db, "floor")
    with db.read() as conn:
        folder_id = stores.default_folder(conn, store.store.id).id
        dialect = conn.dialect
    template = Order(
        items=[Item(name="T", price=Decimal("19.99"), quantity=2) for _ in range(3)],
        shipping={"first_name": "A", "last_name": "B"},
    )
    apply_totals(template)
    order_row = converter(dialect, orders)(
        {
            **order_row_values(template),
            "store_id": store.store.id,
            "folder_id": folder_id,
            "source_name": "floor",
            "date_added": dt.datetime(2025, 1, 1),
            "date_updated": dt.datetime(2025, 1, 1),
        }
    )
    item_rows = [
        converter(dialect, order_items)(
            {**item_row_values(item), "store_id": store.store.id, "position": position}
        )
        for position, item in enumerate(template.items)
    ]
    mark = "?" if db.is_sqlite else "%s"

    def sql_insert(table: str, columns: list[str], returning: str = "") -> str:
        marks = ", ".join(mark for _ in columns)
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){returning}"

    order_columns = [*order_row, "source_id"]
    item_columns = [*item_rows[0], "order_id"]
    insert_order = sql_insert("orders", order_columns, " RETURNING id")
    insert_item = sql_insert("order_items", item_columns)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        analyze(raw, db.is_sqlite)
        ids = []
        started = time.perf_counter()
        for i in range(n):
            if db.is_sqlite:
                cursor.execute("BEGIN IMMEDIATE")  # see batched_writes
            cursor.execute(insert_order, [*order_row.values(), str(i)])
            oid = cursor.fetchone()[0]
            cursor.executemany(insert_item, [[*row.values(), oid] for row in item_rows])
            raw.commit()
            ids.append(oid)
        insert_rate = n / (time.perf_counter() - started)
        started = time.perf_counter()
        for oid in ids:
            cursor.execute(f"SELECT * FROM orders WHERE id = {mark}", [oid])
            cursor.fetchone()
            cursor.execute(f"SELECT * FROM order_items WHERE order_id = {mark}", [oid])
            cursor.fetchall()
            raw.commit()
        read_rate = n / (time.perf_counter() - started)
        analyze(raw, db.is_sqlite)
        batched_rate = batched_writes(raw, db.is_sqlite, order_row, item_rows)
    finally:
        raw.close()
        db.dispose()
    return {
        "insert_orders_per_s": round(insert_rate, 1),
        "read_orders_per_s": round(read_rate, 1),
        "batched_insert_orders_per_s": round(batched_rate, 1),
    }


def analyze(raw: Any, is_sqlite: bool) -> None:
    """Statistics, as a running database has them (the import refreshes them as it goes).
    Without any, PostgreSQL costs every index of a fresh table alike and may check each
    item's foreign key through `(store_id, folder_id, date_added, id)` instead of the
    primary key — a full index scan per item row, which made the batched floor measure
    that (861 orders/s) rather than COPY."""
    if is_sqlite:
        return
    cursor = raw.cursor()
    cursor.execute("ANALYZE")
    raw.commit()


def batched_writes(
    raw: Any, is_sqlite: bool, order_row: dict[str, Any], item_rows: list[dict[str, Any]]
) -> float:
    """The same rows written the way the bulk import writes them: 1,000 orders per
    transaction, ids allocated up front, one executemany per table on SQLite and COPY on
    PostgreSQL — the floor an import can reach."""
    n, per_batch = 20_000, 1_000
    order_columns = ["id", *order_row, "source_id"]
    item_columns = [*item_rows[0], "order_id"]
    cursor = raw.cursor()
    started = time.perf_counter()
    for start in range(0, n, per_batch):
        if is_sqlite:
            # orderhub's SQLite connections leave transactions to the caller (autocommit in
            # the driver): without BEGIN every row would be its own transaction.
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("SELECT coalesce(max(id), 0) FROM orders")
            first = int(cursor.fetchone()[0]) + 1
            ids = list(range(first, first + per_batch))
        else:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('orders', 'id')) "
                "FROM generate_series(1, %s)",
                [per_batch],
            )
            ids = [int(row[0]) for row in cursor.fetchall()]
        orders_data = [[oid, *order_row.values(), f"batch-{start}-{oid}"] for oid in ids]
        items_data = [[*row.values(), oid] for oid in ids for row in item_rows]
        for table, columns, data in (
            ("orders", order_columns, orders_data),
            ("order_items", item_columns, items_data),
        ):
            if is_sqlite:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", data
                )
            else:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for values in data:
                        copy.write_row(values)
        raw.commit()
    return n / (time.perf_counter() - started)


def desk_user(db: Database, store_id: int) -> tuple[str, str]:
    """A desk owner of the store, to time the desk's folder page."""
    from orderhub.domain import passwords
    from orderhub.storage import accounts

    email, password = "bench@orderhub.invalid", secrets.token_urlsafe(16)
    with db.write() as conn:
        user = accounts.create_user(conn, email, passwords.hash_password(password))
        accounts.set_membership(conn, user.id, store_id, "owner")
    return email, password


def server_times(log_path: Path, request_ids: list[str]) -> list[float]:
    """The server's own milliseconds for these requests, from its JSON access log."""
    wanted = set(request_ids)
    found = []
    for raw in log_path.read_bytes().splitlines():
        if b'"duration_ms"' not in raw:
            continue
        line = json.loads(raw)
        if line.get("request_id") in wanted:
            found.append(float(line["duration_ms"]))
    assert len(found) == len(wanted), f"{len(found)} of {len(wanted)} requests in the log"
    return found


def desk_page_times(
    base: str, login: tuple[str, str], folder_id: int, n: int = 20
) -> tuple[list[float], list[float], list[str]]:
    """Milliseconds for the desk's page of a folder (50 orders), and for the page reached
    by following its "older" link ten times (keyset paging), signed in as a desk user."""
    import re

    with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
        form = client.get("/login").text
        token = re.search(r'name="login_token" value="([^"]+)"', form)
        assert token is not None, "no sign-in token on /login"
        email, password = login
        signed = client.post(
            "/login", data={"email": email, "password": password, "login_token": token[1]}
        )
        assert signed.status_code == 200, signed.status_code
        path = f"/desk/folders/{folder_id}"
        deep = path
        for _ in range(10):
            found = re.search(r'href="([^"]*cursor=[^"]+)"', client.get(deep).text)
            if found is None:
                break
            deep = found[1].replace("&amp;", "&")

        request_ids: list[str] = []

        def timed(target: str) -> list[float]:
            times = []
            for _ in range(n):
                request_ids.append(f"bench-desk-{len(request_ids)}")
                start = time.perf_counter()
                answer = client.get(target, headers={"X-Request-ID": request_ids[-1]})
                assert answer.status_code == 200
                times.append((time.perf_counter() - start) * 1000)
            return times

        first, deeper = timed(path), timed(deep)
        time.sleep(0.5)  # the last access lines reach the log
        return first, deeper, request_ids


def first_id(base: str, headers: dict[str, str]) -> int:
    with httpx.Client(base_url=base, headers=headers) as client:
        page = client.get("/api/v2/orders", params={"limit": 1, "order_by": "id", "order": "asc"})
        return int(page.json()["orders"][0]["id"])


# The print-on-demand create body of the benchmarks: no external_id, so the same body can be
# sent again and again without being a duplicate.
POD_ORDER = {
    "shipping_address": {"firstName": "Bench", "lastName": "Mark", "address1": "1 Main St",
                         "city": "Leeds", "postcode": "LS1 1AA", "country": "United Kingdom"},
    "shipping": {"shippingMethod": "tracked"},
    "items": [{"pn": f"JH001-{i}", "quantity": 1, "retailPrice": 12.5,
               "designs": {"front": "https://example.com/f.png"}} for i in range(3)],
}  # fmt: skip


def pod_plan(store: stores.NewStore, workdir: Path) -> list[tuple[str, str, dict[str, str]]]:
    """Signed print-on-demand requests: one create body (POD_ORDER) and its signature serve
    every create."""
    from orderhub.protocol.pod.signature import sign
    from orderhub.protocol.pod.xml_format import render_xml

    secret, app_id = store.pod_secret, store.store.pod_app_id
    plan = []
    for fmt, body, content_type in (
        ("json", orjson.dumps(POD_ORDER), "application/json"),
        ("xml", render_xml("order", POD_ORDER), "application/xml"),
    ):
        path = workdir / f"pod-{fmt}.body"
        path.write_bytes(body)
        plan.append((
            f"pod_post_{fmt}", "post_raw.lua",
            {"BENCH_BODY_FILE": str(path), "BENCH_CONTENT_TYPE": content_type,
             "BENCH_PATH": f"/api/orders.php?AppId={app_id}&Signature={sign(body, secret)}"},
        ))  # fmt: skip
    query = f"AppId={app_id}&limit=250"
    plan.append((
        "pod_list_250", "get.lua",
        {"BENCH_STORE_ID": "", "BENCH_API_KEY": "",
         "BENCH_PATH": f"/api/orders.php?{query}&Signature={sign(query.encode(), secret)}"},
    ))  # fmt: skip
    return plan


def run_backend(
    backend: str, args: argparse.Namespace, workdir: Path
) -> tuple[list[Result], dict[str, float]]:
    results: list[Result] = []
    with database(backend) as url:
        db = Database(url)
        migrate.upgrade(db)
        floor = storage_floor(url)
        print(f"[{backend}] storage floor {floor}", flush=True)

        small = new_store(db, "bench-small")
        seed(db, small.store.id, 300, "small", workdir)
        ruled = new_store(db, "bench-rules20")
        seed(db, ruled.store.id, 300, "rules20", workdir)
        add_idle_rules(db, ruled, 20)
        medium = new_store(db, "bench-100k")
        seed(db, medium.store.id, args.medium, "medium", workdir)
        large = new_store(db, "bench-large")
        rate = seed(db, large.store.id, args.large, "large", workdir)
        results.append(
            Result(
                "bulk_import", backend, extra={"orders": args.large, "orders_per_s": round(rate)}
            )
        )
        print(f"[{backend}] bulk import {rate:.0f} orders/s", flush=True)
        desk_login = desk_user(db, large.store.id)
        with db.read() as conn:
            received = stores.list_folders(conn, large.store.id)[0].id
        db.dispose()

        def creds(s: stores.NewStore) -> dict[str, str]:
            return {"BENCH_STORE_ID": str(s.store.id), "BENCH_API_KEY": s.api_key}

        def headers(s: stores.NewStore) -> dict[str, str]:
            return {"ORDERDESK-STORE-ID": str(s.store.id), "ORDERDESK-API-KEY": s.api_key}

        server_log = workdir / f"server-{backend}.log"
        with server(url, args.workers, server_log) as (base, server_pid):
            with httpx.Client(base_url=base, headers=headers(small)) as client:
                one = client.get("/api/v2/orders", params={"limit": 1}).json()["orders"][0]["id"]
            plan = [
                ("http_ceiling", "get.lua", {**creds(small), "BENCH_PATH": "/api/v2/test"}),
                ("get_order", "get.lua", {**creds(small), "BENCH_PATH": f"/api/v2/orders/{one}"}),
                ("list_50", "get.lua", {**creds(medium), "BENCH_PATH": "/api/v2/orders?limit=50"}),
                (
                    "post_order",
                    "post_order.lua",
                    {**creds(small), "BENCH_RUN_TAG": secrets.token_hex(3)},
                ),
                (
                    "post_order_rules20",
                    "post_order.lua",
                    {**creds(ruled), "BENCH_RUN_TAG": secrets.token_hex(3)},
                ),
            ]
            plan += pod_plan(small, workdir)
            plan.append(
                ("batch_shipments_100", "batch_shipments.lua",
                 {**creds(medium), "BENCH_ORDER_IDS": ",".join(str(i) for i in range(
                     first_id(base, headers(medium)), first_id(base, headers(medium)) + 100))}),
            )  # fmt: skip
            for name, script, env in plan:
                if name not in args.scenarios:
                    continue
                result = load_scenario(name, backend, base, script, env, args)
                if name == "get_order":
                    times = exec_times(base, f"/api/v2/orders/{one}", headers(small))
                    result.exec_ms_median = round(statistics.median(times), 3)
                results.append(result)
                print(f"[{backend}] {name}: {asdict(result)}", flush=True)

            rss = worker_rss_mb(server_pid)
            results.append(
                Result(
                    "memory",
                    backend,
                    extra={
                        "worker_rss_mb": "/".join(str(m) for m in rss),
                        "max_worker_rss_mb": max(rss, default=None),
                    },
                )
            )
            print(f"[{backend}] server workers' RSS: {rss} MB", flush=True)
            if "deep_page" not in args.scenarios:
                return results, floor
            deep_offset = args.large // 2
            page1 = exec_times(base, "/api/v2/orders?limit=50", headers(large), n=10)
            deep = exec_times(
                base, f"/api/v2/orders?limit=50&offset={deep_offset}", headers(large), n=10
            )
            with httpx.Client(base_url=base, headers=headers(large), timeout=60) as client:
                at = client.get("/api/v2/orders", params={"limit": 1, "offset": deep_offset})
                pivot = at.json()["orders"][0]
            cursor = encode_cursor(
                "date_added", dt.datetime.fromisoformat(pivot["date_added"]), int(pivot["id"])
            )
            keyset = exec_times(
                base, f"/api/v2/orders?limit=50&cursor={cursor}", headers(large), n=10
            )
            folder = (
                "/api/v2/orders?limit=1&search_start_date=2025-03-01&search_end_date=2025-03-31"
            )
            counted = exec_times(base, folder, headers(large), n=10)
            results.append(
                Result(
                    "deep_page",
                    backend,
                    extra={
                        "orders": args.large,
                        "offset": deep_offset,
                        "page1_ms": round(statistics.median(page1), 2),
                        "deep_ms": round(statistics.median(deep), 2),
                        "ratio": round(statistics.median(deep) / statistics.median(page1), 2),
                        "cursor_ms": round(statistics.median(keyset), 2),
                    },
                )
            )
            results.append(
                Result(
                    "filtered_count",
                    backend,
                    exec_ms_median=round(statistics.median(counted), 2),
                    extra={"orders": args.large, "filter": "one month of date_added"},
                )
            )
            desk_first, desk_deep, desk_ids = desk_page_times(base, desk_login, received)
            desk_server = server_times(server_log, desk_ids)
            results.append(
                Result(
                    "desk_folder_page",
                    backend,
                    exec_ms_median=round(statistics.median(desk_first), 2),
                    extra={
                        "orders": args.large,
                        "page": "first 50 of the Received folder, then 10 pages on by cursor",
                        "deep_ms": round(statistics.median(desk_deep), 2),
                        "server_ms": round(statistics.median(desk_server), 2),
                        "server_p95_ms": round(
                            sorted(desk_server)[int(0.95 * len(desk_server))], 2
                        ),
                        "measured": "exec ms: wall time on loopback; server_ms: access log",
                    },
                )
            )
            print(
                f"[{backend}] deep/count: {asdict(results[-2])} {asdict(results[-1])}", flush=True
            )
    return results, floor


def verdicts(results: list[Result]) -> list[str]:
    out = []
    ceilings = {r.backend: r.rps for r in results if r.scenario == "http_ceiling"}
    for r in results:
        t = TARGETS.get(r.scenario, {})
        ceiling = ceilings.get(r.backend)
        if "ceiling" in t and r.rps and ceiling and r.backend in t["ceiling"]:
            want, got = t["ceiling"][r.backend], r.rps / ceiling
            out.append(
                f"{r.scenario} {r.backend}: {got:.2f} × http_ceiling vs target {want} "
                f"({'met' if got >= want else f'missed by {100 * (1 - got / want):.0f}%'})"
            )
        if "vs" in t and r.rps:
            other, want = t["vs"]
            base = next((o.rps for o in results if o.scenario == other and o.backend == r.backend),
                        None)  # fmt: skip
            if base:
                got = r.rps / base
                out.append(
                    f"{r.scenario} {r.backend}: {got:.2f} × {other} vs target {want} "
                    f"({'met' if got >= want else f'missed by {100 * (1 - got / want):.0f}%'})"
                )
        if "shipments_per_s" in t and r.rps and r.backend in t["shipments_per_s"]:
            want, got = t["shipments_per_s"][r.backend], r.rps * 100
            out.append(
                f"{r.scenario} {r.backend}: {got:.0f} shipments/s vs {want} "
                f"({'met' if got >= want else f'missed by {100 * (1 - got / want):.0f}%'})"
            )
        if "p99_ms" in t and r.p99_ms is not None and r.backend in t["p99_ms"]:
            want = t["p99_ms"][r.backend]
            out.append(
                f"{r.scenario} {r.backend}: p99 {r.p99_ms} ms vs ≤ {want} ms "
                f"({'met' if r.p99_ms <= want else 'missed'})"
            )
        if "exec_ms" in t and r.exec_ms_median is not None:
            out.append(
                f"{r.scenario} {r.backend}: execution_time median {r.exec_ms_median} ms vs ≤ "
                f"{t['exec_ms']} ms ({'met' if r.exec_ms_median <= t['exec_ms'] else 'missed'})"
            )
        if "orders_per_s" in t and r.backend in t["orders_per_s"]:
            want, got = t["orders_per_s"][r.backend], r.extra["orders_per_s"]
            out.append(
                f"bulk import {r.backend}: {got} orders/s vs {want} "
                f"({'met' if got >= want else f'missed by {100 * (1 - got / want):.0f}%'})"
            )
        if "ratio_max" in t:
            ratio = r.extra["ratio"]
            out.append(
                f"deep page {r.backend}: offset {r.extra['offset']} is {ratio}× page 1 "
                f"({'met' if ratio <= t['ratio_max'] else 'missed'})"
            )
        if "worker_rss_mb" in t and r.extra.get("max_worker_rss_mb") is not None:
            got, want = r.extra["max_worker_rss_mb"], t["worker_rss_mb"]
            out.append(
                f"memory {r.backend}: largest server worker {got} MB RSS after the run vs ≤ "
                f"{want} MB ({'met' if got <= want else 'missed'})"
            )
    return out


# Which storage-floor figure a scenario compares with, and how many orders one request moves.
FLOOR_OF = {
    "get_order": ("read_orders_per_s", 1),
    "list_50": ("read_orders_per_s", 50),
    "pod_list_250": ("read_orders_per_s", 250),
    "post_order": ("insert_orders_per_s", 1),
    "post_order_rules20": ("insert_orders_per_s", 1),
    "pod_post_json": ("insert_orders_per_s", 1),
    "pod_post_xml": ("insert_orders_per_s", 1),
    "bulk_import": ("batched_insert_orders_per_s", 1),
}


def floor_ratio(r: Result, floors: dict[str, Any]) -> str:
    """Orders per second moved by the scenario over the storage floor's orders per second."""
    if r.scenario not in FLOOR_OF or r.backend not in floors:
        return ""
    key, orders_per_request = FLOOR_OF[r.scenario]
    moved = r.extra.get("orders_per_s") if r.rps is None else r.rps * orders_per_request
    floor = floors[r.backend].get(key)
    return f"{moved / floor:.2f}" if moved and floor else ""


def markdown(
    facts: dict[str, Any], results: list[Result], floors: dict[str, Any], args: argparse.Namespace
) -> str:
    lines = [
        f"# orderhub benchmark — {facts['date']}",
        "",
        f"Machine: {facts['cores']} cores, {facts['cpu']}, Python {facts['python']}; commit "
        f"{facts['commit']}; {args.workers} server workers, wrk 2 threads / {args.connections} "
        f"connections, {args.seconds} s per scenario, load generator on the same machine.",
        "",
        "| scenario | db | req/s | × ceiling | × storage floor | p50 ms | p95 ms | p99 ms "
        "| errors | exec ms (median) | other |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ceilings = {r.backend: r.rps for r in results if r.scenario == "http_ceiling"}
    for r in results:
        ratio = f"{r.rps / ceilings[r.backend]:.2f}" if r.rps and ceilings.get(r.backend) else ""
        extra = ", ".join(f"{k}={v}" for k, v in r.extra.items())
        cells = [
            r.scenario,
            r.backend,
            f"{r.rps:.0f}" if r.rps else "",
            ratio,
            floor_ratio(r, floors),
            r.p50_ms or "",
            r.p95_ms or "",
            r.p99_ms or "",
            r.errors if r.rps else "",
            r.exec_ms_median or "",
            extra,
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += [
        "",
        "Storage floor (the same rows through the driver, one process, one order per transaction):",
        "",
    ]
    for backend, floor in floors.items():
        batched = floor.get("batched_insert_orders_per_s")
        lines.append(
            f"- {backend}: {floor['insert_orders_per_s']} orders/s written, "
            f"{floor['read_orders_per_s']} orders/s read"
            + (
                f"; batched (1,000 orders per transaction, "
                f"{'executemany' if backend == 'sqlite' else 'COPY'}): {batched} orders/s written"
                if batched
                else ""
            )
        )
    lines += [
        "",
        "× ceiling: req/s over `http_ceiling` on the same database. × storage floor: orders per "
        "second the scenario moves (a list page moves 50 or 250) over the floor's reads (GET, "
        "lists) or writes (POST; the batched writes for the import) per second; above 1 means "
        "the server's two processes do better than one process talking to the database directly.",
    ]
    lines += ["", "Against the targets:", ""] + [f"- {v}" for v in verdicts(results)]
    return "\n".join(lines) + "\n"


def render(path: Path) -> None:
    """The Markdown of a recorded run, from its JSON (after a change to the report's shape)."""
    payload = json.loads(path.read_text())
    results = [Result(**r) for r in payload["results"]]
    report = markdown(
        payload["machine"], results, payload["floors"], argparse.Namespace(**payload["args"])
    )
    path.with_suffix(".md").write_text(report)
    print(report)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--medium", type=int, default=100_000, help="orders in the list store")
    parser.add_argument(
        "--large", type=int, default=1_000_000, help="orders in the deep-page store"
    )
    parser.add_argument("--quick", action="store_true", help="small stores, 3 s runs")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="comma-separated subset of: " + ", ".join(SCENARIOS),
    )
    parser.add_argument(
        "--render", type=Path, metavar="RESULTS.json", help="rewrite a run's .md from its .json"
    )
    args = parser.parse_args()
    if args.render:
        render(args.render)
        return
    unknown = set(args.scenarios.split(",")) - set(SCENARIOS)
    if unknown:
        sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    args.scenarios = args.scenarios.split(",")
    if args.quick:
        args.medium, args.large, args.seconds = 2_000, 20_000, 3
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run bench/setup.sh")
    facts = machine_facts()
    compose()  # the seeding imports publish events, as `orderhub orders import` does
    all_results: list[Result] = []
    floors: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="orderhub-bench-data-") as tmp:
        for backend in args.backends.split(","):
            results, floor = run_backend(backend, args, Path(tmp))
            all_results += results
            floors[backend] = floor
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M")
    suffix = "-quick" if args.quick else ""
    payload = {
        "machine": facts,
        "args": vars(args),
        "floors": floors,
        "results": [asdict(r) for r in all_results],
        "verdicts": verdicts(all_results),
    }
    (RESULTS / f"{stamp}{suffix}.json").write_text(json.dumps(payload, indent=2))
    report = markdown(facts, all_results, floors, args)
    (RESULTS / f"{stamp}{suffix}.md").write_text(report)
    (RESULTS / f"latest{suffix}.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
