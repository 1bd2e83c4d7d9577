"""Print-on-demand orders as wire dicts, served from the rendered-order cache
(`orderhub.api.rendered`) while their revision holds.

A wire dict also depends on the store's time zone and on the print-on-demand status of the
folder the order is in (folder settings, not the order): both are part of the form's key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from orderhub.api.rendered import RenderedOrders
from orderhub.domain.dates import store_zone
from orderhub.domain.stores import Store
from orderhub.protocol.pod.orders import order_to_wire
from orderhub.storage import orders as order_storage
from orderhub.storage import stores
from orderhub.storage.orders import revisions


def fetch(
    conn: Connection, cache: RenderedOrders, store: Store, ids: Sequence[int]
) -> list[dict[str, Any]]:
    """The store's orders among `ids` as the print-on-demand API shows them, in that order;
    only those not already rendered at their current revision are loaded."""
    stamps = revisions.stamps(conn, store.id, ids, email_count=False)
    if not stamps:
        return []
    statuses = {f.id: f.pod_status for f in stores.list_folders(conn, store.id)}
    forms = {
        order_id: ("pod", store.timezone, statuses.get(stamp.folder_id))
        for order_id, stamp in stamps.items()
    }
    found: dict[int, dict[str, Any]] = {}
    missing = []
    for order_id, stamp in stamps.items():
        wire = cache.get(store.id, order_id, stamp.revision, forms[order_id])
        if wire is None:
            missing.append(order_id)
        else:
            found[order_id] = wire
    if missing:
        zone = store_zone(store.timezone)
        for order in order_storage.load_orders(conn, store.id, missing, with_history=False):
            assert order.id is not None
            wire = order_to_wire(order, statuses, zone)
            cache.put(store.id, order.id, stamps[order.id].revision, forms[order.id], wire)
            found[order.id] = wire
    return [found[i] for i in ids if i in found]
