"""One create at a time on an idle server, two versions side by side: issue 23's rule that
a write path built for throughput must not make a lone create slower (±10 %).

Like `bench/ab.py`: 'before' is another checkout (`git worktree add /tmp/before <commit>`),
'after' is this one; each side gets its own database and `orderhub serve` (2 workers), and
the sides alternate in rounds. A round sends `--count` creates one after another, each after
a short pause, so that the server is idle when it arrives; the latency is the client's
(loopback HTTP included).

    .venv/bin/python bench/idle_create.py --before /tmp/before --backends sqlite,postgres
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from ab import SIDES, serve_side
from run import order_line


def measure(backend: str, args: argparse.Namespace, tmp: Path) -> dict[str, list[float]]:
    seconds: dict[str, list[float]] = {side: [] for side in SIDES}
    with ExitStack() as stack:
        clients = {}
        for side in SIDES:
            _, base, found = serve_side(stack, backend, side, args.before, tmp, workers=2)
            clients[side] = stack.enter_context(
                httpx.Client(
                    base_url=base,
                    timeout=30,
                    headers={
                        "ORDERDESK-STORE-ID": str(found["id"]),
                        "ORDERDESK-API-KEY": found["api_key"],
                        "Content-Type": "application/json",
                    },
                )
            )
        serial = 0
        for round_ in range(args.rounds):
            for side in SIDES if round_ % 2 == 0 else SIDES[::-1]:
                client = clients[side]
                for measured in [False] * args.warmup + [True] * args.count:
                    serial += 1
                    body = order_line(serial, f"idle{round_}")
                    started = time.perf_counter()
                    answer = client.post("/api/v2/orders", content=body)
                    took = time.perf_counter() - started
                    if answer.status_code != 200:
                        raise RuntimeError(f"{side}: {answer.status_code} {answer.text[:200]}")
                    if measured:
                        seconds[side].append(took)
                    time.sleep(args.pause_ms / 1000)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--pause-ms", type=float, default=2.0)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="orderhub-idle-") as tmp:
            found = measure(backend, args, Path(tmp))
        medians = {side: statistics.median(found[side]) for side in SIDES}
        for side in SIDES:
            ordered = sorted(found[side])
            p90 = ordered[int(len(ordered) * 0.9)]
            print(
                f"{backend} {side}: median {1000 * medians[side]:.2f} ms, "
                f"p90 {1000 * p90:.2f} ms ({len(ordered)} creates)"
            )
        print(f"{backend} after / before (median): {medians['after'] / medians['before']:.2f}")


if __name__ == "__main__":
    main()
