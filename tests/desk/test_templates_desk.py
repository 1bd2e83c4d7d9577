"""The desk's templates and emails over HTTP on both databases: owners edit with a preview on
a real order and see errors beside the line; staff print any document and email the
customer; roles, CSRF and per-store isolation hold on every new page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderhub.storage import emails as outbox
from orderhub.storage import stores
from orderhub.storage import templates as template_storage
from orderhub.storage.database import Database
from orderhub.templating.builtins import Template
from tests.desk.helpers import DeskUser, desk_client, make_user, sign_in
from tests.helpers import OrderDesk


def saved_template(database: Database, store_id: int, name: str) -> Template:
    with database.read() as conn:
        found = template_storage.find(conn, store_id, name)
    assert found is not None
    return found


@pytest.fixture
def owner(database: Database, store: stores.NewStore) -> DeskUser:
    return make_user(database, store, "owner")


@pytest.fixture
def client(desk_app: Any) -> TestClient:
    return desk_client(desk_app)


def test_staff_cannot_reach_the_template_pages(
    client: TestClient, database: Database, store: stores.NewStore
) -> None:
    csrf = sign_in(client, make_user(database, store, "staff"))
    for path in ("/desk/templates", "/desk/templates/invoice"):
        assert client.get(path).status_code == 403, path
    for path, data in (
        ("/desk/templates", {"name": "x", "kind": "document"}),
        ("/desk/templates/invoice", {"body": "<p>x</p>", "action": "save"}),
        ("/desk/templates/invoice/reset", {}),
    ):
        assert client.post(path, data={**data, "csrf_token": csrf}).status_code == 403, path
    assert 'href="/desk/templates"' not in client.get("/desk/inventory").text


def test_an_owner_previews_saves_and_resets_a_template(
    client: TestClient, owner: DeskUser, od: OrderDesk, database: Database
) -> None:
    csrf = sign_in(client, owner)
    order_id = od.create_order(shipping_method="Pigeon post")["id"]
    page = client.get(f"/desk/templates/invoice?order={order_id}")
    assert page.status_code == 200 and "Pigeon post" not in page.text  # the invoice omits it
    assert f"Invoice for order #{order_id}" in page.text  # the preview, in the iframe's srcdoc
    body = "<h1>Slip {{ order.id }}</h1>\n<p>{{ order.shipping_method }}</p>"
    preview = client.post(
        "/desk/templates/invoice",
        data={"body": body, "order_id": order_id, "action": "preview", "csrf_token": csrf},
    )
    assert preview.status_code == 200
    assert "Pigeon post" in preview.text and f"Slip {order_id}" in preview.text
    assert saved_template(database, od.store.store.id, "invoice").edited is False
    saved = client.post(
        "/desk/templates/invoice",
        data={"body": body, "order_id": order_id, "action": "save", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved_template(database, od.store.store.id, "invoice").body == body
    listing = client.get("/desk/templates").text
    assert re.search(r">invoice</a></td>\s*<td>document</td>\s*<td>edited<", listing)
    reset = client.post(
        "/desk/templates/invoice/reset", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert reset.status_code == 303
    assert saved_template(database, od.store.store.id, "invoice").edited is False


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("<p>one</p>\n<p>two</p>\n{% for x in %}\n<p>four</p>", "Line 3: Expected an expression"),
        ("<p>ok</p>\n{{ ''.__class__.__mro__ }}", "Line 2: &#39;__class__&#39; is not allowed"),
        ("{% for i in range(10**9) %}x{% endfor %}", "range longer than 100,000"),
    ],
)
def test_a_bad_template_is_refused_with_the_error_beside_its_line(
    body: str, shown: str, client: TestClient, owner: DeskUser, database: Database
) -> None:
    csrf = sign_in(client, owner)
    response = client.post(
        "/desk/templates/packing slip",
        data={"body": body, "action": "save", "csrf_token": csrf},
    )
    assert response.status_code == 400
    assert shown in response.text
    assert 'aria-invalid="true" aria-describedby="err-body"' in response.text
    if "Line" in shown:
        assert re.search(r'<li class="bad"><span class="line-no">\d+</span>', response.text)
    store_id = owner.store.store.id
    assert saved_template(database, store_id, "packing slip").edited is False


def test_a_store_makes_its_own_document_and_prints_it_for_a_selection(
    client: TestClient, owner: DeskUser, od: OrderDesk, other_od: OrderDesk
) -> None:
    csrf = sign_in(client, owner)
    created = client.post(
        "/desk/templates",
        data={"name": "job ticket", "kind": "document", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert (
        created.status_code == 303 and created.headers["location"] == "/desk/templates/job%20ticket"
    )
    body = '<h1 style="color: red">Job {{ order.id }}</h1>{{ order.id|qrcode }}'
    client.post("/desk/templates/job ticket",
                data={"body": body, "action": "save", "csrf_token": csrf})  # fmt: skip
    mine = [od.create_order()["id"] for _ in range(2)]
    theirs = other_od.create_order()["id"]
    printed = client.post(
        "/desk/documents",
        data={"order_id": [*mine, theirs], "template": "job ticket", "csrf_token": csrf},
    )
    assert printed.status_code == 200
    assert printed.text.count('<article class="slip">') == 2
    assert all(f"Job {i}<" in printed.text for i in mine) and f"Job {theirs}<" not in printed.text
    assert "style-src 'self' 'unsafe-inline'" in printed.headers["content-security-policy"]
    assert "script-src 'self'" in printed.headers["content-security-policy"]
    one = client.get(f"/desk/orders/{mine[0]}/print?template=job%20ticket")
    assert one.status_code == 200 and one.text.count("<svg") == 1
    assert client.get(f"/desk/orders/{theirs}/print?template=invoice").status_code == 404


def test_a_document_that_fails_for_one_order_fails_only_that_page(
    client: TestClient, owner: DeskUser, od: OrderDesk, database: Database
) -> None:
    csrf = sign_in(client, owner)
    good, bad = od.create_order(email="a@example.com")["id"], od.create_order(email="")["id"]
    broken = Template("invoice", "document", "", "{{ order.id }}: {{ 1 / (order.email|length) }}")
    with database.write() as conn:  # saved past the checks, as an older version might have
        template_storage.save(conn, od.store.store.id, broken)
    printed = client.post(
        "/desk/documents", data={"order_id": [good, bad], "template": "invoice", "csrf_token": csrf}
    )
    assert printed.status_code == 200
    assert f"{good}: 0.0" in printed.text
    assert f"Order #{bad}: the invoice template cannot be rendered" in printed.text


def test_staff_email_a_template_to_the_customer_and_resend_it(
    client: TestClient, database: Database, store: stores.NewStore, od: OrderDesk,
    other_od: OrderDesk,
) -> None:  # fmt: skip
    csrf = sign_in(client, make_user(database, store, "staff"))
    order_id = int(od.create_order(email="ann@example.com")["id"])
    page = client.get(f"/desk/orders/{order_id}")
    assert "No emails yet." in page.text and "<option>order confirmation</option>" in page.text
    sent = client.post(f"/desk/orders/{order_id}/emails",
                       data={"template": "order confirmation", "csrf_token": csrf},
                       follow_redirects=True)  # fmt: skip
    assert "&#39;order confirmation&#39; queued for the customer" in sent.text
    with database.read() as conn:
        [email] = outbox.list_emails(conn, store.store.id, order_id=order_id)
    assert email.recipient == "ann@example.com" and email.status == "pending"
    assert f"Email {email.id} queued: &#39;order confirmation&#39; to ann@example.com" in sent.text
    refused = client.post(f"/desk/orders/{order_id}/emails",
                          data={"template": "packing slip", "csrf_token": csrf},
                          follow_redirects=True)  # fmt: skip
    assert "Not sent: template: &#39;packing slip&#39; is not an email template" in refused.text
    with database.write() as conn:
        table = outbox.email_outbox
        conn.execute(table.update().where(table.c.id == email.id).values(status="failed"))
    resent = client.post(f"/desk/orders/{order_id}/emails/{email.id}/resend",
                         data={"csrf_token": csrf}, follow_redirects=True)  # fmt: skip
    assert "Email queued again" in resent.text
    theirs = int(other_od.create_order()["id"])
    for path, data in (
        (f"/desk/orders/{theirs}/emails", {"template": "order confirmation"}),
        (f"/desk/orders/{theirs}/emails/{email.id}/resend", {}),
        (f"/desk/orders/{order_id}/emails/{email.id + 10**6}/resend", {}),
    ):
        assert client.post(path, data={**data, "csrf_token": csrf}).status_code == 404, path
    assert client.post(f"/desk/orders/{order_id}/emails",
                       data={"template": "order confirmation"}).status_code == 403  # fmt: skip
