"""Typed dependencies of the Order Desk surface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from orderhub.api.deps import resources
from orderhub.api.orderdesk.auth import current_store
from orderhub.api.orderdesk.bodies import json_body
from orderhub.api.rendered import RenderedOrders
from orderhub.config import Settings
from orderhub.storage.count_cache import CountCache
from orderhub.storage.database import Database
from orderhub.storage.stores import Store


@dataclass(frozen=True, slots=True)
class Call:
    """An authenticated Order Desk request: the store it acts for (credentials checked, rate
    limit charged) and the app's resources, resolved as one dependency (see api/deps.py)."""

    store: Store
    db: Database
    settings: Settings
    counts: CountCache
    rendered: RenderedOrders


async def current_call(request: Request) -> Call:
    store = await current_store(request)
    shared = await resources(request)
    return Call(store, shared.db, shared.settings, shared.counts, shared.rendered)


CallDep = Annotated[Call, Depends(current_call)]
JsonBody = Annotated[Any, Depends(json_body)]
