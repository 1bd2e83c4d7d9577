"""The audit log covers rules, users, settings and keys through every door: the desk's forms
and the CLI each leave a row naming the actor, the door and the action, written with the
change; no API key or password is ever in it. Both databases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orderhub.cli import app as cli
from orderhub.services import rules as rule_service
from orderhub.storage import accounts, audit, invitations, stores
from orderhub.storage.database import Database
from tests.desk.owner_helpers import owner_app, signed

__all__ = ["owner_app"]  # the fixture

RULE = {
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


def _log(database: Database, store_id: int) -> list[audit.AuditEntry]:
    with database.read() as conn:
        return list(reversed(audit.page(conn, store_id, before=None, limit=200)))


def _actions(entries: list[audit.AuditEntry], door: str) -> list[str]:
    return [e.action for e in entries if e.door == door]


def test_desk_rules_and_staff_changes_are_logged(
    owner_app: Any, database: Database, store: stores.NewStore, make_store: Any
) -> None:
    sid = store.store.id
    owner = signed(owner_app, database, store, "owner")
    assert owner.post("/desk/rules/new", RULE).status_code in (200, 303)
    rule_id = rule_service.list_rules(database, sid)[0].id
    owner.post(f"/desk/rules/{rule_id}", {**RULE, "name": "UK first"})
    owner.post(f"/desk/rules/{rule_id}/enabled", {"enabled": "no"})
    owner.post(f"/desk/rules/{rule_id}/move", {"to": "1"})
    owner.post(f"/desk/rules/{rule_id}/delete")

    other = make_store("Elsewhere")
    joiner, decliner = (signed(owner_app, database, other, "staff") for _ in range(2))
    owner.post("/desk/settings/users", {"email": "later@shop.test", "role": "staff"})
    with database.read() as conn:
        pending = {i.email: i.id for i in invitations.of_store(conn, sid)}
    owner.post(f"/desk/settings/invitations/{pending['later@shop.test']}/cancel")
    for user in (joiner, decliner):
        owner.post("/desk/settings/users", {"email": user.email, "role": "staff"})
    with database.read() as conn:
        pending = {i.email: i.id for i in invitations.of_store(conn, sid)}
    joiner.post(f"/desk/invitations/{pending[joiner.email]}/accept")
    decliner.post(f"/desk/invitations/{pending[decliner.email]}/decline")
    owner.post("/desk/settings/users", {"email": joiner.email, "role": "owner"})
    with database.read() as conn:
        joined = next(
            m.user_id for m in accounts.members_of_store(conn, sid) if m.email == joiner.email
        )
    owner.post(f"/desk/settings/users/{joined}/remove")

    entries = _log(database, sid)
    assert _actions(entries, "desk") == [
        "rule.add", "rule.replace", "rule.disable", "rule.move", "rule.remove",
        "user.invite", "user.invite_cancel", "user.invite", "user.invite",
        "user.invite_accept", "user.invite_decline", "user.role", "user.remove",
    ]  # fmt: skip
    by_action = {e.action: e for e in entries}
    assert by_action["rule.add"].actor == f"Desk ({owner.email})"
    assert by_action["rule.add"].subject == f"rule {rule_id} (UK to printing)"
    assert by_action["rule.move"].detail == "to position 1"
    assert by_action["user.invite_accept"].actor == f"Desk ({joiner.email})"
    assert by_action["user.invite_decline"].subject == decliner.email
    assert by_action["user.role"].detail == "staff → owner"
    assert by_action["user.remove"].subject == joiner.email
    assert not _log(database, other.store.id)  # each store's log is its own


@pytest.fixture
def run(database: Database, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", database.url)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> str:
        result = runner.invoke(cli, list(args), input=stdin)
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


def test_cli_settings_keys_users_and_rules_are_logged(
    run: Any, database: Database, store: stores.NewStore, tmp_path: Path
) -> None:
    sid = str(store.store.id)
    run("store", "set", sid, "rate_limit_capacity", "0")
    run("store", "unset", sid, "rate_limit_capacity")
    key = run("key", "rotate", sid).split(": ", 1)[1].split()[0]
    password = "correct horse battery staple 42"
    email = "cli-user@shop.test"
    run("user", "create", email, "--store", sid, "--password-stdin", stdin=password + "\n")
    run("user", "create", email, "--store", sid, "--role", "owner")
    run("user", "reset-password", email, "--password-stdin", stdin=password + "!\n")
    run("user", "delete", email)
    rule = {"name": "Notes", "event": "order.created", "conditions": [],
            "actions": [{"action": "add_note", "text": "hi"}]}  # fmt: skip
    (tmp_path / "rule.json").write_text(json.dumps(rule))
    (tmp_path / "rules.json").write_text(json.dumps([rule, {**rule, "name": "More"}]))
    run("rule", "add", sid, "--file", str(tmp_path / "rule.json"))
    rule_id = str(rule_service.list_rules(database, store.store.id)[0].id)
    run("rule", "disable", sid, rule_id)
    run("rule", "enable", sid, rule_id)
    run("rule", "import", sid, str(tmp_path / "rules.json"))
    run("rule", "move", sid, rule_id, "--to", "3")
    run("rule", "remove", sid, rule_id)

    entries = _log(database, store.store.id)
    assert _actions(entries, "cli") == [
        "settings.set", "settings.unset", "key.rotate",
        "user.add", "user.role", "user.reset_password", "user.remove",
        "rule.add", "rule.disable", "rule.enable", "rule.import", "rule.move", "rule.remove",
    ]  # fmt: skip
    assert {e.actor for e in entries} == {"CLI"}
    by_action = {e.action: e for e in entries}
    assert by_action["settings.set"].subject == "rate_limit_capacity"
    assert by_action["user.add"].subject == email and by_action["user.add"].detail == "staff"
    assert by_action["rule.import"].detail == "appended: Notes, More"
    written = " ".join(f"{e.subject} {e.detail}" for e in entries)
    assert key not in written and key[-6:] not in written and password not in written
