"""`orderhub supplier ...`, and the subscriber that queues an order arriving in a supplier's
folder (moved there, or created there) in the transaction of the change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.domain.channel import Channel
from orderhub.domain.orders import Item, Order
from orderhub.domain.stores import Store
from orderhub.services import events, moves, orders
from orderhub.services.events import OrderEvent
from orderhub.storage import forwarding_jobs, migrate, stores
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.database import Database

runner = CliRunner()
SECRET = "supplier-secret-value-123"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def setup(
    request: pytest.FixtureRequest,
    fresh_database_url: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Database, Store, int]:
    url = fresh_database_url(request.param)
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    monkeypatch.setenv("ORDERHUB_OUTBOUND_ALLOW_PRIVATE", "1")
    db = Database(url)
    migrate.upgrade(db)
    request.addfinalizer(db.dispose)
    with db.write() as conn:
        store = stores.create_store(conn, "S").store
    order = Order(items=[Item(name="Tee", code="JH001")], shipping={"company": "ACME"})
    taken = orders.take_order(db, store, order, channel=Channel.cli())
    assert taken.order is not None and taken.order.id is not None
    return db, store, taken.order.id


def add(store_id: int, *extra: str) -> list[str]:
    return [
        "supplier", "add", str(store_id), "Printer B", "--url", "http://127.0.0.1:9/",
        "--app-id", "APP-00146434", "--secret", SECRET, "--folder", "Printing",
        "--codes", "JH*", "--codes", "GD05-*", "--shipping-map", "Ground=regular, Express=courier",
        "--at-supplier-folder", "In Progress", "--failed-folder", "Internal Order Query", *extra,
    ]  # fmt: skip


def test_supplier_commands_never_show_the_secret_after_add(
    setup: tuple[Database, Store, int],
) -> None:
    db, store, _ = setup
    added = runner.invoke(app, add(store.id))
    assert added.exit_code == 0, added.output
    assert SECRET in added.output and "JH*, GD05-*" in added.output
    with db.read() as conn:
        [supplier] = supplier_storage.list_suppliers(conn, store.id)
    assert supplier.base_url == "http://127.0.0.1:9"
    assert supplier.shipping_map == {"Ground": "regular", "Express": "courier"}
    assert supplier.code_patterns == ("JH*", "GD05-*")
    assert SECRET not in repr(supplier)
    for command in (["list", str(store.id)], ["show", str(store.id), "Printer B"]):
        shown = runner.invoke(app, ["supplier", *command])
        assert shown.exit_code == 0, shown.output
        assert "Printer B" in shown.output and "APP-00146434" in shown.output
        assert SECRET not in shown.output
    again = runner.invoke(app, add(store.id))
    assert again.exit_code == 1 and "already has a supplier" in again.output
    removed = runner.invoke(app, ["supplier", "remove", str(store.id), "Printer B"])
    assert removed.exit_code == 0, removed.output
    with db.read() as conn:
        assert supplier_storage.list_suppliers(conn, store.id) == []


def test_add_refuses_bad_input(
    setup: tuple[Database, Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, store, _ = setup
    for extra, message in (
        (["--folder", "Nowhere"], "no folder 'Nowhere'"),
        (["--shipping-map", "Ground"], "is not ours=theirs"),
    ):
        refused = runner.invoke(app, add(store.id, *extra))
        assert refused.exit_code == 1 and message in refused.output, refused.output
    monkeypatch.setenv("ORDERHUB_OUTBOUND_ALLOW_PRIVATE", "0")
    refused = runner.invoke(app, add(store.id))
    assert refused.exit_code == 1 and "private networks are refused" in refused.output


def test_arrivals_are_queued_and_resend_requeues(setup: tuple[Database, Store, int]) -> None:
    db, store, order_id = setup
    assert runner.invoke(app, add(store.id)).exit_code == 0
    with db.read() as conn:
        printing = stores.find_folder(conn, store.id, name="Printing")
        received = stores.find_folder(conn, store.id, name="Received")
    assert printing is not None and received is not None
    elsewhere = {"from_folder_id": printing.id, "to_folder_id": received.id}
    with db.write() as conn:  # a move elsewhere, and an update, queue nothing
        events.publish(conn, store, OrderEvent(events.ORDER_MOVED, order_id, elsewhere))
        events.publish(conn, store, OrderEvent(events.ORDER_UPDATED, order_id))
        assert forwarding_jobs.jobs_for_order(conn, store.id, order_id) == []
    for _ in range(2):  # moved in (twice: still one job)
        moves.move_orders(db, store, [order_id], folder_id=printing.id, channel=Channel.cli())
        moves.move_orders(db, store, [order_id], folder_id=received.id, channel=Channel.cli())
    with db.read() as conn:
        [job] = forwarding_jobs.jobs_for_order(conn, store.id, order_id)
    assert job.status == forwarding_jobs.PENDING and job.external_id == f"hub-{store.id}-{order_id}"

    # Created directly in the folder.
    order = Order(items=[Item(name="Tee", code="JH001")], shipping={"company": "ACME"})
    order.folder_id = printing.id
    taken = orders.take_order(db, store, order, channel=Channel.cli())
    assert taken.order is not None and taken.order.id is not None
    with db.read() as conn:
        assert len(forwarding_jobs.jobs_for_order(conn, store.id, taken.order.id)) == 1

    with db.write() as conn:
        forwarding_jobs.mark_final(conn, job.id, forwarding_jobs.FAILED, error="refused")
    resent = runner.invoke(app, ["supplier", "resend", str(store.id), str(order_id)])
    assert resent.exit_code == 0 and "queued" in resent.output, resent.output
    with db.read() as conn:
        [job] = forwarding_jobs.jobs_for_order(conn, store.id, order_id)
    assert job.status == forwarding_jobs.PENDING and job.attempts == 0
    with db.write() as conn:
        forwarding_jobs.mark_sent(conn, job.id, supplier_order_id="77", lines=[], last_status="received",
                       next_poll=job.next_attempt_at)  # fmt: skip
    again = runner.invoke(app, ["supplier", "resend", str(store.id), str(order_id)])
    assert again.exit_code == 0 and "already has it as order 77; not resent" in again.output
    missing = runner.invoke(app, ["supplier", "resend", str(store.id), "999999"])
    assert missing.exit_code == 1 and "Order 999999 not found" in missing.output
