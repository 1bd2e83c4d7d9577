"""`orderhub folder`, `orderhub orders move` and `orderhub shipments add`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.domain.channel import Channel
from orderhub.domain.orders import Item, Order
from orderhub.services import orders
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database
from orderhub.storage.orders import get_order

runner = CliRunner()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def setup(
    request: pytest.FixtureRequest,
    fresh_database_url: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Database, int, int]:
    url = fresh_database_url(request.param)
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    db = Database(url)
    migrate.upgrade(db)
    request.addfinalizer(db.dispose)
    with db.write() as conn:
        store = stores.create_store(conn, "S").store
    order = Order(items=[Item(name="Tee")], shipping={"company": "ACME"})
    taken = orders.take_order(db, store, order, channel=Channel.cli())
    assert taken.order is not None and taken.order.id is not None
    return db, store.id, taken.order.id


def test_folder_commands(setup: tuple[Database, int, int]) -> None:
    db, store_id, order_id = setup
    created = runner.invoke(app, ["folder", "create", str(store_id), "Rush"])
    assert created.exit_code == 0, created.output
    listed = runner.invoke(app, ["folder", "list", str(store_id)])
    assert "Rush" in listed.output and "Received" in listed.output
    with db.read() as conn:
        rush = stores.find_folder(conn, store_id, name="Rush")
    assert rush is not None
    moved = runner.invoke(app, ["orders", "move", str(store_id), "Rush", str(order_id), "999999"])
    assert moved.exit_code == 2
    assert f"order {order_id}: Order Moved to Rush Folder" in moved.output
    assert "Order 999999 not found" in moved.output
    refused = runner.invoke(app, ["folder", "delete", str(store_id), str(rush.id)])
    assert refused.exit_code == 1 and "still holds 1 orders" in refused.output
    renamed = runner.invoke(app, ["folder", "rename", str(store_id), str(rush.id), "Express"])
    assert renamed.exit_code == 0
    dup = runner.invoke(app, ["folder", "create", str(store_id), "Express"])
    assert dup.exit_code == 1 and "already exists" in dup.output


def test_shipments_add(setup: tuple[Database, int, int]) -> None:
    db, store_id, order_id = setup
    result = runner.invoke(
        app, ["shipments", "add", str(store_id), str(order_id), "1Z999AA10123456784"]
    )
    assert result.exit_code == 0, result.output
    assert "UPS 1Z999AA10123456784" in result.output
    with db.read() as conn:
        order = get_order(conn, store_id, order_id)
    assert order.fulfillment_status == "fulfilled"
    again = runner.invoke(
        app, ["shipments", "add", str(store_id), str(order_id), "1Z999AA10123456784"]
    )
    assert again.exit_code == 1 and "Shipment Not Added" in again.output
