"""Order Desk orders as JSON bytes, served from the rendered-order cache
(`orderhub.api.rendered`) while their revision holds.

An order is kept as two byte strings around its `email_count` value (which depends on the
store's other orders and comes fresh from the revision query) plus, for the single-order
view, its history; joined they are exactly `orjson.dumps(order_dict(order))`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection

from orderhub.api.rendered import RenderedOrders
from orderhub.domain.orders import Order
from orderhub.protocol.orderdesk.wire import order_dict
from orderhub.storage import orders as order_storage
from orderhub.storage.async_reads import LoopReads
from orderhub.storage.orders import revisions

ORDER = "orderdesk"
HISTORY = "orderdesk-history"


def split(order: Order) -> tuple[bytes, bytes, bytes | None]:
    """(bytes up to the email_count value, bytes after it, the history list or None)."""
    body = order_dict(order)
    history = body.pop("order_history", None)
    keys = list(body)
    at = keys.index("email_count")
    head = orjson.dumps({k: body[k] for k in keys[:at]})[:-1] + b',"email_count":"'
    tail = b'",' + orjson.dumps({k: body[k] for k in keys[at + 1 :]})[1:]
    return head, tail, None if history is None else orjson.dumps(history)


def join(parts: tuple[bytes, bytes], email_count: int, history: bytes | None) -> bytes:
    head, tail = parts
    if history is None:
        return head + str(email_count).encode() + tail
    return head + str(email_count).encode() + tail[:-1] + b',"order_history":' + history + b"}"


def fetch(
    conn: Connection,
    cache: RenderedOrders,
    store_id: int,
    ids: Sequence[int],
    *,
    with_history: bool,
) -> list[tuple[Any, orjson.Fragment]]:
    """(revision row, the order as JSON) for the store's orders among `ids`, in that order;
    only the orders not already rendered at their current revision are loaded."""
    stamps = revisions.stamps(conn, store_id, ids, email_count=True)
    found, missing = _cached(cache, store_id, stamps, with_history=with_history)
    for order in order_storage.load_orders(conn, store_id, missing, with_history=with_history):
        assert order.id is not None
        head, tail, history = split(order)
        revision = stamps[order.id].revision
        cache.put(store_id, order.id, revision, ORDER, (head, tail))
        if history is not None:
            cache.put(store_id, order.id, revision, HISTORY, history)
        found[order.id] = ((head, tail), history)
    return _joined(ids, stamps, found)


async def fetch_cached(
    reads: LoopReads,
    cache: RenderedOrders,
    store_id: int,
    ids: Sequence[int],
    *,
    with_history: bool,
) -> list[tuple[Any, orjson.Fragment]] | None:
    """`fetch`'s answer when it needs nothing but the revision query, read on the event loop
    (PostgreSQL: storage/async_reads.py); None when an order must be loaded or the query
    could not run there — then `fetch` in the thread pool answers (and reads the revisions
    again, so whatever it renders is labelled with what it read itself)."""
    stamps = await revisions.stamps_on_loop(reads, store_id, ids, email_count=True)
    if stamps is None:
        return None
    found, missing = _cached(cache, store_id, stamps, with_history=with_history)
    if missing:
        return None
    return _joined(ids, stamps, found)


_Found = dict[int, tuple[tuple[bytes, bytes], bytes | None]]


def _cached(
    cache: RenderedOrders, store_id: int, stamps: dict[int, Any], *, with_history: bool
) -> tuple[_Found, list[int]]:
    """The forms rendered at each order's current revision, and the ids of those without."""
    found: _Found = {}
    missing = []
    for order_id, stamp in stamps.items():
        parts = cache.get(store_id, order_id, stamp.revision, ORDER)
        history = cache.get(store_id, order_id, stamp.revision, HISTORY) if with_history else None
        if parts is None or (with_history and history is None):
            missing.append(order_id)
        else:
            found[order_id] = (parts, history)
    return found, missing


def _joined(
    ids: Sequence[int], stamps: dict[int, Any], found: _Found
) -> list[tuple[Any, orjson.Fragment]]:
    return [
        (stamps[i], orjson.Fragment(join(found[i][0], stamps[i].email_count, found[i][1])))
        for i in ids
        if i in found
    ]
