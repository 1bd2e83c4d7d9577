"""What an app says about its database when it starts."""

from __future__ import annotations

import logging

import pytest

from orderhub.app import create_app
from orderhub.storage.database import Database, autovacuum_is_off
from tests.helpers import make_settings


def test_postgres_without_autovacuum_is_reported_at_start(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Without autovacuum nothing refreshes the planner's statistics: an operator must know."""
    off = False
    if not database.is_sqlite:
        with database.read() as conn:
            off = conn.exec_driver_sql("SELECT current_setting('autovacuum')").scalar() == "off"
    assert autovacuum_is_off(database) is off
    with caplog.at_level(logging.WARNING, logger="orderhub.app"):
        create_app(make_settings(), database=database)
    assert ("autovacuum is off" in caplog.text) is off
