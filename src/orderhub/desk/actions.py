"""Every change the desk makes, in one place. Order and inventory changes go through the
service layer (`orderhub.services`), so history, stock, folder rules and outbound events are
the same whichever door a change came through; the history names the desk user
(`Channel.desk`). Settings, keys and staff go through `store_settings` and `members`, which
write the store's audit log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderhub.desk import queries
from orderhub.domain.channel import Channel
from orderhub.domain.errors import NotFound
from orderhub.domain.fulfilment import LineRequest, Shipment
from orderhub.domain.orders import SHIPPING_ADDRESS_FIELDS
from orderhub.domain.stores import Store
from orderhub.services import (
    desk_sessions,
    members,
    moves,
    order_updates,
    orders,
    shipments,
    splits,
    store_settings,
)
from orderhub.services import emails as email_service
from orderhub.services import inventory as inventory_service
from orderhub.services.inventory import ItemVersion
from orderhub.services.moves import MoveResult
from orderhub.services.order_updates import OrderChanges
from orderhub.storage import emails as email_storage
from orderhub.storage.accounts import User
from orderhub.storage.database import Database
from orderhub.storage.invitations import Invitation


def move_orders(
    db: Database, store: Store, order_ids: list[int], folder_id: int, user: str
) -> list[MoveResult]:
    return moves.move_orders(db, store, order_ids, folder_id=folder_id, channel=Channel.desk(user))


def add_shipment(
    db: Database,
    store: Store,
    order_id: int,
    *,
    tracking_number: str,
    carrier_code: str,
    lines: list[tuple[int, int]],
    user: str,
) -> Shipment:
    """`lines` empty ships everything not shipped yet; else (order item id, quantity)."""
    shipment = Shipment(tracking_number=tracking_number, carrier_code=carrier_code)
    requested = [LineRequest(quantity=qty, item_id=item_id) for item_id, qty in lines]
    return shipments.add_shipment(
        db, store, order_id, shipment, requested, channel=Channel.desk(user)
    )


def split_order(
    db: Database,
    store: Store,
    order_id: int,
    lines: list[tuple[int, int]],
    folder_id: int | None,
    user: str,
) -> splits.SplitResult:
    """`lines`: (order item id, quantity) to move; the new order goes to `folder_id`, or
    stays in the original's folder."""
    folder = None
    if folder_id is not None:
        try:
            folder = queries.folder(db, store, folder_id).name
        except NotFound:
            raise moves.UnknownFolder(f"folder {folder_id} does not exist") from None
    parts = [splits.SplitPart(item_id, qty) for item_id, qty in lines]
    return splits.split_order(db, store, order_id, parts, folder=folder, channel=Channel.desk(user))


def add_note(db: Database, store: Store, order_id: int, note: str, user: str) -> None:
    orders.add_note(db, store, order_id, note, channel=Channel.desk(user))


def edit_shipping_address(
    db: Database, store: Store, order_id: int, address: dict[str, str], user: str, revision: int
) -> None:
    """Only the address, and only if the order is still at the `revision` the form showed
    (else StaleEdit)."""
    changes = OrderChanges(
        shipping={k: address.get(k, "") for k in SHIPPING_ADDRESS_FIELDS},
        note="Shipping address changed",
    )
    order_updates.update_order(
        db, store, order_id, changes, expected_revision=revision, channel=Channel.desk(user)
    )


def cancel_order(db: Database, store: Store, order_id: int, user: str) -> None:
    orders.cancel_order(db, store, order_id, channel=Channel.desk(user))


def update_inventory(
    db: Database,
    store: Store,
    item_id: int,
    *,
    stock: int,
    price: Decimal,
    user: str,
    seen: ItemVersion,
) -> None:
    """Stock and price, only if the item is as the form showed it (else StaleEdit)."""
    inventory_service.set_stock_and_price(
        db, store, item_id, stock=stock, price=price,
        source=Channel.desk(user).source_name, seen=seen,
    )  # fmt: skip


def save_settings(
    db: Database, store: Store, changes: dict[str, Any], remove: list[str], user: str = ""
) -> None:
    store_settings.change_settings(db, store.id, changes, tuple(remove), channel=Channel.desk(user))


def rotate_api_key(db: Database, store: Store, user: str = "") -> str:
    return store_settings.rotate_api_key(db, store.id, channel=Channel.desk(user))


def switch_store(db: Database, session_hash: bytes, user_id: int, store_id: int) -> None:
    desk_sessions.switch_store(db, session_hash, user_id, store_id)


def invite_member(db: Database, store: Store, email: str, role: str, by: str) -> bool:
    """Invite `email` with `role` (see `members.invite_member`); True: they already work
    here and just got the role."""
    return members.invite_member(db, store.id, email, role, by, channel=Channel.desk(by))


def answer_invitation(
    db: Database, user: User, session_hash: bytes, invitation_id: int, *, accept: bool
) -> Invitation:
    return members.answer_invitation(db, user, session_hash, invitation_id, accept=accept)


def cancel_invitation(db: Database, store: Store, invitation_id: int, user: str = "") -> None:
    members.cancel_invitation(db, store.id, invitation_id, channel=Channel.desk(user))


def remove_member(
    db: Database, store: Store, user_id: int, acting_user_id: int, user: str = ""
) -> None:
    members.remove_member(db, store.id, user_id, acting_user_id, channel=Channel.desk(user))


def send_email(db: Database, store: Store, order_id: int, template: str, user: str) -> None:
    email_service.send_template(db, store, order_id, template, channel=Channel.desk(user))


def resend_email(db: Database, store: Store, order_id: int, email_id: int, user: str) -> None:
    """Only an email of this order of this store."""
    with db.read() as conn:
        found = email_storage.get(conn, email_id, store.id)
    if found.order_id != order_id:
        raise NotFound(f"Email {email_id} not found")
    email_service.resend(db, email_id, store_id=store.id, channel=Channel.desk(user))
