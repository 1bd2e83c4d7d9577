"""`orderhub rule ...` on both databases: the rules of a store as files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.domain.channel import Channel
from orderhub.domain.orders import Item, Order
from orderhub.services import orders
from orderhub.services import rules as rule_service
from orderhub.storage import folders
from orderhub.storage.database import Database

runner = CliRunner()

RULES = [
    {"name": "UK ink to the printer", "event": "order.created", "match": "all",
     "conditions": [{"field": "shipping.country", "op": "in", "value": ["GB", "United Kingdom"]},
                    {"field": "order_items.code", "op": "starts_with", "value": "INK-"}],
     "actions": [{"action": "move", "folder": "Printer"},
                 {"action": "add_note", "text": "Routed to the printer"}],
     "stop": False, "enabled": True},
    {"name": "Unpaid 3 days", "event": "schedule", "every_minutes": 60, "folder": "Received",
     "conditions": [{"field": "payment_status", "op": "equals", "value": "Pending"},
                    {"field": "date_added", "op": "older_than", "value": "3d"}],
     "actions": [{"action": "tag", "color": "red", "name": "Unpaid"}]},
    {"name": "Hold button", "event": "manual", "actions": [{"action": "move", "folder": "Printer"}],
     "enabled": False},
]  # fmt: skip


@pytest.fixture
def env(database: Database, monkeypatch: pytest.MonkeyPatch, make_store: Any) -> Any:
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", database.url)
    return make_store


def _store_with_printer(database: Database, make_store: Any) -> Any:
    store = make_store().store
    with database.write() as conn:
        folders.create_folder(conn, store.id, "Printer", None)
    return store


def test_export_import_export_is_byte_identical(
    env: Any, database: Database, tmp_path: Path
) -> None:
    first, second = _store_with_printer(database, env), _store_with_printer(database, env)
    source = tmp_path / "rules.json"
    source.write_text(json.dumps(RULES))
    assert runner.invoke(app, ["rule", "import", str(first.id), str(source)]).exit_code == 0
    exported = runner.invoke(app, ["rule", "export", str(first.id)])
    assert exported.exit_code == 0 and json.loads(exported.stdout)[0]["name"] == RULES[0]["name"]
    again = tmp_path / "exported.json"
    again.write_text(exported.stdout)
    assert runner.invoke(app, ["rule", "import", str(second.id), str(again)]).exit_code == 0
    assert runner.invoke(app, ["rule", "export", str(second.id)]).stdout == exported.stdout
    replaced = runner.invoke(app, ["rule", "import", str(second.id), str(again), "--replace"])
    assert replaced.exit_code == 0 and "has 3 rule(s)" in replaced.stdout


def test_rule_commands(env: Any, database: Database, tmp_path: Path) -> None:
    store = _store_with_printer(database, env)
    sid = str(store.id)
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(json.dumps(RULES[0]))
    added = runner.invoke(app, ["rule", "add", sid, "--file", str(rule_file)])
    assert added.exit_code == 0, added.output
    stdin = runner.invoke(app, ["rule", "add", sid, "--file", "-"], input=json.dumps(RULES[2]))
    assert stdin.exit_code == 0, stdin.output
    first, second = (r.id for r in rule_service.list_rules(database, store.id))
    shown = runner.invoke(app, ["rule", "show", sid, str(first)])
    assert json.loads(shown.stdout) == RULES[0]
    assert runner.invoke(app, ["rule", "enable", sid, str(second)]).exit_code == 0
    assert runner.invoke(app, ["rule", "move", sid, str(second), "--to", "1"]).exit_code == 0
    listed = runner.invoke(app, ["rule", "list", sid])
    assert listed.stdout.index("Hold button") < listed.stdout.index("UK ink")
    assert runner.invoke(app, ["rule", "disable", sid, str(first)]).exit_code == 0
    order = Order(items=[Item(name="Ink", code="INK-9")],
                  shipping={"first_name": "A", "last_name": "B", "country": "GB"})  # fmt: skip
    orders.take_order(database, store, order, channel=Channel.cli())
    tested = runner.invoke(app, ["rule", "test", sid, "--file", str(rule_file), "--orders", "5"])
    assert tested.exit_code == 0 and "1 of 1 recent order(s) would match" in tested.stdout
    assert "move to Printer" in tested.stdout
    assert runner.invoke(app, ["rule", "remove", sid, str(first)]).exit_code == 0
    assert [r.id for r in rule_service.list_rules(database, store.id)] == [second]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({**RULES[0], "actions": [{"action": "move", "folder": "Nowhere"}]}),
         "actions[0].folder: no folder named 'Nowhere'"),
        (json.dumps({**RULES[0], "conditions": [{"field": "x", "op": "equals", "value": 1}]}),
         "conditions[0].field: unknown field 'x'"),
    ],
)  # fmt: skip
def test_bad_input_fails_and_stores_nothing(
    env: Any, database: Database, tmp_path: Path, content: str, reason: str
) -> None:
    store = _store_with_printer(database, env)
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    added = runner.invoke(app, ["rule", "add", str(store.id), "--file", str(bad)])
    assert added.exit_code == 1 and reason in added.output.replace("\n", " ")
    imported = runner.invoke(app, ["rule", "import", str(store.id), "-"],
                             input=f"[{json.dumps(RULES[0])}, {content}]")  # fmt: skip
    assert imported.exit_code == 1
    assert rule_service.list_rules(database, store.id) == []
    missing = runner.invoke(app, ["rule", "remove", str(store.id), "999999"])
    assert missing.exit_code == 1 and "rule 999999 not found" in missing.output


def test_a_webhook_action_names_its_endpoint(
    env: Any, database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store_with_printer(database, env)
    monkeypatch.setenv("ORDERHUB_OUTBOUND_ALLOW_PRIVATE", "1")
    added = runner.invoke(app, ["webhook", "add", str(store.id), "http://127.0.0.1:9/erp",
                                "--event", "order.created", "--name", "erp"])  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "erp" in runner.invoke(app, ["webhook", "list", str(store.id)]).stdout
    rule = {"name": "tell the ERP", "event": "manual",
            "actions": [{"action": "webhook", "endpoint": "erp"}]}  # fmt: skip
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(rule))
    bad.write_text(json.dumps({**rule, "actions": [{"action": "webhook", "endpoint": "crm"}]}))
    assert runner.invoke(app, ["rule", "add", str(store.id), "--file", str(good)]).exit_code == 0
    refused = runner.invoke(app, ["rule", "add", str(store.id), "--file", str(bad)])
    assert refused.exit_code == 1 and "no webhook endpoint 'crm'" in refused.output
