"""Stores, their credentials and their folders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update

from orderhub.domain import credentials
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import Conflict, NotFound
from orderhub.domain.folders import DEFAULT_FOLDERS
from orderhub.domain.stores import Folder, Store
from orderhub.storage import (
    audit_tables,
    desk_tables,
    email_tables,
    inventory_tables,
    notification_tables,
    shipment_tables,
    store_tables,
    supplier_tables,
    tables,
    webhook_tables,
)
from orderhub.storage.driver import DriverQuery
from orderhub.storage.store_tables import stores
from orderhub.storage.supplier_tables import suppliers
from orderhub.storage.tables import folders, rule_sets
from orderhub.storage.webhook_tables import webhook_endpoints


@dataclass(frozen=True)
class NewStore:
    """What `create_store` hands back once: the only time the API key exists in clear."""

    store: Store
    api_key: str
    pod_secret: str


def _row_to_store(row: Any, **subscribed: Any) -> Store:
    return Store(
        id=row.id,
        name=row.name,
        api_key_hint=row.api_key_hint,
        pod_app_id=row.pod_app_id,
        timezone=row.timezone,
        settings=orjson.loads(row.settings),
        created_at=row.created_at,
        **subscribed,
    )


_STORE_COLUMNS = (
    stores.c.id,
    stores.c.name,
    stores.c.api_key_hint,
    stores.c.pod_app_id,
    stores.c.timezone,
    stores.c.settings,
    stores.c.created_at,
)


def create_store(
    conn: Connection,
    name: str,
    *,
    timezone: str = "UTC",
    settings: dict[str, Any] | None = None,
) -> NewStore:
    api_key = credentials.new_api_key()
    pod_secret = credentials.new_pod_secret()
    app_id = _unused_app_id(conn)
    store_id = conn.execute(
        insert(stores)
        .values(
            name=name,
            api_key_hash=credentials.hash_api_key(api_key),
            api_key_hint=credentials.api_key_hint(api_key),
            pod_app_id=app_id,
            pod_secret=pod_secret,
            timezone=timezone,
            settings=orjson.dumps(settings or {}).decode(),
            created_at=utcnow(),
        )
        .returning(stores.c.id)
    ).scalar_one()
    conn.execute(
        insert(folders),
        [
            {"store_id": store_id, "name": spec.name, "position": i, "pod_status": spec.pod_status}
            for i, spec in enumerate(DEFAULT_FOLDERS)
        ],
    )
    return NewStore(store=get_store(conn, store_id), api_key=api_key, pod_secret=pod_secret)


def _unused_app_id(conn: Connection) -> str:
    while True:
        candidate = credentials.new_pod_app_id()
        taken = conn.execute(select(stores.c.id).where(stores.c.pod_app_id == candidate)).first()
        if taken is None:
            return candidate


# Built once, so it compiles once (desk sessions, notifications and the CLI read stores too;
# write transactions read theirs with `get_store_for_write`).
_GET_STORE = select(*_STORE_COLUMNS).where(stores.c.id == bindparam("p_store_id"))


def get_store(conn: Connection, store_id: int) -> Store:
    row = conn.execute(_GET_STORE, {"p_store_id": store_id}).first()
    if row is None:
        raise NotFound(f"store {store_id} not found")
    return _row_to_store(row)


# The same read, with what the store has subscribed to its order events: a change's event
# subscribers then skip their own lookups when there is nothing to deliver to (most stores,
# most writes), instead of two more statements inside the write lock. On the driver
# (storage/driver.py): every write transaction starts with it.
_GET_STORE_FOR_WRITE = DriverQuery(
    select(
        *_STORE_COLUMNS,
        select(webhook_endpoints.c.id)
        .where(webhook_endpoints.c.store_id == stores.c.id)
        .exists()
        .label("has_webhooks"),
        select(suppliers.c.id)
        .where(suppliers.c.store_id == stores.c.id)
        .exists()
        .label("has_suppliers"),
        select(rule_sets.c.generation)
        .where(rule_sets.c.store_id == stores.c.id)
        .scalar_subquery()
        .label("rules_generation"),
        select(rule_sets.c.events)
        .where(rule_sets.c.store_id == stores.c.id)
        .scalar_subquery()
        .label("rule_events"),
    ).where(stores.c.id == bindparam("p_store_id"))
)


def get_store_for_write(conn: Connection, store_id: int) -> Store:
    """The store as a write transaction sees it, with `has_webhooks`, `has_suppliers` and
    what its rules listen to."""
    found = _GET_STORE_FOR_WRITE.rows(conn, {"p_store_id": store_id})
    if not found:
        raise NotFound(f"store {store_id} not found")
    row = found[0]
    return _row_to_store(
        row,
        has_webhooks=bool(row.has_webhooks),
        has_suppliers=bool(row.has_suppliers),
        rules_generation=int(row.rules_generation or 0),
        rule_events=frozenset(filter(None, (row.rule_events or "").split(","))),
    )


def list_stores(conn: Connection) -> list[Store]:
    rows = conn.execute(select(*_STORE_COLUMNS).order_by(stores.c.id)).all()
    return [_row_to_store(row) for row in rows]


def count_stores(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(stores)).scalar_one())


_AUTHENTICATE = select(*_STORE_COLUMNS, stores.c.api_key_hash).where(
    stores.c.id == bindparam("p_store_id")
)


def authenticate(conn: Connection, store_id: int, api_key: str) -> Store | None:
    """The store whose id and key both match, else None. The key check is constant-time,
    and a missing store costs the same hash as a present one."""
    row = conn.execute(_AUTHENTICATE, {"p_store_id": store_id}).first()
    stored_hash = row.api_key_hash if row is not None else b"\0" * 32
    if credentials.api_key_matches(api_key, stored_hash) and row is not None:
        return _row_to_store(row)
    return None


def rotate_api_key(conn: Connection, store_id: int) -> str:
    get_store(conn, store_id)
    api_key = credentials.new_api_key()
    conn.execute(
        update(stores)
        .where(stores.c.id == store_id)
        .values(
            api_key_hash=credentials.hash_api_key(api_key),
            api_key_hint=credentials.api_key_hint(api_key),
        )
    )
    return api_key


def update_settings(
    conn: Connection, store_id: int, changes: dict[str, Any], remove: tuple[str, ...] = ()
) -> Store:
    current = get_store(conn, store_id).settings
    current.update(changes)
    for name in remove:
        current.pop(name, None)
    conn.execute(
        update(stores)
        .where(stores.c.id == store_id)
        .values(settings=orjson.dumps(current).decode())
    )
    return get_store(conn, store_id)


def pod_secret(conn: Connection, store_id: int) -> str:
    return str(
        conn.execute(select(stores.c.pod_secret).where(stores.c.id == store_id)).scalar_one()
    )


# On the driver (storage/driver.py): every print-on-demand answer maps folders to statuses.
_LIST_FOLDERS = DriverQuery(
    select(folders.c.id, folders.c.name, folders.c.position, folders.c.pod_status)
    .where(folders.c.store_id == bindparam("p_store_id"))
    .order_by(folders.c.position, folders.c.id)
)


def list_folders(conn: Connection, store_id: int) -> list[Folder]:
    rows = _LIST_FOLDERS.rows(conn, {"p_store_id": store_id})
    return [Folder(row.id, row.name, row.position, row.pod_status) for row in rows]


def find_folder(
    conn: Connection, store_id: int, *, folder_id: int | None = None, name: str | None = None
) -> Folder | None:
    query = select(folders.c.id, folders.c.name, folders.c.position, folders.c.pod_status).where(
        folders.c.store_id == store_id
    )
    if folder_id is not None:
        query = query.where(folders.c.id == folder_id)
    if name is not None:
        query = query.where(folders.c.name == name)
    row = conn.execute(query.limit(1)).first()
    return Folder(row.id, row.name, row.position, row.pod_status) if row else None


def find_by_app_id(conn: Connection, app_id: str) -> tuple[Store, str] | None:
    """The store with this print-on-demand AppId, and its secret."""
    row = conn.execute(
        select(*_STORE_COLUMNS, stores.c.pod_secret).where(stores.c.pod_app_id == app_id)
    ).first()
    return (_row_to_store(row), row.pod_secret) if row is not None else None


_DEFAULT_FOLDER = (
    select(folders.c.id, folders.c.name, folders.c.position, folders.c.pod_status)
    .where(folders.c.store_id == bindparam("p_store_id"))
    .order_by(folders.c.position, folders.c.id)
    .limit(1)
)


def default_folder(conn: Connection, store_id: int) -> Folder:
    """The store's first folder, where new orders go unless told otherwise."""
    row = conn.execute(_DEFAULT_FOLDER, {"p_store_id": store_id}).first()
    if row is None:
        raise NotFound(f"store {store_id} has no folders")
    return Folder(row.id, row.name, row.position, row.pod_status)


