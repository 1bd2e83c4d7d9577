"""Typed dependencies of the Order Desk surface."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from orderhub.api.orderdesk.auth import current_store
from orderhub.api.orderdesk.bodies import json_body
from orderhub.storage.stores import Store

StoreDep = Annotated[Store, Depends(current_store)]
JsonBody = Annotated[Any, Depends(json_body)]
