"""Typed dependencies of the Order Desk surface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from orderhub.api.deps import Resources, resources
from orderhub.api.orderdesk.auth import current_store
from orderhub.api.orderdesk.bodies import json_body
from orderhub.domain.stores import Store


@dataclass(frozen=True, slots=True)
class Call(Resources):
    """An authenticated Order Desk request: the app's resources and the store it acts for
    (credentials checked, rate limit charged), resolved as one dependency (see api/deps.py)."""

    store: Store


async def current_call(request: Request) -> Call:
    store = await current_store(request)
    shared = await resources(request)
    return Call(
        shared.db, shared.settings, shared.counts, shared.rendered, shared.loop_reads, store
    )


CallDep = Annotated[Call, Depends(current_call)]
JsonBody = Annotated[Any, Depends(json_body)]
