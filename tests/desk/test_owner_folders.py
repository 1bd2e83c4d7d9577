"""The folders page: create, rename, reorder, delete (a folder with orders moves them in the
same transaction, each move in the order's history); the print-on-demand folders say why
they stay; staff are refused and another store's folder is not found. Both databases."""

from __future__ import annotations

from typing import Any

import pytest

from orderhub.storage import audit, stores
from orderhub.storage.database import Database
from tests.desk.owner_helpers import Signed, folder_id, owner_app, signed

__all__ = ["owner_app"]  # the fixture


@pytest.fixture
def owner(owner_app: Any, database: Database, store: stores.NewStore) -> Signed:
    return signed(owner_app, database, store, "owner")


def _names(database: Database, store: stores.NewStore) -> list[str]:
    with database.read() as conn:
        return [f.name for f in stores.list_folders(conn, store.store.id)]


def test_create_rename_reorder_and_delete_with_orders(
    owner: Signed, database: Database, store: stores.NewStore, od: Any
) -> None:
    created = owner.post("/desk/folders", {"name": "Rush"}, follow_redirects=True)
    assert "Folder Rush created" in created.text
    rush = folder_id(database, store.store.id, "Rush")
    assert _names(database, store)[-1] == "Rush"
    owner.post(f"/desk/folders/{rush}/move", {"direction": "up"})
    assert _names(database, store)[-2:] == ["Rush", "Canceled"]
    renamed = owner.post(
        f"/desk/folders/{rush}/rename", {"name": "Rush jobs"}, follow_redirects=True
    )
    assert "Folder renamed to Rush jobs" in renamed.text
    orders = [int(od.create_order(folder_id=rush)["id"]) for _ in range(2)]
    paid = folder_id(database, store.store.id, "Paid")
    asked = owner.post(f"/desk/folders/{rush}/delete", {})
    assert asked.status_code == 400 and "choose where its 2 orders go" in asked.text
    deleted = owner.post(
        f"/desk/folders/{rush}/delete", {"to_folder_id": str(paid)}, follow_redirects=True
    )
    assert "Folder deleted; its 2 orders moved" in deleted.text
    assert "Rush jobs" not in _names(database, store)
    for order_id in orders:
        order = od.get(f"/orders/{order_id}").json()["order"]
        assert int(order["folder_id"]) == paid
        assert any("Rush jobs deleted" in h["note"] for h in order["order_history"])
    with database.read() as conn:
        actions = [e.action for e in audit.page(conn, store.store.id, before=None, limit=10)]
    assert actions == ["folder.delete", "folder.rename", "folder.reorder", "folder.create"]


def test_protected_folders_and_bad_input(
    owner: Signed, database: Database, store: stores.NewStore
) -> None:
    page = owner.client.get("/desk/folders").text
    assert "stands for the print-on-demand status &#39;printing&#39;" in page
    printing = folder_id(database, store.store.id, "Printing")
    refused = owner.post(f"/desk/folders/{printing}/delete", {})
    assert refused.status_code == 400 and "cannot be deleted" in refused.text
    canceled = folder_id(database, store.store.id, "Canceled")
    refused = owner.post(f"/desk/folders/{canceled}/rename", {"name": "Gone"})
    assert refused.status_code == 400 and "cannot be renamed" in refused.text
    taken = owner.post("/desk/folders", {"name": "Paid"})
    assert taken.status_code == 400 and "already exists" in taken.text
    empty = owner.post("/desk/folders", {"name": ""})
    assert empty.status_code == 400 and "1 to 100 characters" in empty.text
    assert len(_names(database, store)) == 10


def test_staff_and_other_stores_are_refused(
    owner_app: Any, owner: Signed, database: Database, store: stores.NewStore, make_store: Any
) -> None:
    owner.post("/desk/folders", {"name": "Mine"})
    mine = folder_id(database, store.store.id, "Mine")
    staff = signed(owner_app, database, store, "staff")
    assert 'href="/desk/folders"' not in staff.client.get("/desk/inventory").text
    assert staff.client.get("/desk/folders").status_code == 403
    for path in ("/desk/folders", f"/desk/folders/{mine}/rename", f"/desk/folders/{mine}/delete",
                 f"/desk/folders/{mine}/move"):  # fmt: skip
        assert staff.post(path, {"name": "X"}).status_code == 403
    other = signed(owner_app, database, make_store("Other"), "owner")
    for action in ("rename", "delete", "move"):
        assert other.post(f"/desk/folders/{mine}/{action}", {"name": "X"}).status_code == 404
    assert "Mine" in _names(database, store)
