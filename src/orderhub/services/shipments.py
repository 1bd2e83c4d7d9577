"""Shipping an order, whole or in part, one at a time or in batches.

A fully shipped order that sits in a folder standing for a print-on-demand status moves to
the folder that stands for `shipped` — whichever door the shipment came through.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.domain.errors import OrderhubError
from orderhub.domain.folders import SHIPPED_STATUS
from orderhub.domain.fulfilment import (
    LineRequest,
    Shipment,
    check_lines,
    check_new_tracking_number,
    fill_shipment_defaults,
    fulfilment_status,
    resolve_lines,
)
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.services.moves import move_locked
from orderhub.services.transaction import write
from orderhub.storage import orders as order_storage
from orderhub.storage import shipments as storage
from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.stores import Store, utcnow

log = logging.getLogger("orderhub.shipments")


@dataclass(frozen=True)
class BatchEntry:
    """One entry of a batch: what to ship, or why the entry could not even be read."""

    position: int
    order_id: int | None
    shipment: Shipment | None = None
    lines: Sequence[LineRequest] = ()
    error: str = ""


@dataclass(frozen=True)
class BatchResult:
    position: int
    order_id: int | None
    shipment_id: int | None = None
    error: str = ""
    # The refusal, for doors that word some refusals their own way.
    failure: OrderhubError | None = None


def add_shipment(
    db: Database,
    store: Store,
    order_id: int,
    shipment: Shipment,
    lines: Sequence[LineRequest] = (),
    *,
    channel: Channel,
) -> Shipment:
    """`lines` empty ships everything not shipped yet."""
    with write(db, store) as (conn, store):
        shipment_id = _add(conn, store, order_id, shipment, lines, channel)
        return storage.get(conn, store.id, order_id, shipment_id)


def add_shipments(
    db: Database, store: Store, entries: Sequence[BatchEntry], *, channel: Channel
) -> list[BatchResult]:
    """A batch in one transaction, each entry in its own savepoint: a bad entry is reported
    and rolled back alone, and never affects a good one."""
    results = []
    with write(db, store) as (conn, store):
        for entry in entries:
            if entry.error or entry.shipment is None or entry.order_id is None:
                results.append(BatchResult(entry.position, entry.order_id, error=entry.error))
                continue
            savepoint = conn.begin_nested()
            try:
                shipment_id = _add(
                    conn, store, entry.order_id, entry.shipment, entry.lines, channel
                )
            except OrderhubError as exc:
                savepoint.rollback()
                results.append(
                    BatchResult(entry.position, entry.order_id, error=exc.message, failure=exc)
                )
                continue
            except Exception:
                savepoint.rollback()
                log.exception("batch shipment entry %d failed", entry.position)
                results.append(
                    BatchResult(entry.position, entry.order_id, error="internal error; not added")
                )
                continue
            savepoint.commit()
            results.append(BatchResult(entry.position, entry.order_id, shipment_id))
    return results


def _add(
    conn: Connection,
    store: Store,
    order_id: int,
    shipment: Shipment,
    lines: Sequence[LineRequest],
    channel: Channel,
) -> int:
    locked = order_storage.lock_order(conn, store.id, order_id)
    existing = storage.of_order(conn, order_id)
    check_new_tracking_number(existing, shipment.tracking_number)
    if lines:
        items = order_storage.get_items(conn, store.id, order_id)
        shipment.lines = resolve_lines(lines, items)
    ordered = storage.ordered_quantities(conn, order_id)
    check_lines(ordered, existing, shipment.lines)
    now = utcnow()
    fill_shipment_defaults(shipment, now.date().isoformat())
    shipment_id = storage.insert_shipment(conn, store.id, order_id, shipment, now)
    what = "part of the order" if shipment.lines else "the rest of the order"
    carrier = f"{shipment.carrier_code} " if shipment.carrier_code else ""
    order_storage.record_history(
        conn, store.id, order_id,
        f"Shipment {shipment_id} added ({what}): {carrier}{shipment.tracking_number}",
        event="shipment", channel=channel, now=now,
    )  # fmt: skip
    order_storage.touch(conn, order_id, now)
    data = {"shipment_id": shipment_id}
    events.publish(conn, store, OrderEvent(events.SHIPMENT_CREATED, order_id, data))
    if fulfilment_status(ordered, [*existing, shipment]) == "fulfilled":
        _follow_to_shipped(conn, store, order_id, locked.folder_id, channel=channel, now=now)
    return shipment_id


def _follow_to_shipped(
    conn: Connection,
    store: Store,
    order_id: int,
    folder_id: int,
    *,
    channel: Channel,
    now: datetime,
) -> None:
    folder_list = stores.list_folders(conn, store.id)
    current = next((f for f in folder_list if f.id == folder_id), None)
    shipped = next((f for f in folder_list if f.pod_status == SHIPPED_STATUS), None)
    if current is None or shipped is None or current.pod_status in (None, SHIPPED_STATUS):
        return
    move_locked(
        conn,
        store,
        order_id,
        current,
        shipped,
        channel=channel,
        now=now,
        reason="all items shipped",
    )


def replace_shipment(
    db: Database,
    store: Store,
    order_id: int,
    shipment_id: int,
    shipment: Shipment,
    *,
    channel: Channel,
) -> Shipment:
    """Full replacement of the writable fields; the items it covers do not change."""
    with write(db, store) as (conn, store):
        order_storage.lock_order(conn, store.id, order_id)
        now = utcnow()
        fill_shipment_defaults(shipment, now.date().isoformat())
        storage.replace_fields(conn, order_id, shipment_id, shipment)
        order_storage.record_history(
            conn, store.id, order_id, f"Shipment {shipment_id} updated: {shipment.tracking_number}",
            event="shipment", channel=channel, now=now,
        )  # fmt: skip
        order_storage.touch(conn, order_id, now)
        return storage.get(conn, store.id, order_id, shipment_id)


def remove_shipment(
    db: Database, store: Store, order_id: int, shipment_id: int, *, channel: Channel
) -> None:
    with write(db, store) as (conn, store):
        order_storage.lock_order(conn, store.id, order_id)
        storage.remove(conn, order_id, shipment_id)
        now = utcnow()
        order_storage.record_history(
            conn, store.id, order_id, f"Shipment {shipment_id} deleted",
            event="shipment", channel=channel, now=now,
        )  # fmt: skip
        order_storage.touch(conn, order_id, now)
