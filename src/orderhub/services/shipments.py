"""Shipping an order, whole or in part, one at a time or in batches.

A fully shipped order that sits in a folder standing for a print-on-demand status moves to
the folder that stands for `shipped` — whichever door the shipment came through.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import NotFound, OrderhubError
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
from orderhub.domain.stores import Folder, Store
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.services.moves import move_locked
from orderhub.services.transaction import write
from orderhub.storage import folders as folder_storage
from orderhub.storage import orders as order_storage
from orderhub.storage import shipments as shipment_storage
from orderhub.storage import stores
from orderhub.storage.database import Database

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
        entry = BatchEntry(0, order_id, shipment, lines)
        planned, [result], folders = _check_all(conn, store, [entry])
        if result.failure is not None:
            raise result.failure
        [shipment_id] = _write(conn, store, planned, channel, folders)
        assert shipment_id is not None
        return shipment_storage.get(conn, store.id, order_id, shipment_id)


def add_shipments(
    db: Database, store: Store, entries: Sequence[BatchEntry], *, channel: Channel
) -> list[BatchResult]:
    """A batch in one transaction. Every entry is checked against the orders as the entries
    before it left them, a bad one is reported and never affects a good one, and the good
    ones are written together: a few statements per batch, not per shipment. Should the
    database refuse that write, each entry is retried in its own savepoint, so one entry's
    failure still stays its own."""
    with write(db, store) as (conn, store):
        planned, results, folders = _check_all(conn, store, entries)
        try:
            with conn.begin_nested():
                ids = _write(conn, store, planned, channel, dict(folders))
        except Exception:
            log.exception(
                "batch of %d shipments failed as a whole; retrying one by one", len(planned)
            )
            ids = [_write_alone(conn, store, one, channel, folders) for one in planned]
        for one, shipment_id in zip(planned, ids, strict=True):
            if shipment_id is None:
                error = "internal error; not added"
                results[one.index] = BatchResult(one.position, one.order_id, error=error)
            else:
                results[one.index] = BatchResult(one.position, one.order_id, shipment_id)
    return results


@dataclass
class _Planned:
    """A checked entry, ready to write."""

    index: int  # in the batch
    position: int
    order_id: int
    shipment: Shipment
    fulfils: bool  # with it, everything ordered has shipped


@dataclass
class _OrderState:
    """What the batch knows of one locked order while it checks the entries in turn."""

    items: list[Any]
    ordered: dict[int, int]
    shipped: list[Shipment]  # condensed (shipment_storage.shipped_so_far), then the batch's own
    numbers: set[str]  # tracking numbers it carries, of those the batch brings


def _check_all(
    conn: Connection, store: Store, entries: Sequence[BatchEntry]
) -> tuple[list[_Planned], list[BatchResult], dict[int, int]]:
    """Lock the batch's orders (in id order), read what the checks need for all of them at
    once, then check each entry as the entries before it left its order. Also returns
    {order id: folder id} of the orders found."""
    wanted = {
        e.order_id
        for e in entries
        if not e.error and e.shipment is not None and e.order_id is not None
    }
    folder_of = folder_storage.lock_orders(conn, store.id, sorted(wanted))
    found = sorted(folder_of)
    items = shipment_storage.items_of_orders(conn, found)
    shipped = shipment_storage.shipped_so_far(conn, found)
    brought = {e.shipment.tracking_number.strip() for e in entries if e.shipment is not None}
    numbers = shipment_storage.numbers_in_use(conn, store.id, found, brought)
    states = {
        order_id: _OrderState(
            items[order_id],
            {row.id: row.quantity for row in items[order_id]},
            shipped[order_id],
            numbers[order_id],
        )
        for order_id in found
    }
    today = utcnow().date().isoformat()
    planned: list[_Planned] = []
    results: list[BatchResult] = []
    for index, entry in enumerate(entries):
        results.append(BatchResult(entry.position, entry.order_id, error=entry.error))
        if entry.error or entry.shipment is None or entry.order_id is None:
            continue
        try:
            fulfils = _check(states.get(entry.order_id), entry, today)
        except OrderhubError as exc:
            results[-1] = BatchResult(
                entry.position, entry.order_id, error=exc.message, failure=exc
            )
            continue
        planned.append(_Planned(index, entry.position, entry.order_id, entry.shipment, fulfils))
    return planned, results, folder_of


def _check(state: _OrderState | None, entry: BatchEntry, today: str) -> bool:
    """Refuse the entry or take it into its order's state; whether it completes the order."""
    assert entry.shipment is not None
    if state is None:
        raise NotFound(f"Order {entry.order_id} not found")
    shipment = entry.shipment
    check_new_tracking_number(state.numbers, shipment.tracking_number)
    if entry.lines:
        shipment.lines = resolve_lines(entry.lines, state.items)
    check_lines(state.ordered, state.shipped, shipment.lines)
    fill_shipment_defaults(shipment, today)
    state.shipped.append(shipment)
    state.numbers.add(shipment.tracking_number)
    return fulfilment_status(state.ordered, state.shipped) == "fulfilled"


