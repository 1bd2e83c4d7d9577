"""Taking, replacing, cancelling and deleting orders, and notes: one transaction each.

Doors differ only by parameters: whether a blank source id becomes the new id, what a
duplicate source id does, where a new order lands, which idempotency scope applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Required, TypedDict, Unpack

import anyio.to_thread
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from orderhub.domain import pod
from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import DuplicateOrder, InvalidInput
from orderhub.domain.folders import CANCELED_FOLDER
from orderhub.domain.inventory import StockPolicy
from orderhub.domain.orders import Order, apply_totals
from orderhub.domain.stores import Store
from orderhub.services import events, idempotency
from orderhub.services.events import OrderEvent
from orderhub.services.idempotency import IdempotentRequest, Replay
from orderhub.services.transaction import write, write_unit, write_unit_async
from orderhub.storage import count_cache, stores
from orderhub.storage import orders as order_storage
from orderhub.storage.database import Database

Render = Callable[[Connection, Order], tuple[int, bytes]]
# The first line of every new order's history, whichever door it came through.
CREATED_NOTE = "Order created"


@dataclass(frozen=True)
class TakenOrder:
    order: Order | None = None
    # A replay of an earlier request with the same key (order is None then).
    replay: Replay | None = None
    # What `render` produced for the new order, when the caller passed it.
    response: tuple[int, bytes] | None = None
    # The order already existed (on_duplicate="return_existing").
    existing: bool = False


def stock_policy(store: Store) -> StockPolicy:
    """The store's stock rules, from the settings verified with its credentials."""
    return StockPolicy.from_settings(store.settings)


class TakeOptions(TypedDict, total=False):
    """How a door takes an order (see `take_order_async`)."""

    channel: Required[Channel]
    default_source_id: bool  # a blank source id becomes the new id (default True)
    on_duplicate: Literal["reject", "return_existing"]  # default "reject"
    folder_status: str | None
    idempotent: IdempotentRequest | None
    render: Render | None


def take_order(
    db: Database, store: Store, order: Order, **options: Unpack[TakeOptions]
) -> TakenOrder:
    """`take_order_async` for a caller in a thread of its own (it waits for the commit)."""
    unit = _TakeUnit.of(order, options)
    try:
        return write_unit(db, store, unit)
    except IntegrityError as error:
        return _duplicate(db, store, unit, options.get("on_duplicate", "reject"), error)


async def take_order_async(
    db: Database, store: Store, order: Order, **options: Unpack[TakeOptions]
) -> TakenOrder:
    """Create a validated order. A duplicate (source_name, source_id) is decided by the unique
    index — a concurrent create that loses the race sees the winner — and either refused
    (DuplicateOrder) or answered with the existing order. `folder_status` puts the order in
    the folder that stands for that print-on-demand status.

    The create is a write unit (`services/transaction.py` `write_unit_async`). `render`
    makes the answer inside the transaction (required with `idempotent`, whose key stores
    it), so a door needs no read of its own to answer."""
    unit = _TakeUnit.of(order, options)
    try:
        return await write_unit_async(db, store, unit)
    except IntegrityError as error:
        on_duplicate = options.get("on_duplicate", "reject")
        return await anyio.to_thread.run_sync(_duplicate, db, store, unit, on_duplicate, error)


@dataclass(frozen=True)
class _TakeUnit:
    """A create as a write unit: run on the transaction it is given."""

    order: Order
    channel: Channel
    default_source_id: bool
    folder_status: str | None
    idempotent: IdempotentRequest | None
    render: Render | None

    @classmethod
    def of(cls, order: Order, options: TakeOptions) -> _TakeUnit:
        return cls(
            order,
            options["channel"],
            options.get("default_source_id", True),
            options.get("folder_status"),
            options.get("idempotent"),
            options.get("render"),
        )

    def __post_init__(self) -> None:
        if self.idempotent is not None and self.render is None:
            raise ValueError("an idempotent create must say how its answer is rendered")

    def __call__(self, conn: Connection, store: Store) -> TakenOrder:
        order, idempotent = self.order, self.idempotent
        if idempotent is not None:
            replay = idempotency.claim(conn, store.id, idempotent)
            if replay is not None:
                return TakenOrder(replay=replay)
        if self.folder_status is not None:
            order.folder_id = None  # the insert picks the folder of that status
        apply_totals(order)
        created = order_storage.insert_order(
            conn, store.id, order, channel=self.channel,
            default_source_id=self.default_source_id, stock=stock_policy(store),
            note=CREATED_NOTE, folder_status=self.folder_status,
        )  # fmt: skip
        created_id = created.id
        assert created_id is not None
        event = OrderEvent(events.ORDER_CREATED, created_id)
        if events.publish(conn, store, event, order=created):
            # A rule changed it (moved it, tagged it): answer with the order as it is now.
            created = order_storage.get_order(conn, store.id, created_id, with_history=False)
        created.email_count = order_storage.email_count(conn, store.id, created_id)
        if self.render is None:
            return TakenOrder(order=created)
        response = self.render(conn, created)
        if idempotent is not None:
            idempotency.record(conn, store.id, idempotent, *response)
        return TakenOrder(order=created, response=response)