# Children before parents, so that no foreign key (cascading or not) is relied upon: the
# deletion is explicit and the same on both engines. Every table with a store_id is here
# (tests/test_store_delete.py checks the list against the schema).
STORE_TABLES: tuple[Table, ...] = (
    email_tables.email_attempts,
    email_tables.email_outbox,
    email_tables.templates,
    audit_tables.audit_log,
    tables.rules,
    tables.rule_sets,
    desk_tables.desk_sessions,
    desk_tables.store_invitations,
    desk_tables.store_members,
    supplier_tables.forwarding_jobs,
    supplier_tables.suppliers,
    webhook_tables.webhook_deliveries,  # after their webhook_attempts, below
    webhook_tables.webhook_endpoints,
    notification_tables.notifications,
    store_tables.idempotency_keys,
    shipment_tables.shipments,  # after their shipment_items, below
    tables.order_history,
    tables.order_items,
    tables.orders,
    inventory_tables.inventory_items,
    tables.folders,
)


def revoke_credentials(conn: Connection, store_id: int) -> None:
    """Replace the store's API key and print-on-demand secret with ones nobody knows: the
    first step of deleting it, so that running servers stop accepting it (once their
    credential caches expire) before its rows go."""
    get_store(conn, store_id)
    unknown = credentials.new_api_key()
    conn.execute(
        update(stores)
        .where(stores.c.id == store_id)
        .values(
            api_key_hash=credentials.hash_api_key(unknown),
            api_key_hint=credentials.api_key_hint(unknown),
            pod_secret=credentials.new_pod_secret(),
        )
    )


