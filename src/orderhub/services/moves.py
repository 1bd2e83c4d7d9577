"""Moving orders between folders. A move is also a print-on-demand status change (the
folder's `pod_status`), announced as `order.moved`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import InvalidInput
from orderhub.domain.stores import Folder, Store
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.services.transaction import write
from orderhub.storage import folders as folder_storage
from orderhub.storage import orders as order_storage
from orderhub.storage import stores
from orderhub.storage.database import Database


class UnknownFolder(InvalidInput):
    """The destination folder does not exist in this store."""


@dataclass(frozen=True)
class MoveResult:
    order_id: int
    moved: bool
    message: str
    original_folder_id: int | None = None


def resolve_folder(
    conn: Connection, store_id: int, *, folder_id: int | None, folder_name: str | None
) -> Folder:
    if folder_id is not None:
        folder = stores.find_folder(conn, store_id, folder_id=folder_id)
        if folder is None:
            raise UnknownFolder(f"folder {folder_id} does not exist")
        return folder
    folder = stores.find_folder(conn, store_id, name=folder_name or "")
    if folder is None:
        raise UnknownFolder(f"no folder named {folder_name!r}")
    return folder


def move_locked(
    conn: Connection,
    store: Store,
    order_id: int,
    source: Folder | int,
    destination: Folder,
    *,
    channel: Channel,
    now: datetime,
    reason: str = "",
) -> None:
    """Move one order whose row the caller has locked, with its history entry and event."""
    from_id = source.id if isinstance(source, Folder) else source
    from_name = source.name if isinstance(source, Folder) else str(source)
    order_storage.set_folder(conn, order_id, destination.id, now)
    note = f"Moved from {from_name} to {destination.name}" + (f" ({reason})" if reason else "")
    order_storage.record_history(
        conn, store.id, order_id, note, event="move", channel=channel, now=now
    )
    data: dict[str, object] = {
        "from_folder_id": from_id, "from_folder": from_name,
        "to_folder_id": destination.id, "to_folder": destination.name,
    }  # fmt: skip
    if reason:
        data["cause"] = reason
    events.publish(conn, store, OrderEvent(events.ORDER_MOVED, order_id, data))


def move_orders(
    db: Database,
    store: Store,
    order_ids: list[int],
    *,
    folder_id: int | None = None,
    folder_name: str | None = None,
    channel: Channel,
) -> list[MoveResult]:
    """Move each order on its own terms: an unknown id is reported, the others still move."""
    with write(db, store) as (conn, store):
        destination = resolve_folder(conn, store.id, folder_id=folder_id, folder_name=folder_name)
        found = folder_storage.lock_orders(conn, store.id, order_ids)
        names = {f.id: f for f in stores.list_folders(conn, store.id)}
        now = utcnow()
        results = []
        for order_id in order_ids:
            original = found.get(order_id)
            if original is None:
                results.append(MoveResult(order_id, False, f"Order {order_id} not found"))
                continue
            if original != destination.id:
                source = names.get(original, original)
                move_locked(conn, store, order_id, source, destination, channel=channel, now=now)
            results.append(
                MoveResult(order_id, True, f"Order Moved to {destination.name} Folder", original)
            )
        return results
