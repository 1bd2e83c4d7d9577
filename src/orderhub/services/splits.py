"""Splitting an order: chosen items (or quantities of them) move to a new order of the same
store, in one transaction (docs/routing.md).

The new order copies the customer, addresses, email, checkout data, metadata and shipping
method; its source id is the original's with the first free suffix `-2`, `-3`, …; the money
is shared as `domain/split.py` says; stock does not move (the units were counted when the
order came in). Both histories name each other. The new order announces `order.created`
with `split_from` in its data (so a new order placed in a supplier's folder is forwarded),
the original `order.updated`.

`split_order_in` is the inner form, run on a caller's connection (the rules engine's
`split` action); `split_order` opens the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import InvalidInput
from orderhub.domain.fulfilment import fulfilment_status, shipped_quantities
from orderhub.domain.inventory import StockPolicy
from orderhub.domain.limits import MAX_SPLIT_PARTS
from orderhub.domain.orders import Discount, Item, Order, apply_totals
from orderhub.domain.split import Line, Plan, Shared, plan_split
from orderhub.domain.stores import Store
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.services.moves import move_locked, resolve_folder
from orderhub.services.orders import CREATED_NOTE
from orderhub.services.shipments import to_shipped
from orderhub.services.transaction import write
from orderhub.storage import forwarding_jobs, stores
from orderhub.storage import orders as order_storage
from orderhub.storage.database import Database
from orderhub.storage.orders import split as split_storage

# Metadata that describes the original's own forwarding; a new order has none of it yet.
NOT_COPIED_METADATA = ("supplier_order_id", "supplier_name")
NO_STOCK = StockPolicy(enabled=False, reject_negative=False)
SOURCE_ID_TRIES = 5


class CancelledOrder(InvalidInput):
    """The order is cancelled: a refusal about the order, not about the items named."""


@dataclass(frozen=True)
class SplitPart:
    """Which item moves: its id on the order, or its code (every item with that code, in
    order); `quantity` None moves all that is not shipped yet."""

    item: int | str
    quantity: int | None = None


@dataclass(frozen=True)
class Moved:
    item_id: int  # on the original order
    code: str
    quantity: int


@dataclass(frozen=True)
class SplitResult:
    original_id: int
    new_order_id: int
    new_source_id: str
    moved: tuple[Moved, ...]
    folder_id: int


def parts_matching(order: Order, predicate: Callable[[Item], bool]) -> list[SplitPart]:
    """Every item `predicate` picks, whole (all of it not shipped yet): how a rule's item
    conditions choose what to split off. Matching no item or every item is refused."""
    parts = [SplitPart(item.id) for item in order.items if item.id is not None and predicate(item)]
    if not parts:
        raise InvalidInput("no item of the order matches: nothing to split off")
    if len(parts) == len(order.items):
        raise InvalidInput("every item of the order matches: a split must leave something")
    return parts


def split_order(
    db: Database,
    store: Store,
    order_id: int,
    parts: Sequence[SplitPart],
    *,
    folder: str | None = None,
    channel: Channel,
) -> SplitResult:
    with write(db, store) as (conn, store):
        return split_order_in(
            conn, store, order_id, parts, folder=folder, channel=channel, now=utcnow()
        )


def split_order_in(
    conn: Connection,
    store: Store,
    order_id: int,
    parts: Sequence[SplitPart],
    *,
    folder: str | None,
    channel: Channel,
    now: datetime,
) -> SplitResult:
    """Split on the caller's transaction. Refusals (InvalidInput, NotFound, UnknownFolder)
    come before any write."""
    current = order_storage.lock_order(conn, store.id, order_id)
    if current.deleted:
        raise CancelledOrder(f"order {order_id} is cancelled: a cancelled order cannot be split")
    order = order_storage.get_order(conn, store.id, order_id, with_history=False)
    destination = (
        resolve_folder(conn, store.id, folder_id=None, folder_name=folder)
        if folder is not None
        else None
    )
    lines = _lines(conn, store.id, order)
    plan = plan_split(lines, _requested(order, lines, parts), _shared(order))
    folder_id = destination.id if destination is not None else order.folder_id
    kept, new, moved = _parts(order, plan, folder_id, now)

    by_id = {item.id: item.quantity for item in order.items}
    changed = {k: q for k, q in plan.kept.items() if q != by_id[k]}
    split_storage.keep(conn, store.id, order_id, changed, kept)
    created = _insert(conn, store, order, new, channel)
    assert created.id is not None and created.source_id is not None
    _record(conn, store, order, created, moved, channel, now)
    _follow_to_shipped(conn, store, order, kept, channel, now)
    return SplitResult(order_id, created.id, created.source_id, moved, int(created.folder_id or 0))


def _parts(
    order: Order, plan: Plan, folder_id: int | None, now: datetime
) -> tuple[Order, Order, tuple[Moved, ...]]:
    """The original as it stays (totals recomputed), the new order, and what moved."""
    by_id = {item.id: item for item in order.items}
    kept = _with_shared(order, plan.kept_shared)
    kept.items = [replace(by_id[k], quantity=q) for k, q in plan.kept.items() if q]
    kept.date_updated = now
    apply_totals(kept)
    new = _with_shared(order, plan.moved_shared)
    new.items = [replace(by_id[k], id=None, quantity=q) for k, q in plan.moved.items() if q]
    apply_totals(new)
    new.folder_id = folder_id
    new.date_added = now
    new.order_metadata = {
        k: v for k, v in order.order_metadata.items() if k not in NOT_COPIED_METADATA
    }
    moved = tuple(Moved(k, by_id[k].code, q) for k, q in plan.moved.items() if q)
    return kept, new, moved


def _record(
    conn: Connection,
    store: Store,
    order: Order,
    created: Order,
    moved: Sequence[Moved],
    channel: Channel,
    now: datetime,
) -> None:
    """Both histories name each other; the new order is announced as created (with the
    order it came from), the original as updated."""
    original_id, new_id = int(order.id or 0), int(created.id or 0)
    what = ", ".join(f"{m.quantity} × {m.code or f'item {m.item_id}'}" for m in moved)
    order_storage.record_notes(
        conn, store.id,
        [
            order_storage.HistoryNote(
                original_id, f"Split: {what} moved to order {new_id} "
                f"(source id {created.source_id})", "split",
            ),
            order_storage.HistoryNote(
                new_id, f"Split from order {original_id} (source id "
                f"{order.source_id or original_id}): {what}", "split",
            ),
        ],
        channel=channel, now=now,
    )  # fmt: skip
    data = {"split_from": original_id, "folder_id": created.folder_id}
    events.publish(conn, store, OrderEvent(events.ORDER_CREATED, new_id, data))
    events.publish(conn, store, OrderEvent(events.ORDER_UPDATED, original_id, {"split_to": new_id}))


def _follow_to_shipped(
    conn: Connection, store: Store, order: Order, kept: Order, channel: Channel, now: datetime
) -> None:
    """What stays may now be all shipped (the unshipped rest moved away): like a last
    shipment, that moves an order in a print-on-demand status folder to Shipped."""
    ordered = {item.id: item.quantity for item in kept.items if item.id is not None}
    if not order.shipments or fulfilment_status(ordered, order.shipments) != "fulfilled":
        return
    move = to_shipped(stores.list_folders(conn, store.id), int(order.folder_id or 0))
    if move is not None:
        source, shipped = move
        move_locked(conn, store, int(order.id or 0), source, shipped, channel=channel, now=now,
                    reason="all items shipped")  # fmt: skip


def _lines(conn: Connection, store_id: int, order: Order) -> list[Line]:
    """The order's items with what of each can move: not shipped, and not at a supplier."""
    ordered = {item.id: item.quantity for item in order.items if item.id is not None}
    shipped = shipped_quantities(ordered, order.shipments)
    forwarded: dict[int, int] = {}
    for job in forwarding_jobs.jobs_for_order(conn, store_id, int(order.id or 0)):
        if job.status in (forwarding_jobs.SENT, forwarding_jobs.SHIPPED):
            for item_id, quantity in job.lines:
                forwarded[item_id] = forwarded.get(item_id, 0) + quantity
    return [
        Line(
            key=item_id,
            price=next(i.price for i in order.items if i.id == item_id),
            quantity=quantity,
            movable=max(0, quantity - max(shipped.get(item_id, 0), forwarded.get(item_id, 0))),
        )  # fmt: skip
        for item_id, quantity in ordered.items()
    ]


