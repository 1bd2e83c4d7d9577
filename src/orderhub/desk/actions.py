"""Every change the desk makes, in one place: the desk never writes SQL or calls storage
writers from its routes. Each function opens its own transaction and names the desk user
in the order's history."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from orderhub.domain import passwords
from orderhub.domain.errors import InvalidInput, NotFound
from orderhub.domain.fulfilment import Shipment, ShipmentLine
from orderhub.domain.inventory import StockPolicy
from orderhub.domain.orders import SHIPPING_ADDRESS_FIELDS, require_name
from orderhub.storage import accounts, desk_sessions, inventory, notifications, stores
from orderhub.storage import folders as folder_repo
from orderhub.storage import orders as repo
from orderhub.storage import shipments as shipment_repo
from orderhub.storage.database import Database
from orderhub.storage.folders import MoveResult
from orderhub.storage.stores import Store

SURFACE = "desk"


def who(email: str) -> str:
    """How the history names a change made on the desk."""
    return f"Desk ({email})"


def move_orders(
    db: Database, store: Store, order_ids: list[int], folder_id: int, user: str
) -> list[MoveResult]:
    with db.write() as conn:
        destination = stores.find_folder(conn, store.id, folder_id=folder_id)
        if destination is None:
            raise InvalidInput("folder_id: no such folder")
        return folder_repo.move_orders(conn, store.id, order_ids, destination, surface=SURFACE)


def add_shipment(
    db: Database,
    store: Store,
    order_id: int,
    *,
    tracking_number: str,
    carrier_code: str,
    lines: list[tuple[int, int]],
    user: str,
) -> int:
    """`lines` empty ships everything not shipped yet; else (order item id, quantity)."""
    shipment = Shipment(
        tracking_number=tracking_number,
        carrier_code=carrier_code,
        lines=[ShipmentLine(item_id, qty) for item_id, qty in lines],
    )
    with db.write() as conn:
        return shipment_repo.create(conn, store.id, order_id, shipment, surface=SURFACE)


def add_note(db: Database, store: Store, order_id: int, note: str, user: str) -> None:
    with db.write() as conn:
        repo.add_history_note(conn, store.id, order_id, note, who(user), surface=SURFACE)


def edit_shipping_address(
    db: Database, store: Store, order_id: int, address: dict[str, str], user: str
) -> None:
    with db.write() as conn:
        order = repo.get_order(conn, store.id, order_id, with_history=False)
        changed = replace(order, shipping={k: address.get(k, "") for k in SHIPPING_ADDRESS_FIELDS})
        require_name(changed)
        repo.replace_order(
            conn, store.id, order_id, changed, surface=SURFACE,
            stock=StockPolicy.from_settings(store.settings),
        )  # fmt: skip


def cancel_order(db: Database, store: Store, order_id: int, user: str) -> None:
    with db.write() as conn:
        order = repo.get_order(conn, store.id, order_id, with_history=False)
        if order.deleted:
            raise InvalidInput(f"Order {order_id} is already cancelled")
        folder = stores.find_folder(conn, store.id, folder_id=order.folder_id)
        status = folder.pod_status if folder and folder.pod_status else "received"
        repo.cancel_order(conn, store.id, order_id, status, surface=SURFACE)
        notifications.enqueue(conn, store.id, order_id, "updated")


def update_inventory(
    db: Database, store: Store, item_id: int, *, stock: int, price: Decimal, user: str
) -> None:
    with db.write() as conn:
        item = inventory.get_item(conn, store.id, item_id)
        item.stock, item.price, item.update_source = stock, price, who(user)
        inventory.replace_item(conn, store.id, item_id, item)


def save_settings(db: Database, store: Store, changes: dict[str, Any], remove: list[str]) -> None:
    with db.write() as conn:
        stores.update_settings(conn, store.id, changes, tuple(remove))


def rotate_api_key(db: Database, store: Store) -> str:
    with db.write() as conn:
        return stores.rotate_api_key(conn, store.id)


def switch_store(db: Database, session_hash: bytes, user_id: int, store_id: int) -> None:
    with db.write() as conn:
        if accounts.role_in(conn, user_id, store_id) is None:
            raise NotFound("Store not found")
        desk_sessions.switch_store(conn, session_hash, store_id)


def add_member(db: Database, store: Store, email: str, role: str) -> str | None:
    """Add a user to the store; a new user gets a generated password, returned once."""
    password = None
    with db.write() as conn:
        found = accounts.find_user(conn, email)
        if found is None:
            password = passwords.new_password()
            user = accounts.create_user(conn, email, passwords.hash_password(password))
        else:
            user = found[0]
        accounts.set_membership(conn, user.id, store.id, role)
    return password


def remove_member(db: Database, store: Store, user_id: int, acting_user_id: int) -> None:
    if user_id == acting_user_id:
        raise InvalidInput("You cannot remove yourself from the store")
    with db.write() as conn:
        if not accounts.remove_membership(conn, user_id, store.id):
            raise NotFound("User not found")
        desk_sessions.end_all_for_user(conn, user_id, store.id)
