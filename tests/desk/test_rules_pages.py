"""The desk's Rules pages over HTTP on both databases: the form's rows without JavaScript,
errors beside their input, preview writing nothing, owners only for changes, manual rules
as buttons for staff, CSRF and per-store isolation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderhub.domain.channel import Channel
from orderhub.domain.limits import MAX_RULE_CONDITIONS
from orderhub.services import folders as folder_service
from orderhub.services import rules as rule_service
from orderhub.storage import stores, webhooks
from orderhub.storage.database import Database
from tests.desk.helpers import csrf_of, desk_client, make_user, sign_in
from tests.helpers import OrderDesk, sample_order

UK_TO_PRINTING = {
    "name": "UK to printing",
    "event": "order.created",
    "match": "all",
    "conditions": [{"field": "shipping.country", "op": "equals", "value": "GB"}],
    "actions": [{"action": "move", "folder": "Printing"}],
    "stop": False,
    "enabled": True,
}
MANUAL_NOTE = {
    "name": "Ask for a photo",
    "event": "manual",
    "match": "all",
    "conditions": [],
    "actions": [{"action": "add_note", "text": "Photo requested"}],
    "stop": False,
    "enabled": True,
}
FORM = {
    "name": "UK to printing",
    "event": "order.created",
    "match": "all",
    "conditions.0.field": "shipping.country",
    "conditions.0.op": "equals",
    "conditions.0.value": "GB",
    "actions.0.action": "move",
    "actions.0.folder": "Printing",
    "enabled": "yes",
}


def _client(
    app: Any, database: Database, store: stores.NewStore, role: str
) -> tuple[TestClient, str]:
    client = desk_client(app)
    return client, sign_in(client, make_user(database, store, role))


@pytest.fixture
def owner(desk_app: Any, database: Database, store: stores.NewStore) -> tuple[TestClient, str]:
    return _client(desk_app, database, store, "owner")


@pytest.fixture
def staff(desk_app: Any, database: Database, store: stores.NewStore) -> tuple[TestClient, str]:
    return _client(desk_app, database, store, "staff")


def _add(database: Database, store: stores.NewStore, rule: dict[str, Any]) -> int:
    return rule_service.add_rule(database, store.store, rule, channel=Channel.cli()).id


def _rules(database: Database, store: stores.NewStore) -> list[dict[str, Any]]:
    return rule_service.export_rules(database, store.store.id)


def _folder_id(database: Database, store: stores.NewStore, name: str) -> int:
    with database.read() as conn:
        folder = stores.find_folder(conn, store.store.id, name=name)
    assert folder is not None
    return folder.id


def _error_beside(html: str, field: str, text: str) -> None:
    marker = f'id="err-{field}">'
    assert marker in html, f"no message beside {field}"
    assert text.lower() in html.split(marker, 1)[1].split("</p>", 1)[0].lower()


def test_an_owner_builds_a_rule_row_by_row_saves_and_edits_it(
    owner: tuple[TestClient, str], database: Database, store: stores.NewStore
) -> None:
    client, csrf = owner
    assert "New rule" in client.get("/desk/rules").text
    more = client.post("/desk/rules/new", data={**FORM, "do": "add_condition", "csrf_token": csrf})
    assert more.status_code == 200
    assert 'name="conditions.1.field"' in more.text and 'value="GB"' in more.text
    fewer = client.post(
        "/desk/rules/new", data={**FORM, "do": "remove_condition.0", "csrf_token": csrf}
    )
    assert 'name="conditions.0.field"' not in fewer.text
    assert 'name="actions.0.action"' in fewer.text
    full = {f"conditions.{i}.{k}": v for i in range(MAX_RULE_CONDITIONS + 1)
            for k, v in (("field", "email"), ("op", "contains"), ("value", "@"))}  # fmt: skip
    at_limit = client.post(
        "/desk/rules/new", data={**FORM, **full, "do": "add_condition", "csrf_token": csrf}
    ).text
    assert f'name="conditions.{MAX_RULE_CONDITIONS - 1}.field"' in at_limit
    assert f'name="conditions.{MAX_RULE_CONDITIONS}.field"' not in at_limit
    assert "Add condition" not in at_limit and "Add action" in at_limit
    saved = client.post(
        "/desk/rules/new", data={**FORM, "csrf_token": csrf}, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    assert _rules(database, store) == [UK_TO_PRINTING]
    rule_id = rule_service.list_rules(database, store.store.id)[0].id
    listing = client.get("/desk/rules").text
    assert "UK to printing" in listing and "Printing" in listing and "shipping.country" in listing
    edit = client.get(f"/desk/rules/{rule_id}").text
    assert 'value="GB"' in edit and 'name="conditions.0.value"' in edit
    changed = {**FORM, "conditions.0.op": "in", "conditions.0.value": "GB, United Kingdom"}
    client.post(f"/desk/rules/{rule_id}", data={**changed, "csrf_token": csrf})
    assert _rules(database, store)[0]["conditions"][0]["value"] == ["GB", "United Kingdom"]
    client.post(f"/desk/rules/{rule_id}/enabled", data={"enabled": "no", "csrf_token": csrf})
    assert _rules(database, store)[0]["enabled"] is False
    second = _add(database, store, MANUAL_NOTE)
    client.post(f"/desk/rules/{second}/move", data={"to": "1", "csrf_token": csrf})
    assert [r["name"] for r in _rules(database, store)] == ["Ask for a photo", "UK to printing"]
    assert "Delete rule" in client.get(f"/desk/rules/{second}/delete").text
    client.post(f"/desk/rules/{second}/delete", data={"csrf_token": csrf})
    assert [r["name"] for r in _rules(database, store)] == ["UK to printing"]
    with database.write() as conn:
        webhooks.add_endpoint(conn, store.store.id, "https://hooks.example.com/a",
                              ["order.created"], "json", "s3cret", name="printer-hook")  # fmt: skip
    hook = {**FORM, "actions.0.action": "webhook", "actions.0.endpoint": "printer-hook"}
    client.post(f"/desk/rules/{rule_id}", data={**hook, "csrf_token": csrf})
    assert _rules(database, store)[0]["actions"] == [
        {"action": "webhook", "endpoint": "printer-hook"}
    ]
    assert '<option value="printer-hook" selected>' in client.get(f"/desk/rules/{rule_id}").text
    gone = folder_service.create_folder(database, store.store, "Gone soon", None)
    client.post(f"/desk/rules/{rule_id}", data={**FORM, "actions.0.folder": "Gone soon",
                                                "enabled": "", "csrf_token": csrf})  # fmt: skip
    folder_service.delete_folder(database, store.store, gone.id)
    refused = client.post(
        f"/desk/rules/{rule_id}/enabled", data={"enabled": "yes", "csrf_token": csrf}
    )
    assert "Not enabled" in refused.text and "Gone soon" in refused.text
    assert _rules(database, store)[0]["enabled"] is False


BAD_INPUT = [
    ({"actions.0.folder": "No Such Folder"}, "actions.0.folder", "no folder named"),
    ({"conditions.0.field": "no_such_field"}, "conditions.0.field", "unknown field"),
    ({"conditions.0.field": "order_total", "conditions.0.op": "starts_with"}, "conditions.0.op",
     "does not fit"),
    ({"name": ""}, "name", "must not be empty"),
]  # fmt: skip


def test_bad_input_is_shown_beside_its_input_with_the_values_kept_and_nothing_stored(
    owner: tuple[TestClient, str], database: Database, store: stores.NewStore
) -> None:
    client, csrf = owner
    for change, field, message in BAD_INPUT:
        for do in ("save", "preview"):
            response = client.post(
                "/desk/rules/new", data={**FORM, **change, "do": do, "csrf_token": csrf}
            )
            assert response.status_code == 400, response.text[:300]
            _error_beside(response.text, field, message)
            assert 'value="GB"' in response.text
    assert _rules(database, store) == []


def test_preview_lists_the_matching_orders_and_writes_nothing(
    owner: tuple[TestClient, str], database: Database, store: stores.NewStore, od: OrderDesk
) -> None:
    client, csrf = owner
    gb = od.create_order(shipping={**sample_order()["shipping"], "country": "GB"})
    us = od.create_order()
    before = [od.get(f"/orders/{i}").json()["order"] for i in (gb["id"], us["id"])]
    response = client.post("/desk/rules/new", data={**FORM, "do": "preview", "csrf_token": csrf})
    assert response.status_code == 200, response.text[:300]
    preview = response.text.split('id="preview"', 1)[1]
    assert f"#{gb['id']}<" in preview and f"#{us['id']}<" not in preview
    assert "Printing" in preview
    assert "Save the rule to run it" in preview
    after = [od.get(f"/orders/{i}").json()["order"] for i in (gb["id"], us["id"])]
    assert after == before and _rules(database, store) == []


def test_run_applies_the_saved_rule_to_the_ticked_orders_only(
    owner: tuple[TestClient, str], database: Database, store: stores.NewStore, od: OrderDesk
) -> None:
    client, csrf = owner
    rule_id = _add(database, store, {**UK_TO_PRINTING, "enabled": False})
    shipping = {**sample_order()["shipping"], "country": "GB"}
    first, second = (od.create_order(shipping=shipping) for _ in "ab")
    edited = {**FORM, "conditions.0.value": "FR", "csrf_token": csrf}
    stale = client.post(f"/desk/rules/{rule_id}", data={**edited, "do": "run",
                                                        "order_id": str(first["id"])})  # fmt: skip
    assert stale.status_code == 400 and "save it first" in stale.text
    ran = client.post(
        f"/desk/rules/{rule_id}",
        data={**FORM, "enabled": "", "do": "run", "order_id": str(first["id"]), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert ran.status_code == 303, ran.text[:300]
    printing = _folder_id(database, store, "Printing")
    folders = [od.get(f"/orders/{o['id']}").json()["order"]["folder_id"] for o in (first, second)]
    assert folders == [printing, first["folder_id"]] and printing != first["folder_id"]


def test_staff_see_the_rules_but_every_change_is_refused(
    staff: tuple[TestClient, str], database: Database, store: stores.NewStore
) -> None:
    client, csrf = staff
    rule_id = _add(database, store, UK_TO_PRINTING)
    listing = client.get("/desk/rules")
    assert listing.status_code == 200 and "UK to printing" in listing.text
    assert "New rule" not in listing.text and "<form" not in listing.text.split("<main", 1)[1]
    for path in ("/desk/rules/new", f"/desk/rules/{rule_id}", f"/desk/rules/{rule_id}/delete"):
        assert client.get(path).status_code == 403, path
    for path, data in (
        ("/desk/rules/new", FORM),
        ("/desk/rules/new", {**FORM, "do": "preview"}),
        (f"/desk/rules/{rule_id}", {**FORM, "name": "Staff edit"}),
        (f"/desk/rules/{rule_id}", {**FORM, "do": "run", "order_id": "1"}),
        (f"/desk/rules/{rule_id}/enabled", {"enabled": "no"}),
        (f"/desk/rules/{rule_id}/move", {"to": "1"}),
        (f"/desk/rules/{rule_id}/delete", {}),
    ):
        assert client.post(path, data={**data, "csrf_token": csrf}).status_code == 403, path
    assert _rules(database, store) == [UK_TO_PRINTING]


def test_staff_press_a_manual_rule_on_an_order_and_on_a_folder_selection(
    staff: tuple[TestClient, str], database: Database, store: stores.NewStore, od: OrderDesk
) -> None:
    client, csrf = staff
    rule_id = _add(database, store, MANUAL_NOTE)
    _add(database, store, UK_TO_PRINTING)  # not manual: no button
    order, other = od.create_order(), od.create_order()
    page = client.get(f"/desk/orders/{order['id']}").text
    assert f"/desk/orders/{order['id']}/rules/{rule_id}/run" in page
    assert page.count("/rules/") == 1
    done = client.post(f"/desk/orders/{order['id']}/rules/{rule_id}/run", data={"csrf_token": csrf})
    assert done.status_code == 200 and "Photo requested" in done.text
    folder = client.get(f"/desk/folders/{order['folder_id']}").text
    assert f'<option value="{rule_id}">Ask for a photo</option>' in folder
    back = f"/desk/folders/{order['folder_id']}"
    client.post(
        "/desk/orders/run-rule",
        data={"rule_id": str(rule_id), "order_id": [str(order["id"]), str(other["id"])],
              "back": back, "csrf_token": csrf},
    )  # fmt: skip
    for oid, count in ((order["id"], 2), (other["id"], 1)):
        notes = [h["note"] for h in od.get(f"/orders/{oid}").json()["order"]["order_history"]]
        assert sum("Photo requested" in n for n in notes) == count, notes


def test_another_stores_rule_is_not_found_and_forms_need_the_csrf_token(
    owner: tuple[TestClient, str], database: Database, store: stores.NewStore,
    make_store: Callable[..., stores.NewStore], desk_app: Any, od: OrderDesk,
) -> None:  # fmt: skip
    client, csrf = owner
    other = make_store("Store B")
    theirs = _add(database, other, MANUAL_NOTE)
    mine = _add(database, store, UK_TO_PRINTING)
    for path in (f"/desk/rules/{theirs}", f"/desk/rules/{theirs}/delete", "/desk/rules/x"):
        assert client.get(path).status_code == 404, path
    order = od.create_order()
    for path, data in (
        (f"/desk/rules/{theirs}", FORM),
        (f"/desk/rules/{theirs}/enabled", {"enabled": "no"}),
        (f"/desk/rules/{theirs}/move", {"to": "1"}),
        (f"/desk/rules/{theirs}/delete", {}),
        (f"/desk/orders/{order['id']}/rules/{theirs}/run", {}),
    ):
        assert client.post(path, data={**data, "csrf_token": csrf}).status_code == 404, path
    assert _rules(database, other) == [MANUAL_NOTE]
    for token in (None, "wrong"):
        extra = {"csrf_token": token} if token else {}
        for path, data in (
            ("/desk/rules/new", FORM),
            (f"/desk/rules/{mine}", {**FORM, "name": "Forged"}),
            (f"/desk/rules/{mine}/enabled", {"enabled": "no"}),
            (f"/desk/rules/{mine}/delete", {}),
        ):
            response = client.post(path, data={**data, **extra})
            assert response.status_code == 403 and "nothing was changed" in response.text
    assert _rules(database, store) == [UK_TO_PRINTING]
    assert csrf_of(client, "/desk/rules") == csrf
