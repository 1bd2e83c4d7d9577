"""Python calls per request, counted over all threads, with the ASGI app called in process.

Wall time on a shared 2-core VM moves by a third from one run to the next; the number of
Python function calls a request makes does not, so it shows what a change to the request
path removes. The profile hook is set before the app starts its thread pool, so the work
of plain `def` handlers and of reads in worker threads is counted too.

    .venv/bin/python bench/calls.py                      # every request, SQLite
    .venv/bin/python bench/calls.py --backend postgres --requests get_order,post_order
    PYTHONPATH=/tmp/before/src .venv/bin/python bench/calls.py   # another checkout's code

Each request is made `--warmup` times first (caches filled, threads started), then counted
over `--count` requests.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import Any

import orjson
import psycopg
from run import POD_ORDER, POSTGRES_URL, order_line
from sqlalchemy.engine import make_url

from orderhub.app import create_app
from orderhub.config import Settings
from orderhub.protocol.pod.signature import sign
from orderhub.protocol.pod.xml_format import render_xml
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database

REQUESTS = (
    "http_ceiling", "get_order", "list_50", "post_order", "pod_post_json", "pod_post_xml",
)  # fmt: skip

_calls = 0


def _count(_frame: Any, event: str, _arg: Any) -> None:
    global _calls
    if event == "call":
        _calls += 1


class InProcess:
    """Requests straight into the ASGI app, as uvicorn would make them."""

    def __init__(self, app: Any, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(
        self, method: str, path: str, *, query: bytes = b"", body: bytes = b"",
        content_type: bytes = b"application/json",
    ) -> int:  # fmt: skip
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query, "root_path": "", "state": {},
            "headers": [*self.headers, (b"content-type", content_type),
                        (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
        }  # fmt: skip
        sent = False
        status = 0

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(scope, receive, send)
        return status


def database(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='orderhub-calls-')}/orderhub.db"
    name = "orderhub_bench_calls"
    admin = make_url(POSTGRES_URL).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def plan(call: InProcess, new: stores.NewStore, order_id: int) -> dict[str, Callable[[int], Any]]:
    pod_json, pod_xml = orjson.dumps(POD_ORDER), render_xml("order", POD_ORDER)
    app_id, secret = new.store.pod_app_id, new.pod_secret

    def signed(body: bytes) -> bytes:
        return f"AppId={app_id}&Signature={sign(body, secret)}".encode()

    return {
        "http_ceiling": lambda i: call("GET", "/api/v2/test"),
        "get_order": lambda i: call("GET", f"/api/v2/orders/{order_id}"),
        "list_50": lambda i: call("GET", "/api/v2/orders", query=b"limit=50"),
        "post_order": lambda i: call("POST", "/api/v2/orders", body=order_line(i, "calls")),
        "pod_post_json": lambda i: call(
            "POST", "/api/orders.php", query=signed(pod_json), body=pod_json
        ),
        "pod_post_xml": lambda i: call(
            "POST",
            "/api/orders.php",
            query=signed(pod_xml),
            body=pod_xml,
            content_type=b"application/xml",
        ),  # fmt: skip
    }


async def measure(args: argparse.Namespace) -> dict[str, float]:
    global _calls
    db = Database(database(args.backend))
    migrate.upgrade(db)
    with db.write() as conn:
        new = stores.create_store(conn, "calls", settings={"rate_limit_capacity": 0})
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, metrics="off", access_log="off", redis_url=None,
        notify_poll_seconds=0, forward_poll_seconds=0, webhook_poll_seconds=0,
    )  # fmt: skip
    app = create_app(settings, database=db)
    headers = [
        (b"host", b"bench"),
        (b"orderdesk-store-id", str(new.store.id).encode()),
        (b"orderdesk-api-key", new.api_key.encode()),
    ]
    call = InProcess(app, headers)
    requests = plan(call, new, order_id=0)
    figures: dict[str, float] = {}
    threading.setprofile(_count)
    sys.setprofile(_count)
    try:
        async with app.router.lifespan_context(app):
            for i in range(60):  # a first order to get, and a full page to list
                assert await requests["post_order"](1_000_000 + i) == 200
            requests = plan(call, new, order_id=1)
            serial = 0
            for name in args.requests:
                make = requests[name]
                for _ in range(args.warmup):
                    serial += 1
                    assert await make(serial) == 200, name
                _calls = 0
                for _ in range(args.count):
                    serial += 1
                    assert await make(serial) == 200, name
                figures[name] = _calls / args.count
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
        db.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--requests", default=",".join(REQUESTS))
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    args.requests = args.requests.split(",")
    unknown = set(args.requests) - set(REQUESTS)
    if unknown:
        sys.exit(f"unknown requests: {', '.join(sorted(unknown))}")
    import orderhub

    print(f"{args.backend}, code from {orderhub.__file__.rsplit('/', 2)[0]}")
    for name, calls in asyncio.run(measure(args)).items():
        print(f"{name:15s} {calls:8.0f} Python calls per request")


if __name__ == "__main__":
    main()