def _write(
    conn: Connection,
    store: Store,
    planned: Sequence[_Planned],
    channel: Channel,
    folder_of: dict[int, int],
) -> list[int | None]:
    """Insert the shipments, then their history entries and events in entry order; an order
    a shipment completes follows to the shipped folder right after that shipment's entry."""
    now = utcnow()
    ids = shipment_storage.insert_shipments(
        conn, store.id, [(p.order_id, p.shipment) for p in planned], now
    )
    notes: list[order_storage.HistoryNote] = []
    published: list[OrderEvent] = []
    folders: list[Folder] | None = None
    for one, shipment_id in zip(planned, ids, strict=True):
        shipment = one.shipment
        what = "part of the order" if shipment.lines else "the rest of the order"
        carrier = f"{shipment.carrier_code} " if shipment.carrier_code else ""
        note = f"Shipment {shipment_id} added ({what}): {carrier}{shipment.tracking_number}"
        notes.append(order_storage.HistoryNote(one.order_id, note, "shipment"))
        published.append(
            OrderEvent(events.SHIPMENT_CREATED, one.order_id, {"shipment_id": shipment_id})
        )
        if not one.fulfils:
            continue
        folders = folders if folders is not None else stores.list_folders(conn, store.id)
        move = to_shipped(folders, folder_of[one.order_id])
        if move is not None:
            _record(conn, store, notes, published, channel, now)
            notes, published = [], []
            current, shipped = move
            move_locked(conn, store, one.order_id, current, shipped, channel=channel, now=now,
                        reason="all items shipped")  # fmt: skip
            folder_of[one.order_id] = shipped.id
    _record(conn, store, notes, published, channel, now)
    order_storage.touch(conn, {one.order_id for one in planned}, now)
    return list(ids)


def _write_alone(
    conn: Connection, store: Store, one: _Planned, channel: Channel, folder_of: dict[int, int]
) -> int | None:
    """One entry in its own savepoint: its id, or None when the database refused it."""
    before = dict(folder_of)
    try:
        with conn.begin_nested():
            [shipment_id] = _write(conn, store, [one], channel, folder_of)
            return shipment_id
    except Exception:
        folder_of.clear()
        folder_of.update(before)
        log.exception("batch shipment entry %d failed", one.position)
        return None


def _record(
    conn: Connection,
    store: Store,
    notes: Sequence[order_storage.HistoryNote],
    published: Sequence[OrderEvent],
    channel: Channel,
    now: datetime,
) -> None:
    order_storage.record_notes(conn, store.id, notes, channel=channel, now=now)
    events.publish_all(conn, store, published)


def to_shipped(folders: Sequence[Folder], folder_id: int) -> tuple[Folder, Folder] | None:
    """(from, to) when an order in `folder_id` must follow to the shipped folder: it sits
    in a folder that stands for another print-on-demand status, and a shipped folder exists."""
    current = next((f for f in folders if f.id == folder_id), None)
    shipped = next((f for f in folders if f.pod_status == SHIPPED_STATUS), None)
    if current is None or shipped is None or current.pod_status in (None, SHIPPED_STATUS):
        return None
    return current, shipped


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
        shipment_storage.replace_fields(conn, order_id, shipment_id, shipment)
        order_storage.record_history(
            conn, store.id, order_id, f"Shipment {shipment_id} updated: {shipment.tracking_number}",
            event="shipment", channel=channel, now=now,
        )  # fmt: skip
        order_storage.touch(conn, order_id, now)
        return shipment_storage.get(conn, store.id, order_id, shipment_id)


def remove_shipment(
    db: Database, store: Store, order_id: int, shipment_id: int, *, channel: Channel
) -> None:
    with write(db, store) as (conn, store):
        order_storage.lock_order(conn, store.id, order_id)
        shipment_storage.remove(conn, order_id, shipment_id)
        now = utcnow()
        order_storage.record_history(
            conn, store.id, order_id, f"Shipment {shipment_id} deleted",
            event="shipment", channel=channel, now=now,
        )  # fmt: skip
        order_storage.touch(conn, order_id, now)
