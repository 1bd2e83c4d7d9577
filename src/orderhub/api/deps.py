"""Typed FastAPI dependencies shared by every door: a handler's signature says what it needs
instead of reaching into `app.state`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from orderhub.config import Settings
from orderhub.storage.count_cache import CountCache
from orderhub.storage.database import Database


def _database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _count_cache(request: Request) -> CountCache:
    cache: CountCache = request.app.state.count_cache
    return cache


DatabaseDep = Annotated[Database, Depends(_database)]
SettingsDep = Annotated[Settings, Depends(_settings)]
CountCacheDep = Annotated[CountCache, Depends(_count_cache)]
