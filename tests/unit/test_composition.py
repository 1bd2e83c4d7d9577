"""Every door fires the same event subscribers: the app and every CLI command register them
through one composition (orderhub/composition.py), and a door that forgot it fails loudly
instead of losing events."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderhub.app import create_app
from orderhub.cli.common import open_database
from orderhub.composition import compose
from orderhub.services import events, rule_runner
from orderhub.storage.database import Database
from tests.helpers import make_settings


@pytest.fixture
def uncomposed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "_registry", None)


def test_the_composition_registers_every_subscriber_and_the_rules() -> None:
    compose()
    where = [s.deliver.__module__.rpartition(".")[2] for s in events.subscriptions()]
    assert where == ["pod_notifications", "webhook_deliveries", "forwarding", "emails"]
    assert events._registry is not None and events._registry.rules is rule_runner.on_events


@pytest.mark.usefixtures("uncomposed")
def test_publishing_before_the_composition_fails() -> None:
    with pytest.raises(RuntimeError, match="compose"):
        events.subscriptions()


@pytest.mark.usefixtures("uncomposed")
def test_the_app_composes(database: Database) -> None:
    create_app(make_settings(), database=database)
    assert len(events.subscriptions()) == 4


@pytest.mark.usefixtures("uncomposed")
def test_every_cli_command_composes(tmp_path: Path) -> None:
    db = open_database(make_settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"), create=True)
    db.dispose()
    assert len(events.subscriptions()) == 4
