"""The audit log page: who changed the store's set-up, when and through which door; newest
first, paged; owners only, and only the store's own entries. Both databases."""

from __future__ import annotations

from typing import Any

from orderhub.storage import audit, stores
from orderhub.storage.database import Database
from tests.desk.owner_helpers import owner_app, signed

__all__ = ["owner_app"]  # the fixture


def test_the_log_names_who_changed_what_through_which_door(
    owner_app: Any, database: Database, store: stores.NewStore, make_store: Any
) -> None:
    owner = signed(owner_app, database, store, "owner")
    owner.post("/desk/folders", {"name": "Rush"})
    owner.post("/desk/settings/api-key", {"confirm": "yes"})
    form = {"auto_update_stock_count": "on", "negative_stock": ""}
    owner.post("/desk/settings", form)
    with database.write() as conn:
        for i in range(60):
            audit.record(conn, store.store.id, actor="CLI", door="cli", action="folder.create",
                         subject=f"F{i}")  # fmt: skip
    other = make_store("Other")
    with database.write() as conn:
        audit.record(conn, other.store.id, actor="CLI", door="cli", action="secret", subject="X")
    first = owner.client.get("/desk/audit").text
    assert first.count("<tr>") == 51 and ">F59<" in first and "Older" in first
    older = first.split('href="/desk/audit?before=', 1)[1].split('"', 1)[0]
    second = owner.client.get(f"/desk/audit?before={older}").text
    for action in ("folder.create", "key.rotate", "settings.set"):
        assert f"<code>{action}</code>" in second
    assert f"Desk ({owner.email})" in second and ">Rush<" in second
    assert "auto_update_stock_count" in second and "<code>secret</code>" not in first + second
    staff = signed(owner_app, database, store, "staff")
    assert staff.client.get("/desk/audit").status_code == 403