def count_orders(conn: Connection, store_id: int) -> int:
    query = select(func.count()).select_from(tables.orders)
    return int(conn.execute(query.where(tables.orders.c.store_id == store_id)).scalar_one())


def delete_store(conn: Connection, store_id: int, *, with_orders: bool = False) -> dict[str, int]:
    """Delete a store and everything it owns, in the caller's transaction; returns the number
    of rows removed per table. A store that has orders is refused unless `with_orders`."""
    get_store(conn, store_id)
    orders_held = count_orders(conn, store_id)
    if orders_held and not with_orders:
        raise Conflict(
            f"store {store_id} has {orders_held} order(s); pass --with-orders to delete them too"
        )
    removed: dict[str, int] = {}
    shipment_ids = select(shipment_tables.shipments.c.id).where(
        shipment_tables.shipments.c.store_id == store_id
    )
    items = shipment_tables.shipment_items
    removed["shipment_items"] = conn.execute(
        delete(items).where(items.c.shipment_id.in_(shipment_ids))
    ).rowcount
    deliveries = webhook_tables.webhook_deliveries
    delivery_ids = select(deliveries.c.id).where(deliveries.c.store_id == store_id)
    attempts = webhook_tables.webhook_attempts
    removed["webhook_attempts"] = conn.execute(
        delete(attempts).where(attempts.c.delivery_id.in_(delivery_ids))
    ).rowcount
    for table in STORE_TABLES:
        removed[table.name] = conn.execute(
            delete(table).where(table.c.store_id == store_id)
        ).rowcount
    removed["stores"] = conn.execute(delete(stores).where(stores.c.id == store_id)).rowcount
    return removed
