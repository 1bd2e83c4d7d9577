"""Typed FastAPI dependencies shared by every door: a handler's signature says what it needs
instead of reaching into `app.state`.

They are `async def` on purpose: FastAPI runs a plain `def` dependency in the thread pool,
and a hop to a worker thread and back per dependency cost more than the whole cached GET.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from orderhub.api.rendered import RenderedOrders
from orderhub.config import Settings
from orderhub.storage.count_cache import CountCache
from orderhub.storage.database import Database


async def _database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _count_cache(request: Request) -> CountCache:
    cache: CountCache = request.app.state.count_cache
    return cache


async def _rendered(request: Request) -> RenderedOrders:
    cache: RenderedOrders = request.app.state.rendered_orders
    return cache


DatabaseDep = Annotated[Database, Depends(_database)]
SettingsDep = Annotated[Settings, Depends(_settings)]
CountCacheDep = Annotated[CountCache, Depends(_count_cache)]
RenderedDep = Annotated[RenderedOrders, Depends(_rendered)]
