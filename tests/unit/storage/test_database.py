"""PostgreSQL sessions opened by `Database` keep customers' data out of the server log."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from orderhub.storage.database import Database

pytestmark = pytest.mark.postgres


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_failing_statements_are_logged_without_their_parameters(
    fresh_database_url: Callable[[str], str],
) -> None:
    """Even where the database says to log parameters in full, orderhub's sessions don't."""
    url = fresh_database_url("postgres")
    name = make_url(url).database
    with psycopg.connect(_libpq(url), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" SET log_parameter_max_length_on_error = -1')
        context = admin.execute(
            "SELECT context FROM pg_settings WHERE name = 'log_parameter_max_length_on_error'"
        ).fetchone()
        assert context == ("user",)  # so a role without superuser may set it too
    with psycopg.connect(_libpq(url)) as plain:
        shown = plain.execute("SHOW log_parameter_max_length_on_error").fetchone()
        assert shown == ("-1",)
    db = Database(url)
    with db.read() as conn:
        assert conn.execute(text("SHOW log_parameter_max_length_on_error")).scalar_one() == "0"
    with db.write() as conn:
        assert conn.execute(text("SHOW log_parameter_max_length_on_error")).scalar_one() == "0"
    db.dispose()


def test_options_in_the_url_are_kept(fresh_database_url: Callable[[str], str]) -> None:
    url = fresh_database_url("postgres")
    db = Database(f"{url}?options={quote('-c statement_timeout=4321')}")
    with db.read() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "4321ms"
        assert conn.execute(text("SHOW log_parameter_max_length_on_error")).scalar_one() == "0"
    db.dispose()
