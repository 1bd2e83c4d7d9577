"""Typed FastAPI dependencies shared by every door: a handler's signature says what it needs
instead of reaching into `app.state`.

One dependency per request, not one per resource: FastAPI resolves each dependency at a
cost near that of a cached order GET's own work (two fewer took a cached GET from 455 to
370 Python calls), so the app's database, settings and caches travel together
(`Resources`), and the Order Desk door adds its authenticated store to them in one
dependency of its own (`orderdesk.deps.Call`). They are `async def` on purpose: FastAPI
runs a plain `def` dependency in the thread pool, a hop to a worker thread and back per
request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from orderhub.api.rendered import RenderedOrders
from orderhub.config import Settings
from orderhub.storage.async_reads import LoopReads
from orderhub.storage.count_cache import CountCache
from orderhub.storage.database import Database


@dataclass(frozen=True, slots=True)
class Resources:
    """What the doors' handlers are served with, made once per app (`app.state.resources`)."""

    db: Database
    settings: Settings
    counts: CountCache
    rendered: RenderedOrders
    # PostgreSQL: the revision query of a cached read on the event loop (None on SQLite,
    # whose reads already run on the loop).
    loop_reads: LoopReads | None


async def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


ResourcesDep = Annotated[Resources, Depends(resources)]
