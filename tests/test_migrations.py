"""Migrations upgrade an empty database on both engines, and the service refuses a
database whose schema does not match the code."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import inspect, text

from orderhub.app import SchemaMismatch, create_app
from orderhub.storage import migrate
from orderhub.storage.database import Database
from orderhub.storage.tables import metadata
from tests.helpers import make_settings


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_upgrade_from_empty_creates_every_table(
    engine: str, fresh_database_url: Callable[[str], str]
) -> None:
    db = Database(fresh_database_url(engine))
    assert migrate.schema_state(db).current is None
    with pytest.raises(SchemaMismatch, match="orderhub db upgrade"):
        create_app(make_settings(), database=db)
    migrate.upgrade(db)
    state = migrate.schema_state(db)
    assert state.up_to_date and state.problem() is None
    tables = set(inspect(db.engine).get_table_names())
    assert set(metadata.tables) <= tables
    migrate.upgrade(db)  # idempotent
    create_app(make_settings(), database=db)
    db.dispose()


def test_a_newer_database_is_refused(fresh_database_url: Callable[[str], str]) -> None:
    db = Database(fresh_database_url("sqlite"))
    migrate.upgrade(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaMismatch, match="newer than the code"):
        create_app(make_settings(), database=db)
    db.dispose()


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migrations_match_the_table_definitions(
    engine: str, fresh_database_url: Callable[[str], str]
) -> None:
    """The schema the migrations build is exactly the one the code declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = Database(fresh_database_url(engine))
    migrate.upgrade(db)
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    db.dispose()


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_upgrade_keeps_existing_data(engine: str, fresh_database_url: Callable[[str], str]) -> None:
    """A live database at the first revision, with a store in it, upgrades to head."""
    from orderhub.storage import stores

    db = Database(fresh_database_url(engine))
    migrate.upgrade(db, "0001")
    with db.write() as conn:
        store_id = stores.create_store(conn, "Before").store.id
    migrate.upgrade(db)
    with db.read() as conn:
        assert stores.get_store(conn, store_id).name == "Before"
        assert len(stores.list_folders(conn, store_id)) == 10
    db.dispose()
