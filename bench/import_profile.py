"""The bulk import alone: N of the bench's seed orders into a fresh SQLite file or a fresh
PostgreSQL database, through `run_import` as `orderhub orders import` runs it. Prints orders
per second, wall and CPU time (this process, the writer; and the worker processes), and the
load average, so that a figure taken on a busy machine can be judged.

    PYTHONPATH=src:. .venv/bin/python bench/import_profile.py --backend sqlite -n 200000
    ... --jobs 1 --profile out.prof      # cProfile of the whole import in one process
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import tempfile
import time
from pathlib import Path

from bench.run import database, new_store, order_line

from orderhub.composition import compose
from orderhub.orderfiles import run_import
from orderhub.storage import migrate
from orderhub.storage.database import Database


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("-n", type=int, default=50_000, help="orders to import")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the import here")
    args = parser.parse_args()
    compose()  # as the CLI does before any command publishes an event
    with tempfile.TemporaryDirectory() as tmp, database(args.backend) as url:
        path = Path(tmp) / "orders.jsonl"
        with path.open("wb") as f:
            for i in range(args.n):
                f.write(order_line(i, "large") + b"\n")
        db = Database(url)
        migrate.upgrade(db)
        store = new_store(db, "import")
        profiler = cProfile.Profile() if args.profile else None
        load = os.getloadavg()
        own, children = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = run_import(db, store.store.id, path, "jsonl", quiet=True, jobs=args.jobs)
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - started
        own = cpu_seconds(resource.RUSAGE_SELF) - own
        children = cpu_seconds(resource.RUSAGE_CHILDREN) - children
        db.dispose()
    assert summary.imported == args.n, (summary.imported, summary.rejected[:3])
    if profiler:
        profiler.dump_stats(args.profile)
    n = args.n
    print(
        f"{args.backend} n={n} jobs={args.jobs}: {n / wall:,.0f} orders/s, wall {wall:.1f} s, "
        f"writer CPU {own:.1f} s ({own / n * 1e6:.0f} µs/order), workers CPU {children:.1f} s "
        f"({children / n * 1e6:.0f} µs/order), load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


if __name__ == "__main__":
    main()
