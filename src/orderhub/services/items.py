"""An order's items one at a time; the order's totals and stock follow each change."""

from __future__ import annotations

from collections.abc import Callable

from orderhub.domain.channel import Channel
from orderhub.domain.orders import Item
from orderhub.domain.stores import Store
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.services.orders import stock_policy
from orderhub.services.transaction import write
from orderhub.storage import orders as order_storage
from orderhub.storage.database import Database


def add_item(db: Database, store: Store, order_id: int, item: Item, *, channel: Channel) -> Item:
    item.id = None
    with write(db, store) as (conn, store):
        item_id = order_storage.add_item(
            conn, store.id, order_id, item, channel=channel, stock=stock_policy(store)
        )
        events.publish(conn, store, OrderEvent(events.ORDER_UPDATED, order_id))
        return order_storage.get_item(conn, store.id, order_id, item_id)


def update_item(
    db: Database,
    store: Store,
    order_id: int,
    item_id: int,
    change: Callable[[Item], Item],
    *,
    channel: Channel,
) -> Item:
    """`change` gets the item as stored (under the order's lock) and returns it changed."""
    with write(db, store) as (conn, store):
        order_storage.lock_order(conn, store.id, order_id)
        updated = change(order_storage.get_item(conn, store.id, order_id, item_id))
        updated.id = item_id
        order_storage.update_item(
            conn, store.id, order_id, updated, channel=channel, stock=stock_policy(store)
        )
        events.publish(conn, store, OrderEvent(events.ORDER_UPDATED, order_id))
        return order_storage.get_item(conn, store.id, order_id, item_id)


def remove_item(
    db: Database, store: Store, order_id: int, item_id: int, *, channel: Channel
) -> None:
    with write(db, store) as (conn, store):
        order_storage.delete_item(
            conn, store.id, order_id, item_id, channel=channel, stock=stock_policy(store)
        )
        events.publish(conn, store, OrderEvent(events.ORDER_UPDATED, order_id))
