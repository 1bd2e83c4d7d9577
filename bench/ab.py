"""Two versions of orderhub side by side, the same scenarios alternated between them in short
runs, so that the machine's drift hits both alike. On a shared 2-core VM two full runs of the
same code can differ by a third; a before/after read from two separate runs then says little.

'before' is another checkout of the repository (for instance `git worktree add /tmp/before
<commit>`), 'after' is this one. Each side gets its own database, migrated and seeded by its
own code, and its own `orderhub serve`; both servers stay up while wrk alternates between
them (the order flips every round). On PostgreSQL both databases are analyzed before each
round, as autovacuum would.

    .venv/bin/python bench/ab.py --before /tmp/before --backends sqlite,postgres \\
        --scenarios http_ceiling,get_order,post_order,pod_post_json --rounds 4 --seconds 5

Results: bench/results/ab-<UTC stamp>.json and .md (each round's req/s, the medians, their
ratio, and in how many rounds 'after' was ahead).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import psycopg
from run import POSTGRES_URL, RESULTS, machine_facts, pod_plan, server, wrk

SCENARIOS = ("http_ceiling", "get_order", "post_order", "pod_post_json", "pod_post_xml")
SIDES = ("before", "after")
AFTER = Path(__file__).resolve().parents[1]  # this checkout

# Run by each side's own interpreter path, so that its own migrations and store code are used.
_SETUP = """
import json, sys
import orderhub
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database
db = Database(sys.argv[1])
migrate.upgrade(db)
with db.write() as conn:
    new = stores.create_store(conn, "ab", settings={"rate_limit_capacity": 0})
db.dispose()
print(json.dumps({"id": new.store.id, "api_key": new.api_key,
                  "app_id": new.store.pod_app_id, "pod_secret": new.pod_secret,
                  "code": orderhub.__file__}))
"""


class _Store:
    """What `pod_plan` reads of a new store."""

    def __init__(self, found: dict[str, Any]) -> None:
        self.store = type("S", (), {"id": found["id"], "pod_app_id": found["app_id"]})()
        self.api_key = found["api_key"]
        self.pod_secret = found["pod_secret"]


def _env(side: str, before: Path) -> dict[str, str]:
    """Each side imports its own checkout's orderhub: 'after' this one's, not whatever the
    interpreter has installed (an editable install may point at another checkout)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str((before if side == "before" else AFTER) / "src")
    return env


def serve_side(
    stack: ExitStack, backend: str, side: str, before: Path, tmp: Path, workers: int
) -> tuple[str, str, dict[str, Any]]:
    """One side's database, made and migrated by its own code with a store in it, and its
    `orderhub serve` (stopped when `stack` closes): the URL, the server's base URL, and the
    store (`_SETUP`'s output)."""
    url = _database(backend, side, tmp)
    env = _env(side, before)
    made = subprocess.run(
        [sys.executable, "-c", _SETUP, url], env=env, capture_output=True, text=True, check=True
    )
    found: dict[str, Any] = json.loads(made.stdout.strip().splitlines()[-1])
    print(f"[{backend}] {side}: orderhub from {found['code']}", flush=True)
    base, _ = stack.enter_context(server(url, workers, tmp / f"{side}.log", environ=env))
    return url, base, found


def _database(backend: str, side: str, workdir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / f'{side}.db'}"
    name = f"orderhub_ab_{side}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return POSTGRES_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + (
        f"/{name}"
    )


def _plan(base: str, store: _Store, workdir: Path) -> dict[str, tuple[str, dict[str, str]]]:
    creds = {"BENCH_STORE_ID": str(store.store.id), "BENCH_API_KEY": store.api_key}
    headers = {"ORDERDESK-STORE-ID": creds["BENCH_STORE_ID"], "ORDERDESK-API-KEY": store.api_key}
    item = {"name": "Tee", "code": "T-1", "price": 10, "quantity": 2}
    shipping = {"first_name": "A", "last_name": "B", "address1": "1 Main St", "country": "US"}
    order = {"source_id": "ab-1", "email": "ab@example.com", "shipping": shipping,
             "order_items": [item]}  # fmt: skip
    created = httpx.post(f"{base}/api/v2/orders", json=order, headers=headers, timeout=30)
    if created.status_code >= 300:
        raise RuntimeError(f"could not create the order to GET: {created.text}")
    one = created.json()["order"]["id"]
    plan = {
        "http_ceiling": ("get.lua", {**creds, "BENCH_PATH": "/api/v2/test"}),
        "get_order": ("get.lua", {**creds, "BENCH_PATH": f"/api/v2/orders/{one}"}),
        "post_order": ("post_order.lua", creds),
    }
    workdir.mkdir(exist_ok=True)
    for name, script, env in pod_plan(store, workdir):  # type: ignore[arg-type]
        plan[name] = (script, env)
    return plan


