"""Every read the desk makes, in one place, so the desk can switch from storage to the
service layer by changing this module alone. Each function is scoped to one store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from orderhub.domain.errors import NotFound
from orderhub.domain.inventory import InventoryItem
from orderhub.domain.orders import Order
from orderhub.domain.queries import OrderQuery
from orderhub.domain.stores import Folder, Store
from orderhub.protocol.orderdesk.cursor import decode_cursor, encode_cursor
from orderhub.services import folders as folder_service
from orderhub.services.exports import iter_orders
from orderhub.storage import accounts, inventory, invitations, stores, webhooks
from orderhub.storage import emails as email_storage
from orderhub.storage import orders as order_storage
from orderhub.storage.accounts import Member
from orderhub.storage.count_cache import CountCache
from orderhub.storage.database import Database
from orderhub.storage.invitations import Invitation
from orderhub.storage.orders import partial, revisions
from orderhub.storage.webhooks import Endpoint

PAGE_SIZE = 50
INVENTORY_PAGE = 50
ORDERS_PER_CODE = 25

# The list's sort choices: each a keyset order on (column, id).
SORTS: dict[str, tuple[str, bool, str]] = {
    "newest": ("date_added", True, "Newest first"),
    "oldest": ("date_added", False, "Oldest first"),
    "updated": ("date_updated", True, "Recently updated"),
}


@dataclass(frozen=True)
class ListFilter:
    text: str = ""
    added_from: datetime | None = None
    added_to: datetime | None = None
    sort: str = "newest"


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    total: int
    next_cursor: str | None


def folders(db: Database, store: Store, counts: CountCache) -> list[tuple[Folder, int]]:
    """The side bar: every folder with its order count. Counting a large store takes a
    scan per page view, so it is reused like a list's total (exact for this process's own
    writes, other processes' within ORDERHUB_COUNT_CACHE_SECONDS)."""
    return counts.get_or_count(
        store.id, ("folders",), lambda: folder_service.with_counts(db, store)
    )


def folder(db: Database, store: Store, folder_id: int) -> Folder:
    with db.read() as conn:
        found = stores.find_folder(conn, store.id, folder_id=folder_id)
    if found is None:
        raise NotFound("Folder not found")
    return found


def _query(folder_id: int | None, filters: ListFilter) -> OrderQuery:
    sort, descending, _ = SORTS[filters.sort]
    return OrderQuery(
        folder_ids=[folder_id] if folder_id is not None else None,
        text=filters.text or None,
        added_from=filters.added_from,
        added_to=filters.added_to,
        sort=sort,
        descending=descending,
    )


def order_page(
    db: Database,
    counts: CountCache,
    store: Store,
    folder_id: int | None,
    filters: ListFilter,
    cursor: str | None,
) -> OrderPage:
    """One page in keyset order: the millionth order costs what the first does. No folder:
    every folder of the store."""
    query = _query(folder_id, filters)
    if cursor:
        query.after = decode_cursor(cursor, query.sort)
    with db.read() as conn:
        total = counts.get_or_count(
            store.id, query.cache_key(), lambda: order_storage.count_orders(conn, store.id, query)
        )
        ids = order_storage.search_order_ids(conn, store.id, query, limit=PAGE_SIZE + 1, offset=0)
        found = order_storage.load_orders(conn, store.id, ids[:PAGE_SIZE], with_history=False)
    next_cursor = None
    if len(ids) > PAGE_SIZE and found:
        last = found[-1]
        next_cursor = encode_cursor(query.sort, getattr(last, query.sort), int(last.id or 0))
    return OrderPage(found, total, next_cursor)


def export(db: Database, store: Store, folder_id: int, filters: ListFilter) -> Iterator[Order]:
    return iter_orders(db, store.id, _query(folder_id, filters))


def order(db: Database, store: Store, order_id: int) -> Order:
    with db.read() as conn:
        return order_storage.get_order(conn, store.id, order_id, with_history=True)


def order_for_edit(db: Database, store: Store, order_id: int) -> tuple[Order, int]:
    """The order and the revision its forms carry. The revision is read first: a change
    landing between the two reads makes a later save refused (safe), never silently lost."""
    with db.read() as conn:
        stamp = revisions.stamps(conn, store.id, [order_id], email_count=False).get(order_id)
        if stamp is None:
            raise NotFound(f"Order {order_id} not found")
        return order_storage.get_order(conn, store.id, order_id, with_history=True), int(
            stamp.revision
        )


def revision_and_last_change(
    db: Database, store: Store, order_id: int
) -> tuple[int, partial.LastChange]:
    """The order's revision now, and its last history entry (who changed it, when)."""
    with db.read() as conn:
        stamp = revisions.stamps(conn, store.id, [order_id], email_count=False).get(order_id)
        if stamp is None:
            raise NotFound(f"Order {order_id} not found")
        return int(stamp.revision), partial.last_change(conn, store.id, order_id)


def orders(db: Database, store: Store, order_ids: list[int]) -> list[Order]:
    """The orders of this store among these ids, in the order asked; others are left out."""
    with db.read() as conn:
        found = {
            o.id: o
            for o in order_storage.load_orders(conn, store.id, order_ids, with_history=False)
        }
    return [found[i] for i in order_ids if i in found]


def inventory_page(
    db: Database, store: Store, search: str, offset: int
) -> tuple[int, list[InventoryItem]]:
    with db.read() as conn:
        return inventory.list_items(
            conn, store.id, codes=None, search=search or None, limit=INVENTORY_PAGE, offset=offset
        )


def inventory_item(db: Database, store: Store, item_id: int) -> InventoryItem:
    with db.read() as conn:
        return inventory.get_item(conn, store.id, item_id)


def orders_with_code(db: Database, store: Store, code: str) -> list[Order]:
    with db.read() as conn:
        ids = order_storage.order_ids_with_code(conn, store.id, code, limit=ORDERS_PER_CODE)
        return order_storage.load_orders(conn, store.id, ids, with_history=False)


def pod_secret(db: Database, store: Store) -> str:
    with db.read() as conn:
        return stores.pod_secret(conn, store.id)


def members(db: Database, store: Store) -> list[Member]:
    with db.read() as conn:
        return accounts.members_of_store(conn, store.id)


def latest_order_ids(db: Database, store: Store, count: int = 10) -> list[int]:
    """The store's newest orders, for choosing one to preview a template on."""
    with db.read() as conn:
        newest = OrderQuery(sort="date_added", descending=True)
        return order_storage.search_order_ids(conn, store.id, newest, limit=count, offset=0)


def order_emails(db: Database, store: Store, order_id: int) -> list[email_storage.Email]:
    with db.read() as conn:
        return email_storage.list_emails(conn, store.id, order_id=order_id, limit=100)


def store_invitations(db: Database, store: Store) -> list[Invitation]:
    with db.read() as conn:
        return invitations.of_store(conn, store.id)


def my_invitations(db: Database, email: str) -> list[Invitation]:
    with db.read() as conn:
        return invitations.for_email(conn, email)


def webhook_endpoints(db: Database, store: Store) -> list[Endpoint]:
    """The store's webhook endpoints, for a rule's `webhook` action."""
    with db.read() as conn:
        return webhooks.list_endpoints(conn, store.id)