def _requested(order: Order, lines: Sequence[Line], parts: Sequence[SplitPart]) -> dict[int, int]:
    """{item id: quantity} from parts naming items by id or by code (a code's quantity is
    taken from its items in turn). Messages name the item as the caller did."""
    if not parts:
        raise InvalidInput("nothing to move: choose at least one item")
    if len(parts) > MAX_SPLIT_PARTS:
        raise InvalidInput(f"at most {MAX_SPLIT_PARTS} items can be named in one split")
    movable = {line.key: line.movable for line in lines}
    wanted: dict[int, int] = {}
    for part in parts:
        if isinstance(part.item, int):
            if part.item not in movable:
                raise InvalidInput(f"item {part.item} is not on this order")
            ids, name = [part.item], f"item {part.item}"
        else:
            ids = [i.id for i in order.items if i.id is not None and i.code == part.item]
            name = f"item {part.item!r}"
            if not ids:
                raise InvalidInput(f"no item on this order has code {part.item!r}")
        free = {i: movable[i] - wanted.get(i, 0) for i in ids}
        left = sum(free.values()) if part.quantity is None else part.quantity
        if left < 1:
            raise InvalidInput(
                f"{name}: nothing of it is left to move (shipped or at a supplier)"
                if part.quantity is None
                else f"{name}: the quantity to move must be at least 1"
            )
        if left > sum(free.values()):
            raise InvalidInput(
                f"{name}: only {sum(free.values())} can move (the rest is shipped or at a "
                f"supplier); cannot move {left}"
            )
        for item_id in ids:
            take = min(free[item_id], left)
            if take:
                wanted[item_id] = wanted.get(item_id, 0) + take
                left -= take
    return wanted