def run_backend(backend: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    rps: dict[str, dict[str, list[float]]] = {s: {k: [] for k in args.scenarios} for s in SIDES}
    with ExitStack() as stack:
        plans, urls = {}, []
        for side in SIDES:
            url, base, found = serve_side(stack, backend, side, args.before, tmp, args.workers)
            urls.append(url)
            plans[side] = (base, _plan(base, _Store(found), tmp / side))
        for scenario in args.scenarios:  # warm both up, discarded
            for side in SIDES:
                base, plan = plans[side]
                wrk(base, plan[scenario][0], _fresh(plan[scenario][1]), seconds=2,
                    connections=args.connections)  # fmt: skip
        for round_ in range(args.rounds):
            if backend == "postgres":
                _analyze(urls)
            order = SIDES if round_ % 2 == 0 else SIDES[::-1]
            for scenario in args.scenarios:
                for side in order:
                    base, plan = plans[side]
                    script, env = plan[scenario]
                    data = wrk(base, script, _fresh(env), seconds=args.seconds,
                               connections=args.connections)  # fmt: skip
                    rps[side][scenario].append(round(data["rps"], 1))
            print(f"[{backend}] round {round_ + 1}: {rps}", flush=True)
    return rps


def _analyze(urls: list[str]) -> None:
    """What autovacuum would do between rounds (it may be off, as on the benchmark machine):
    the creates grow the tables from nothing, and PostgreSQL without statistics plans the
    revision query's email count as a walk of the whole store."""
    for url in urls:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                             autocommit=True) as conn:  # fmt: skip
            conn.execute("ANALYZE")


def _fresh(env: dict[str, str]) -> dict[str, str]:
    """A new run tag per run, so that creates never collide with an earlier run's."""
    return {**env, "BENCH_RUN_TAG": secrets.token_hex(3)}


def summary(results: dict[str, dict[str, dict[str, list[float]]]]) -> list[dict[str, Any]]:
    rows = []
    for backend, rps in results.items():
        for scenario in rps["before"]:
            before, after = rps["before"][scenario], rps["after"][scenario]
            ahead = sum(a > b for a, b in zip(after, before, strict=True))
            rows.append({
                "backend": backend, "scenario": scenario, "before": before, "after": after,
                "before_median": round(statistics.median(before), 1),
                "after_median": round(statistics.median(after), 1),
                "ratio": round(statistics.median(after) / statistics.median(before), 2),
                "after_ahead": f"{ahead}/{len(after)}",
            })  # fmt: skip
    return rows


def markdown(facts: dict[str, Any], args: argparse.Namespace, rows: list[dict[str, Any]]) -> str:
    lines = [
        f"# orderhub A/B — {facts['date']}",
        "",
        f"Machine: {facts['cores']} cores, {facts['cpu']}, Python {facts['python']}; "
        f"after = commit {facts['commit']}, before = commit {_commit(Path(args.before))}; "
        f"{args.workers} server workers each, wrk 2 threads / "
        f"{args.connections} connections, {args.rounds} rounds of {args.seconds} s per "
        "scenario and side, alternating.",
        "",
        "| scenario | db | before req/s (median) | after req/s (median) | after / before "
        "| rounds after ahead | before, each round | after, each round |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['scenario']} | {r['backend']} | {r['before_median']} | {r['after_median']} "
            f"| {r['ratio']:.2f} | {r['after_ahead']} | {', '.join(map(str, r['before']))} "
            f"| {', '.join(map(str, r['after']))} |"
        )
    return "\n".join(lines) + "\n"


def _commit(checkout: Path) -> str:
    found = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return found.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    args.before = args.before.resolve()
    if not (args.before / "src" / "orderhub").is_dir():
        sys.exit(f"{args.before} is not a checkout of orderhub (no src/orderhub)")
    args.scenarios = args.scenarios.split(",")
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    facts = machine_facts()
    results = {}
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="orderhub-ab-") as tmp:
            results[backend] = run_backend(backend, args, Path(tmp))
    rows = summary(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M")
    payload = {"machine": facts, "args": {**vars(args), "before": str(args.before)}, "rows": rows}
    (RESULTS / f"ab-{stamp}.json").write_text(json.dumps(payload, indent=2))
    report = markdown(facts, args, rows)
    (RESULTS / f"ab-{stamp}.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
