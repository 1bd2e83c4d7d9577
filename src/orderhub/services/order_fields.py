"""Setting single fields of an order (an automation rule's `set` and `tag`): the order's own
columns the API may change, or one key of its metadata or checkout data. One history entry
and an `order.updated` event per call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import TEXT_WIDTHS
from orderhub.domain.stores import Store
from orderhub.domain.values import check_depth, dumps_php, loads_map, text_problem
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.storage import orders as order_storage
from orderhub.storage.tables import orders

MAP_FIELDS = ("order_metadata", "checkout_data")


def column_of(path: str) -> str:
    """`shipping.city` → `shipping_city`; a plain field is its own column."""
    return path.replace(".", "_", 1) if path.startswith(("shipping.", "customer.")) else path


def _column_value(path: str, value: Any) -> str:
    column = column_of(path)
    text = "" if value is None else value if isinstance(value, str) else str(value)
    widest = TEXT_WIDTHS["orders"].get(column)
    if widest is None:
        raise InvalidInput(f"{path} is not a field that can be set")
    if len(text) > widest:
        raise InvalidInput(f"{path}: {len(text)} characters, more than {widest}")
    problem = text_problem(text)
    if problem:
        raise InvalidInput(f"{path}: {problem}")
    return text


def set_fields_locked(
    conn: Connection,
    store: Store,
    order_id: int,
    changes: Mapping[str, Any],
    *,
    channel: Channel,
    note: str,
) -> None:
    """Set `changes` (field path → value) on one order, on the caller's transaction (locks
    the order). Column widths are checked here, so a value too long fails the call and
    nothing of it is written."""
    order_storage.lock_order(conn, store.id, order_id)
    values: dict[str, Any] = {}
    maps: dict[str, dict[str, Any]] = {}
    for path, value in changes.items():
        head, _, key = path.partition(".")
        if head in MAP_FIELDS and key:
            if head not in maps:
                raw = conn.execute(
                    orders.select()
                    .with_only_columns(orders.c[head])
                    .where(orders.c.id == order_id, orders.c.store_id == store.id)
                ).scalar_one()
                maps[head] = loads_map(raw)
            maps[head][key] = value
        else:
            values[column_of(path)] = _column_value(path, value)
    for head, mapping in maps.items():
        if not check_depth(mapping):
            raise InvalidInput(f"{head}: nested too deep")
        values[head] = dumps_php(mapping)
    now = utcnow()
    order_storage.update_fields(conn, order_id, values, now)
    order_storage.record_history(
        conn, store.id, order_id, note, event="update", channel=channel, now=now
    )
    events.publish(conn, store, OrderEvent(events.ORDER_UPDATED, order_id))
