"""The suppliers page: owners add, edit, test, resend and remove suppliers through the same
service as `orderhub supplier`; the secret is shown once; staff are refused; another
store's supplier is not found. Both databases."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from orderhub.storage import audit, forwarding_jobs, stores
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.database import Database
from tests.desk.owner_helpers import Signed, folder_id, owner_app, signed
from tests.outbound.receiver import Answer, Receiver

SECRET = "s3cret-of-the-printer"
__all__ = ["owner_app"]  # the fixture


@pytest.fixture
def owner(owner_app: Any, database: Database, store: stores.NewStore) -> Signed:
    return signed(owner_app, database, store, "owner")


def _form(database: Database, store: stores.NewStore, url: str, **changes: str) -> dict[str, str]:
    return {
        "name": "Printer", "url": url, "app_id": "APP-00146434", "secret": SECRET,
        "folder_id": str(folder_id(database, store.store.id, "Paid")), "codes": "JH*\nGD05-*",
        "shipping_map": "Ground=regular", "at_supplier_folder_id": "", "failed_folder_id": "",
        **changes,
    }  # fmt: skip


def _only(database: Database, store: stores.NewStore) -> supplier_storage.Supplier:
    with database.read() as conn:
        [found] = supplier_storage.list_suppliers(conn, store.store.id)
    return found


def test_an_owner_adds_tests_edits_and_removes_a_supplier(
    owner: Signed, database: Database, store: stores.NewStore
) -> None:
    answer = Answer(200, orjson.dumps({"count": 3}), {"Content-Type": "application/json"})
    with Receiver(answer) as printer:
        added = owner.post("/desk/suppliers", _form(database, store, printer.url))
        assert added.status_code == 200 and SECRET in added.text  # shown this once
        supplier = _only(database, store)
        assert supplier.code_patterns == ("JH*", "GD05-*")
        assert supplier.shipping_map == {"Ground": "regular"}
        for path in ("/desk/suppliers", f"/desk/suppliers/{supplier.id}"):
            shown = owner.client.get(path)
            assert shown.status_code == 200 and "Printer" in shown.text
            assert SECRET not in shown.text
        tested = owner.post(f"/desk/suppliers/{supplier.id}/test")
        assert "Connected: Printer accepted a signed request" in tested.text
        [request] = printer.received
        assert request.path.startswith("/api/orders/count.php") and "Signature=" in request.path
    edited = owner.post(
        f"/desk/suppliers/{supplier.id}",
        _form(database, store, "http://127.0.0.1:9", name="Printer B", secret=""),
        follow_redirects=True,
    )
    assert "Supplier saved" in edited.text
    after = _only(database, store)
    assert (after.name, after.secret, after.base_url) == ("Printer B", SECRET, "http://127.0.0.1:9")
    failed = owner.post(f"/desk/suppliers/{supplier.id}/test")
    assert "Not connected:" in failed.text
    refused = owner.post(f"/desk/suppliers/{supplier.id}/remove", {})
    assert refused.status_code == 400 and "Tick the box" in refused.text
    removed = owner.post(
        f"/desk/suppliers/{supplier.id}/remove", {"confirm": "yes"}, follow_redirects=True
    )
    assert "Supplier Printer B removed" in removed.text
    with database.read() as conn:
        assert supplier_storage.list_suppliers(conn, store.store.id) == []
        actions = [e.action for e in audit.page(conn, store.store.id, before=None, limit=10)]
    assert actions == ["supplier.remove", "supplier.edit", "supplier.add"]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "1 to 100 characters"),
        ({"url": "ftp://printer"}, "url", "http(s) URL"),
        ({"secret": ""}, "secret", "secret is required"),
        ({"shipping_map": "Ground"}, "shipping_map", "is not ours=theirs"),
        ({"folder_id": "999999999"}, "folder_id", "has no folder"),
        ({"folder_id": "x"}, "folder_id", "whole number"),
    ],
)
def test_bad_supplier_input_is_shown_beside_the_field(
    owner: Signed, database: Database, store: stores.NewStore, changes: dict[str, str],
    field: str, message: str,
) -> None:  # fmt: skip
    response = owner.post(
        "/desk/suppliers", {**_form(database, store, "http://127.0.0.1:9"), **changes}
    )
    assert response.status_code == 400
    assert f'id="err-{field}">' in response.text
    assert message in response.text.split(f'id="err-{field}">', 1)[1].split("</p>", 1)[0]
    assert SECRET not in response.text
    with database.read() as conn:
        assert supplier_storage.list_suppliers(conn, store.store.id) == []


def test_failed_forwards_are_listed_with_the_suppliers_message_and_resent(
    owner: Signed, database: Database, store: stores.NewStore, od: Any
) -> None:
    owner.post("/desk/suppliers", _form(database, store, "http://127.0.0.1:9", codes=""))
    supplier = _only(database, store)
    order_id = int(od.create_order()["id"])
    with database.write() as conn:
        forwarding_jobs.queue_arrivals(conn, store.store.id, order_id, supplier.folder_id)
        [job] = forwarding_jobs.jobs_for_order(conn, store.store.id, order_id)
        forwarding_jobs.mark_final(
            conn, job.id, forwarding_jobs.FAILED, error="Unknown product code JH999"
        )
    page = owner.client.get(f"/desk/suppliers/{supplier.id}")
    assert "Unknown product code JH999" in page.text and f"#{order_id}" in page.text
    resent = owner.post(
        f"/desk/suppliers/{supplier.id}/resend", {"order_id": str(order_id)}, follow_redirects=True
    )
    assert "queued" in resent.text
    with database.read() as conn:
        assert (
            forwarding_jobs.jobs_for_order(conn, store.store.id, order_id)[0].status
            == forwarding_jobs.PENDING
        )


def test_staff_and_other_stores_are_refused(
    owner_app: Any, owner: Signed, database: Database, store: stores.NewStore,
    make_store: Any,
) -> None:  # fmt: skip
    owner.post("/desk/suppliers", _form(database, store, "http://127.0.0.1:9"))
    supplier = _only(database, store)
    staff = signed(owner_app, database, store, "staff")
    assert "/desk/suppliers" not in staff.client.get("/desk/inventory").text
    assert "/desk/suppliers" in owner.client.get("/desk/inventory").text
    for path in ("/desk/suppliers", f"/desk/suppliers/{supplier.id}"):
        assert staff.client.get(path).status_code == 403
    for path in (
        "/desk/suppliers", f"/desk/suppliers/{supplier.id}",
        f"/desk/suppliers/{supplier.id}/remove", f"/desk/suppliers/{supplier.id}/test",
    ):  # fmt: skip
        assert staff.post(path, {"confirm": "yes", "name": "X"}).status_code == 403
    other = signed(owner_app, database, make_store("Other"), "owner")
    assert other.client.get(f"/desk/suppliers/{supplier.id}").status_code == 404
    assert (
        other.post(f"/desk/suppliers/{supplier.id}/remove", {"confirm": "yes"}).status_code == 404
    )
    no_csrf = owner.client.post(f"/desk/suppliers/{supplier.id}/remove", data={"confirm": "yes"})
    assert no_csrf.status_code == 403
    assert _only(database, store).id == supplier.id
