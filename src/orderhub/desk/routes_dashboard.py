"""The desk's home: how the store's day is going. Orders in per day by door, orders per
folder now, orders at suppliers and failed, shipped per day, the median time from arrival
to shipment, and everything that gave up, with links to fix it.

Each figure is one query on an index of the store, kept under the store's count
generation (`storage/count_cache.py`) like the side bar's counts, so a page view of a
large store reads nothing again until an order changes."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from orderhub.desk import charts, queries
from orderhub.desk.auth import Desk, signed_in
from orderhub.desk.render import page
from orderhub.domain.dates import utcnow
from orderhub.storage import dashboard, forwarding_jobs

router = APIRouter(include_in_schema=False)
DAYS = 30
T = TypeVar("T")
# The doors an order comes through (the surface of its "created" history entry).
DOORS = (
    ("orderdesk", "Order Desk API"),
    ("pod", "Print-on-demand API"),
    ("desk", "Desk"),
    ("cli", "Import"),
)


@dataclass(frozen=True)
class Failing:
    what: str
    count: int
    href: str
    fix: str


def _cached(request: Request, desk: Desk, key: str, work: Callable[[], T]) -> T:
    cache = request.app.state.count_cache
    found: T = cache.get_or_count(desk.store.id, ("dashboard", key), work)
    return found


class _PastDays:
    """The figures of the days before today barely change (only an order backdated,
    imported or deleted moves them), and on a large store they are most of the work: they
    are kept for `TTL` seconds per store and day, whatever the store's generation. Today's
    figures are read per generation, exact."""

    TTL, MAX_ENTRIES = 300.0, 512

    def __init__(self) -> None:
        self._entries: dict[tuple[int, str, date], tuple[float, Any]] = {}

    def get(self, store_id: int, key: str, today: date, work: Callable[[], T]) -> T:
        slot = (store_id, key, today)
        entry = self._entries.get(slot)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            found: T = entry[1]
            return found
        value = work()
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
        self._entries[slot] = (now + self.TTL, value)
        return value


def _past_days(request: Request) -> _PastDays:
    """The app's own (one per app, so two apps on two databases never share figures)."""
    state = request.app.state
    found = getattr(state, "dashboard_past_days", None)
    if found is None:
        found = state.dashboard_past_days = _PastDays()
    return found  # type: ignore[no-any-return]


def _read(request: Request, reader: Callable[..., T], *args: Any) -> T:
    with request.app.state.db.read() as conn:
        return reader(conn, *args)


def _two_parts(
    request: Request, desk: Desk, key: str, reader: Callable[..., T], since: datetime,
    midnight: datetime, tomorrow: datetime,
) -> tuple[T, T]:  # fmt: skip
    """(the days before today, today) of one figure."""
    store_id = desk.store.id
    past = _past_days(request).get(
        store_id, key, midnight.date(), lambda: _read(request, reader, store_id, since, midnight)
    )
    today = _cached(
        request, desk, f"{key}:{midnight.date()}",
        lambda: _read(request, reader, store_id, midnight, tomorrow),
    )  # fmt: skip
    return past, today


@router.get("/desk")
def home(request: Request, desk: Desk = Depends(signed_in)) -> Response:
    today = utcnow().date()
    days = [today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    since = datetime.combine(days[0], datetime.min.time())
    midnight = datetime.combine(today, datetime.min.time())
    tomorrow = midnight + timedelta(days=1)
    store_id = desk.store.id
    parts = _two_parts(request, desk, "arrivals", dashboard.arrivals, since, midnight, tomorrow)
    arrivals = parts[0] + parts[1]
    past, now = _two_parts(request, desk, "shipped", dashboard.shipped, since, midnight, tomorrow)
    shipped = dashboard.Shipped(past.per_day + now.per_day, past.hours_to_ship + now.hours_to_ship)
    # Read at every view: a delivery that gives up or a job that fails changes no order, so
    # the count generation would keep an old answer ("nothing failing") indefinitely.
    jobs = _read(request, dashboard.jobs_by_state, store_id)
    gave_up = _read(request, dashboard.gave_up, store_id)
    folders = queries.folders(request.app.state.db, desk.store, request.app.state.count_cache)

    known = {door for door, _ in DOORS}
    doors = list(DOORS) + sorted({(d, d) for _, d in arrivals if d not in known})
    series = [
        charts.Series(label, [arrivals.get((day, door), 0) for day in days], color)
        for (door, label), color in zip(doors, charts.PALETTE * 2, strict=False)
    ]
    per_day = [shipped.per_day.get(d, 0) for d in days]
    shipped_series = [charts.Series("Shipped", per_day, charts.PALETTE[2])]
    median = statistics.median(shipped.hours_to_ship) if shipped.hours_to_ship else None
    failing = _failing(desk, jobs, gave_up)
    return page(
        request, "dashboard.html", desk, section="dashboard", days=days, series=series,
        arrivals_chart=charts.day_bars(f"Orders in per day, last {DAYS} days", days, series),
        shipped_chart=charts.day_bars(f"Shipped per day, last {DAYS} days", days, shipped_series),
        folders_chart=charts.row_bars("Orders per folder now", [(f.name, n) for f, n in folders]),
        shipped_per_day=per_day, swatch=charts.swatch,
        total_in=sum(arrivals.values()), total_shipped=sum(shipped.per_day.values()),
        median_hours=median, jobs=jobs, failing=failing, today=today,
    )  # fmt: skip


def _failing(desk: Desk, jobs: dict[str, int], gave_up: dict[str, int]) -> list[Failing]:
    owner = desk.is_owner
    found = [
        Failing(
            "webhook deliveries gave up", gave_up["webhooks"], "/desk/webhooks" if owner else "",
            "open the webhook, fix the receiver, resend all failed",
        ),
        Failing(
            "print-on-demand notifications gave up", gave_up["notifications"],
            "/desk/notifications" if owner else "", "check the URL, then resend",
        ),
        Failing(
            "orders failed to forward to a supplier", jobs.get(forwarding_jobs.FAILED, 0),
            "/desk/suppliers" if owner else "", "read the supplier's message, then resend",
        ),
    ]  # fmt: skip
    return [f for f in found if f.count]
