"""`orderhub store delete`: everything a store owns goes, in one transaction, and nothing of
another store's is touched (both engines)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from orderhub.cli import app as cli
from orderhub.domain.channel import Channel
from orderhub.domain.errors import Conflict
from orderhub.services import rules as rule_service
from orderhub.storage import (
    accounts,
    audit,
    desk_sessions,
    email_tables,
    invitations,
    notifications,
    shipment_tables,
    store_tables,
    stores,
    supplier_tables,
    tables,
    webhook_tables,
)
from orderhub.storage import emails as email_storage
from orderhub.storage import templates as template_storage
from orderhub.storage.database import Database
from orderhub.templating.builtins import Template
from tests.helpers import OrderDesk, sample_order

runner = CliRunner()


def test_every_table_with_a_store_id_is_deleted_explicitly() -> None:
    with_store_id = {t.name for t in tables.metadata.sorted_tables if "store_id" in t.c}
    assert with_store_id == {t.name for t in stores.STORE_TABLES}


def populate(od: OrderDesk, database: Database) -> None:
    """One of everything a store can own."""
    store_id = od.store.store.id
    order = od.create_order(order_items=[{"name": "Mug", "code": "MUG", "price": 7, "quantity": 2}])
    shipped = {"tracking_number": "1Z999", "order_items": [{"code": "MUG", "quantity": 1}]}
    assert od.post(f"/orders/{order['id']}/shipments", json=shipped).status_code == 200
    od.post(f"/orders/{order['id']}/order-history", json={"note": "called"})
    od.post("/inventory-items", json={"name": "Mug", "code": "MUG", "stock": 3})
    od.post("/folders", json={"name": "Extra"})
    once = od.post("/orders", json=sample_order(), headers={"Idempotency-Key": "once"})
    assert once.status_code == 200, once.text
    with database.write() as conn:
        stores.update_settings(conn, store_id, {"pod_notification_url": "http://127.0.0.1:9/"})
        notifications.enqueue(conn, store_id, order["id"], "shipped")
        now = datetime(2026, 11, 25)
        folder_id = stores.list_folders(conn, store_id)[0].id
        endpoint = conn.execute(
            insert(webhook_tables.webhook_endpoints)
            .values(
                store_id=store_id,
                url="http://127.0.0.1:9/",
                events="order.created",
                secret="s",
                created_at=now,
            )
            .returning(webhook_tables.webhook_endpoints.c.id)
        ).scalar_one()
        delivery = conn.execute(
            insert(webhook_tables.webhook_deliveries)
            .values(
                store_id=store_id,
                endpoint_id=endpoint,
                event="order.created",
                order_id=int(order["id"]),
                delivery_id=str(uuid.uuid4()),
                next_attempt_at=now,
                created_at=now,
            )
            .returning(webhook_tables.webhook_deliveries.c.id)
        ).scalar_one()
        conn.execute(
            insert(webhook_tables.webhook_attempts).values(
                delivery_id=delivery, attempted_at=now, duration_ms=1
            )
        )
        supplier = conn.execute(
            insert(supplier_tables.suppliers)
            .values(
                store_id=store_id,
                name="Printer",
                base_url="http://127.0.0.1:9",
                app_id="APP-1",
                secret="s",
                folder_id=folder_id,
                created_at=now,
            )
            .returning(supplier_tables.suppliers.c.id)
        ).scalar_one()
        conn.execute(
            insert(supplier_tables.forwarding_jobs).values(
                store_id=store_id, supplier_id=supplier, order_id=int(order["id"]),
                status="pending", external_id=f"hub-{order['id']}", next_attempt_at=now,
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        email = email_storage.enqueue(
            conn, store_id, int(order["id"]), "order confirmation", "a@shop.test",
            shipment_id=None, now=now, domain="shop.test",
        )  # fmt: skip
        conn.execute(
            insert(email_tables.email_attempts).values(
                store_id=store_id, email_id=email, attempted_at=now, duration_ms=1
            )
        )
        template_storage.save(conn, store_id, Template("job ticket", "document", "", "<p></p>"))
        user = accounts.create_user(conn, f"staff{store_id}@shop.test", "not-a-real-hash")
        accounts.set_membership(conn, user.id, store_id, "staff")
        desk_sessions.create(conn, user.id, store_id)
        invitations.invite(conn, store_id, f"new{store_id}@shop.test", "staff", "owner@shop.test")
        audit.record(
            conn, store_id, actor="CLI", door="cli", action="settings.set", subject="store"
        )
    rule = {"name": "Note", "event": "manual", "actions": [{"action": "add_note", "text": "x"}]}
    rule_service.add_rule(database, od.store.store, rule, channel=Channel.cli())


def rows_of(database: Database, store_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    with database.read() as conn:
        for table in stores.STORE_TABLES:
            query = select(func.count()).select_from(table).where(table.c.store_id == store_id)
            counts[table.name] = conn.execute(query).scalar_one()
        items = shipment_tables.shipment_items.join(shipment_tables.shipments)
        query = (
            select(func.count())
            .select_from(items)
            .where(shipment_tables.shipments.c.store_id == store_id)
        )
        counts["shipment_items"] = conn.execute(query).scalar_one()
        attempts = webhook_tables.webhook_attempts.join(webhook_tables.webhook_deliveries)
        query = (
            select(func.count())
            .select_from(attempts)
            .where(webhook_tables.webhook_deliveries.c.store_id == store_id)
        )
        counts["webhook_attempts"] = conn.execute(query).scalar_one()
        query = (
            select(func.count())
            .select_from(store_tables.stores)
            .where(store_tables.stores.c.id == store_id)
        )
        counts["stores"] = conn.execute(query).scalar_one()
    return counts


def test_store_delete_removes_everything_and_only_that_store(
    client: Any,
    database: Database,
    make_store: Callable[..., stores.NewStore],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doomed, kept = OrderDesk(client, make_store("Doomed")), OrderDesk(client, make_store("Kept"))
    populate(doomed, database)
    populate(kept, database)
    doomed_id, kept_id = doomed.store.store.id, kept.store.store.id
    before = rows_of(database, doomed_id)
    assert all(before.values()), before  # the test really owns one of everything
    kept_before = rows_of(database, kept_id)

    monkeypatch.setenv("ORDERHUB_DATABASE_URL", database.url)
    result = runner.invoke(cli, ["store", "delete", str(doomed_id), "--yes"])
    assert result.exit_code == 1 and "--with-orders" in result.output
    assert rows_of(database, doomed_id) == before
    result = runner.invoke(cli, ["store", "delete", str(doomed_id), "--with-orders"], input="n\n")
    assert result.exit_code == 1 and "Doomed" in result.output
    assert rows_of(database, doomed_id) == before

    result = runner.invoke(cli, ["store", "delete", str(doomed_id), "--with-orders", "--yes"])
    assert result.exit_code == 0, result.output
    assert "deleted" in result.output
    assert set(rows_of(database, doomed_id).values()) == {0}
    assert rows_of(database, kept_id) == kept_before
    assert kept.get("/orders").json()["total_records"] == 2
    # Its credentials went first, and the command waited out the servers' credential cache
    # (5 s here, as in the test app): a request with them is refused, never a 500.
    assert "waiting 5 s" in result.output
    assert doomed.get("/test").status_code == 401
    assert doomed.post("/orders", json=sample_order()).status_code == 401
    with database.read() as conn:
        assert stores.authenticate(conn, doomed_id, doomed.store.api_key) is None
        assert stores.find_by_app_id(conn, doomed.store.store.pod_app_id) is None
    result = runner.invoke(cli, ["store", "delete", str(doomed_id), "--yes"])
    assert result.exit_code == 1 and f"store {doomed_id} not found" in result.output


def test_an_empty_store_is_deleted_without_with_orders(
    database: Database, make_store: Callable[..., stores.NewStore]
) -> None:
    new = make_store("Empty")
    with database.write() as conn:
        removed = stores.delete_store(conn, new.store.id)
    assert removed["stores"] == 1 and removed["folders"] > 0


def test_delete_store_refuses_orders_in_storage(
    client: Any, database: Database, od: OrderDesk
) -> None:
    od.create_order()
    with pytest.raises(Conflict), database.write() as conn:
        stores.delete_store(conn, od.store.store.id)