def _shared(order: Order) -> Shared:
    balance = order.processor_balance
    return Shared(
        shipping=order.shipping_total, handling=order.handling_total, tax=order.tax_total,
        refund=order.refund_total, discounts=tuple(d.amount for d in order.discount_list),
        balance=None if balance is None or balance == order.order_total else balance,
    )  # fmt: skip


def _with_shared(order: Order, shared: Shared) -> Order:
    """A copy of `order` carrying one part's share of the money (items set by the caller)."""
    return replace(
        order,
        shipping_total=shared.shipping, handling_total=shared.handling, tax_total=shared.tax,
        refund_total=shared.refund, processor_balance=shared.balance,
        discount_list=[
            Discount(d.name, amount, d.code)
            for d, amount in zip(order.discount_list, shared.discounts, strict=True)
        ],
        shipments=[], history=None,
    )  # fmt: skip


def _insert(conn: Connection, store: Store, original: Order, new: Order, channel: Channel) -> Order:
    """Insert the new part under the first free `-N` source id; a concurrent writer that
    takes that id first (the unique index says so) makes it try the next."""
    base = original.source_id or str(original.id)
    for attempt in range(SOURCE_ID_TRIES):
        new.source_id = split_storage.free_suffix_source_id(conn, store.id, base, skip=attempt)
        try:
            with conn.begin_nested():
                return order_storage.insert_order(
                    conn, store.id, replace(new, id=None), channel=channel,
                    default_source_id=False, stock=NO_STOCK, note=CREATED_NOTE,
                )  # fmt: skip
        except IntegrityError:
            continue
    raise InvalidInput(f"no free source id {base}-N found; try again")
