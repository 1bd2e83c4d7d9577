"""The rule form's `split` and `email` action rows over HTTP on both databases: a split's
item conditions as rows of their own (added and removed without JavaScript), a rule made in
the form and one made by the CLI shown in the list and edited back unchanged, errors beside
an item condition's input, and the email template select."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from orderhub.domain.channel import Channel
from orderhub.domain.limits import MAX_RULE_CONDITIONS
from orderhub.services import folders as folder_service
from orderhub.services import rule_actions
from orderhub.services import rules as rule_service
from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.desk.test_rules_pages import _client, _error_beside, _rules

INK = {"field": "order_items.code", "op": "starts_with", "value": "INK-"}
SPLIT_RULE = {
    "name": "Ink to Inkthreadable",
    "event": "order.created",
    "match": "all",
    "conditions": [],
    "actions": [
        {"action": "split", "folder": "Inkthreadable",
         "conditions": [INK, {"field": "order_items.variation_list.Size", "op": "in",
                              "value": ["S", "M"]}]},
        {"action": "email", "template": "shipment confirmation", "to": "customer"},
    ],
    "stop": False,
    "enabled": True,
}  # fmt: skip
SPLIT_FORM = {
    "name": "Ink to Inkthreadable",
    "event": "order.created",
    "match": "all",
    "actions.0.action": "split",
    "actions.0.folder": "Inkthreadable",
    "actions.0.conditions.0.field": "order_items.code",
    "actions.0.conditions.0.op": "starts_with",
    "actions.0.conditions.0.value": "INK-",
    "actions.1.action": "email",
    "actions.1.template": "shipment confirmation",
    "actions.1.to": "customer",
    "enabled": "yes",
}
SIZE_ROW = {
    "actions.0.conditions.1.field": "order_items.variation_list.",
    "actions.0.conditions.1.key": "Size",
    "actions.0.conditions.1.op": "in",
    "actions.0.conditions.1.value": "S, M",
}


@pytest.fixture
def owner(desk_app: Any, database: Database, store: stores.NewStore) -> tuple[TestClient, str]:
    return _client(desk_app, database, store, "owner")


class _Fields(HTMLParser):
    """What a browser would post from the rule form as it is shown (no button pressed)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: tuple[str | None, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("checkbox", "radio"):
            self.data.append((str(a["name"]), a.get("value") or ""))
        elif tag == "input" and a.get("name") and "checked" in a:
            self.data.append((str(a["name"]), a.get("value") or "on"))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select:
            self._option = (a.get("value"), "selected" in a)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            value, chosen = self._option
            self._options.append((data if value is None else value, chosen))
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            chosen = [v for v, on in self._options if on] or [v for v, _ in self._options[:1]]
            self.data.extend((self._select, v) for v in chosen[-1:])
            self._select = None


def _posted(page: str) -> dict[str, str]:
    form = page.split('class="rule-form"', 1)[1].split("</form>", 1)[0]
    parser = _Fields()
    parser.feed(form)
    return dict(parser.data)


def _inkthreadable(database: Database, store: stores.NewStore) -> None:
    folder_service.create_folder(database, store.store, "Inkthreadable", None)


def test_a_split_rule_is_built_with_item_condition_rows_and_edited_back_unchanged(
    owner: tuple[TestClient, str], database: Database, store: stores.NewStore
) -> None:
    client, csrf = owner
    _inkthreadable(database, store)
    blank = client.get("/desk/rules/new").text
    assert 'name="actions.0.conditions.0.field"' in blank and "Add item condition" in blank
    items = blank.split('name="actions.0.conditions.0.field"', 1)[1].split("</select>", 1)[0]
    assert "order_items.code" in items and "shipping.country" not in items
    more = client.post(
        "/desk/rules/new", data={**SPLIT_FORM, "do": "add_item_condition.0", "csrf_token": csrf}
    )
    assert more.status_code == 200
    assert 'name="actions.0.conditions.1.field"' in more.text and 'value="INK-"' in more.text
    gone = client.post("/desk/rules/new", data={**SPLIT_FORM, **SIZE_ROW, "csrf_token": csrf,
                                                "do": "remove_item_condition.0.0"})  # fmt: skip
    kept = _posted(gone.text)
    assert kept["actions.0.conditions.0.key"] == "Size" and "actions.0.conditions.1.key" not in kept
    full = {f"actions.0.conditions.{i}.{k}": v for i in range(MAX_RULE_CONDITIONS + 1)
            for k, v in (("field", "order_items.code"), ("op", "equals"), ("value", "X"))}  # fmt: skip
    at_limit = client.post("/desk/rules/new", data={**SPLIT_FORM, **full, "csrf_token": csrf,
                                                    "do": "add_item_condition.0"}).text  # fmt: skip
    assert f'name="actions.0.conditions.{MAX_RULE_CONDITIONS - 1}.field"' in at_limit
    assert f'name="actions.0.conditions.{MAX_RULE_CONDITIONS}.field"' not in at_limit
    assert "add_item_condition.0" not in at_limit

    saved = client.post("/desk/rules/new", data={**_posted(more.text), **SIZE_ROW},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303, saved.text[:500]
    assert _rules(database, store) == [SPLIT_RULE]
    rule = rule_service.list_rules(database, store.store.id)[0]
    listing = client.get("/desk/rules").text
    for action in rule.spec.actions:
        assert str(escape(rule_actions.describe(action))) in listing
    edit = client.get(f"/desk/rules/{rule.id}").text
    back = client.post(f"/desk/rules/{rule.id}", data=_posted(edit), follow_redirects=False)
    assert back.status_code == 303, back.text[:500]
    assert _rules(database, store) == [SPLIT_RULE]


def test_a_rule_with_split_and_email_added_by_the_cli_shows_in_the_list_and_the_form(
    owner: tuple[TestClient, str], database: Database, store: stores.NewStore
) -> None:
    client, csrf = owner
    _inkthreadable(database, store)
    empty_item = {"field": "order_items.metadata.gift", "op": "is_not_empty"}
    rule = {**SPLIT_RULE, "event": "manual", "stop": True,
            "actions": [{**SPLIT_RULE["actions"][0], "conditions": [INK, empty_item]},
                        {"action": "email", "template": "order confirmation",
                         "to": "warehouse@shop.example"}]}  # fmt: skip
    rule_id = rule_service.add_rule(database, store.store, rule, channel=Channel.cli()).id
    listing = client.get("/desk/rules")
    assert listing.status_code == 200
    assert "split items matching order_items.code starts_with &#39;INK-&#39;" in listing.text
    assert "email &#39;order confirmation&#39; to warehouse@shop.example" in listing.text
    assert "{&#39;field" not in listing.text  # no Python repr of the item conditions
    assert client.get(f"/desk/rules/{rule_id}/delete").status_code == 200
    edit = client.get(f"/desk/rules/{rule_id}")
    assert edit.status_code == 200
    shown = _posted(edit.text)
    assert shown["actions.0.conditions.1.field"] == "order_items.metadata."
    assert shown["actions.0.conditions.1.key"] == "gift"
    assert shown["actions.1.template"] == "order confirmation"
    assert shown["actions.1.to"] == "warehouse@shop.example"
    preview = client.post(f"/desk/rules/{rule_id}", data={**shown, "do": "preview"})
    assert preview.status_code == 200, preview.text[:500]
    saved = client.post(f"/desk/rules/{rule_id}", data=shown, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    assert _rules(database, store) == [rule]


ITEM_ERRORS = [
    ({"actions.0.conditions.1.op": "matches", "actions.0.conditions.1.value": "(INK"},
     "actions.0.conditions.1.value", "not a valid regular expression"),
    ({"actions.0.conditions.1.field": "order_items.quantity", "actions.0.conditions.1.op": "gt",
      "actions.0.conditions.1.value": "many"}, "actions.0.conditions.1.value", "must be a number"),
    ({"actions.0.conditions.1.field": "shipping.country"}, "actions.0.conditions.1.field",
     "only order_items.* fields"),
    ({"actions.1.template": "packing slip"}, "actions.1.template", "no email template named"),
    ({"actions.1.to": "not an address"}, "actions.1.to", "email address"),
    ({"actions.0.folder": "Nowhere"}, "actions.0.folder", "no folder named"),
]  # fmt: skip


def test_errors_in_split_and_email_rows_are_shown_beside_their_input_with_values_kept(
    owner: tuple[TestClient, str], database: Database, store: stores.NewStore
) -> None:
    client, csrf = owner
    _inkthreadable(database, store)
    for change, field, message in ITEM_ERRORS:
        data = {**SPLIT_FORM, **SIZE_ROW, **change, "csrf_token": csrf}
        response = client.post("/desk/rules/new", data=data)
        assert response.status_code == 400, (field, response.text[:300])
        _error_beside(response.text, field, message)
        assert f'aria-describedby="err-{field}"' in response.text
        kept = _posted(response.text)
        assert {k: kept.get(k) for k in change} == change
        assert kept["actions.0.conditions.0.value"] == "INK-"
    none_left = {k: v for k, v in SPLIT_FORM.items() if ".conditions." not in k}
    response = client.post("/desk/rules/new", data={**none_left, "csrf_token": csrf})
    _error_beside(response.text, "actions.0.conditions", "at least one item condition")
    assert _rules(database, store) == []


def test_an_email_rule_picks_one_of_the_stores_email_templates(
    owner: tuple[TestClient, str], database: Database, store: stores.NewStore
) -> None:
    client, csrf = owner
    page = client.get("/desk/rules/new").text
    select = page.split('name="actions.0.template"', 1)[1].split("</select>", 1)[0]
    assert "<option>order confirmation</option>" in select
    assert "<option>shipment confirmation</option>" in select
    assert "packing slip" not in select and "invoice" not in select
    assert _posted(page)["actions.0.to"] == "customer"
    data = {"name": "Tell them it shipped", "event": "shipment.created", "match": "all",
            "actions.0.action": "email", "actions.0.template": "shipment confirmation",
            "actions.0.to": "customer", "enabled": "yes", "csrf_token": csrf}  # fmt: skip
    saved = client.post("/desk/rules/new", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    expected = {"name": "Tell them it shipped", "event": "shipment.created", "match": "all",
                "conditions": [], "actions": [{"action": "email",
                "template": "shipment confirmation", "to": "customer"}],
                "stop": False, "enabled": True}  # fmt: skip
    assert _rules(database, store) == [expected]
    rule_id = rule_service.list_rules(database, store.store.id)[0].id
    edit = client.get(f"/desk/rules/{rule_id}").text
    assert "<option selected>shipment confirmation</option>" in edit
