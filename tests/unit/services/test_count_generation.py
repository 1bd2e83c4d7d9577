"""The services that change which orders a folder or a filter counts bump the store's count
generation (storage/count_cache.py), so this process never serves a stale count: folder
create, rename, reorder and delete, and order delete. Both databases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orderhub.domain.channel import Channel
from orderhub.domain.orders import Item, Order
from orderhub.services import folders, orders
from orderhub.storage import count_cache
from orderhub.storage.count_cache import CountCache

CLI = Channel.cli()


def _bumps(store_id: int, change: Callable[[], object]) -> bool:
    before = count_cache._generations.get(store_id, 0)
    change()
    return count_cache._generations.get(store_id, 0) > before


def test_folder_changes_and_an_order_delete_bump_the_generation(database: Any, store: Any) -> None:
    shop = store.store
    mugs = folders.create_folder(database, shop, "Mugs", None, CLI)
    assert _bumps(shop.id, lambda: folders.create_folder(database, shop, "Caps", None, CLI))
    assert _bumps(shop.id, lambda: folders.rename_folder(database, shop, mugs.id, "Cups", CLI))
    assert _bumps(
        shop.id, lambda: folders.move_folder(database, shop, mugs.id, up=True, channel=CLI)
    )
    assert _bumps(shop.id, lambda: folders.delete_folder(database, shop, mugs.id, CLI))
    taken = orders.take_order(database, shop, Order(items=[Item(name="Tee")]), channel=CLI)
    assert taken.order is not None and taken.order.id is not None
    order_id = taken.order.id
    assert _bumps(shop.id, lambda: orders.delete_order(database, shop, order_id))


def test_a_count_is_not_served_across_a_folder_change(database: Any, store: Any) -> None:
    shop = store.store
    cache = CountCache(ttl=60)
    names = lambda: [f.name for f, _ in folders.with_counts(database, shop)]  # noqa: E731
    first = cache.get_or_count(shop.id, "folders", names)
    folders.create_folder(database, shop, "Prints", None, CLI)
    assert cache.get_or_count(shop.id, "folders", names) == [*first, "Prints"]