def _duplicate(
    db: Database,
    store: Store,
    unit: _TakeUnit,
    on_duplicate: Literal["reject", "return_existing"],
    error: IntegrityError,
) -> TakenOrder:
    """A create the unique (source_name, source_id) index refused: the existing order."""
    order, render = unit.order, unit.render
    if not order.source_id:
        raise error
    with db.read() as conn:
        existing = order_storage.find_by_source(conn, store.id, order.source_name, order.source_id)
        if existing is None:
            raise error
        if on_duplicate == "return_existing":
            found = order_storage.get_order(conn, store.id, existing, with_history=False)
            answer = render(conn, found) if render is not None else None
            return TakenOrder(order=found, existing=True, response=answer)
    raise DuplicateOrder(existing, order.source_name, order.source_id) from None


def replace_order(
    db: Database,
    store: Store,
    order_id: int,
    order: Order,
    *,
    channel: Channel,
    keep_items: bool = False,
) -> Order:
    """Full replacement (see order_storage.orders.replace_order); `keep_items` keeps the items as
    they are (a replacement that did not mention them)."""
    try:
        with write(db, store) as (conn, store):
            current = order_storage.lock_order(conn, store.id, order_id)
            if keep_items:
                order.items = order_storage.get_items(conn, store.id, order_id)
            apply_totals(order)
            now = utcnow()
            try:
                folder_id = order_storage.replace_order(
                    conn, store.id, order_id, order, current, stock=stock_policy(store), now=now
                )
            except order_storage.ForeignItem as exc:
                raise InvalidInput(
                    f"order_items: item {exc.item_id} does not belong to order {order_id}"
                ) from None
            note = "Order updated"
            if folder_id != current.folder_id:
                note = f"Order updated and moved from folder {current.folder_id} to {folder_id}"
            order_storage.record_history(
                conn, store.id, order_id, note, event="updated", channel=channel, now=now
            )
            events.publish(conn, store, OrderEvent(events.ORDER_UPDATED, order_id))
            if folder_id != current.folder_id:
                events.publish(conn, store, _moved(order_id, current.folder_id, folder_id))
            return order_storage.get_order(conn, store.id, order_id, with_history=False)
    except IntegrityError:
        # The new (source_name, source_id) belongs to another order.
        source_name = order.source_name
        with db.read() as conn:
            existing = order_storage.find_by_source(
                conn, store.id, source_name, order.source_id or ""
            )
        if existing is None:
            raise
        raise DuplicateOrder(existing, source_name, order.source_id or "") from None


def _moved(order_id: int, from_id: int, to_id: int, cause: str = "") -> OrderEvent:
    data: dict[str, object] = {"from_folder_id": from_id, "to_folder_id": to_id}
    if cause:
        data["cause"] = cause
    return OrderEvent(events.ORDER_MOVED, order_id, data)


def cancel_order(db: Database, store: Store, order_id: int, *, channel: Channel) -> Order:
    """Cancel an unpaid order: it stays, flagged cancelled, in the Canceled folder,
    remembering the print-on-demand status it had. Cancelling twice changes nothing."""
    with write(db, store) as (conn, store):
        cancel_locked(conn, store, order_id, channel=channel)
        return order_storage.get_order(conn, store.id, order_id, with_history=False)


def cancel_locked(conn: Connection, store: Store, order_id: int, *, channel: Channel) -> bool:
    """`cancel_order` on the caller's transaction (locks the order); whether it was
    cancelled now (False: it already was)."""
    current = order_storage.lock_order(conn, store.id, order_id)
    if current.deleted:
        return False
    folder_list = stores.list_folders(conn, store.id)
    statuses = {f.id: f.pod_status for f in folder_list}
    status = pod.status_of(current.folder_id, {}, statuses)
    if status not in pod.UNPAID_STATUSES:
        raise InvalidInput(
            f"Order {order_id} cannot be deleted: it is {status}; only unpaid "
            "(received) orders can be"
        )
    canceled = next(
        (f for f in folder_list if f.name == CANCELED_FOLDER and f.pod_status is None),
        None,
    )
    target = canceled.id if canceled is not None else None
    order_storage.mark_cancelled(
        conn, store.id, current, status_before=status, folder_id=target, channel=channel
    )
    data = {
        "from_folder_id": current.folder_id,
        "to_folder_id": target or current.folder_id,
    }
    events.publish(conn, store, OrderEvent(events.ORDER_CANCELED, order_id, data))
    return True


def delete_order(db: Database, store: Store, order_id: int) -> None:
    with write(db, store) as (conn, store):
        order_storage.delete_order(conn, store.id, order_id, stock=stock_policy(store))
        count_cache.bump(store.id)


def add_note(
    db: Database,
    store: Store,
    order_id: int,
    note: str,
    *,
    channel: Channel,
    source_name: str = "",
) -> Order:
    """A history note (`source_name` overrides the channel's name). Returns the order with
    its history."""
    with write(db, store) as (conn, store):
        add_note_locked(conn, store, order_id, note, channel=channel, source_name=source_name)
        return order_storage.get_order(conn, store.id, order_id, with_history=True)


def add_note_locked(
    conn: Connection,
    store: Store,
    order_id: int,
    note: str,
    *,
    channel: Channel,
    source_name: str = "",
) -> None:
    """`add_note` on the caller's transaction (locks the order)."""
    order_storage.lock_order(conn, store.id, order_id)
    now = utcnow()
    order_storage.record_history(
        conn, store.id, order_id, note, event="note", channel=channel, now=now,
        source_name=source_name,
    )  # fmt: skip
    order_storage.touch(conn, order_id, now)
