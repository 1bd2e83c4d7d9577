"""Migrations upgrade an empty database on both engines, and the service refuses a
database whose schema does not match the code."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Boolean, DateTime, Integer, LargeBinary, MetaData, insert, inspect, text

from orderhub.app import SchemaMismatch, create_app
from orderhub.storage import migrate
from orderhub.storage.database import Database
from orderhub.storage.tables import metadata
from tests.helpers import OrderDesk, make_settings


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


# --- every past revision upgrades to exactly the declared schema --------------------------

SCRIPT = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
HEAD = SCRIPT.get_current_head()
PAST_REVISIONS = sorted(rev.revision for rev in SCRIPT.walk_revisions() if rev.revision != HEAD)
AUTOINCREMENT_TABLES = sorted(
    name
    for name, table in metadata.tables.items()
    if table.dialect_options["sqlite"]["autoincrement"]
)
ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def seed_every_table(db: Database) -> dict[str, int]:
    """One row in every table of the database as it stands (whatever its revision), each
    foreign key pointing at the row seeded in the referenced table; returns the row counts."""
    reflected = MetaData()
    reflected.reflect(db.engine)
    ids: dict[str, Any] = {}
    with db.engine.begin() as conn:
        for table in reflected.sorted_tables:
            if table.name == "alembic_version":
                continue
            row = {col.name: _seed_value(col, ids) for col in table.columns}
            row = {name: value for name, value in row.items() if value is not _AUTO}
            result = conn.execute(insert(table).values(row))
            if len(table.primary_key.columns) == 1:
                ids[table.name] = result.inserted_primary_key[0]
    return row_counts(db)


_AUTO = object()


def _seed_value(col: Any, ids: dict[str, Any]) -> Any:
    fk = next(iter(col.foreign_keys), None)
    if fk is not None:
        return ids[fk.column.table.name]
    if col.primary_key and isinstance(col.type, Integer) and len(col.table.primary_key) == 1:
        return _AUTO
    if isinstance(col.type, Boolean):
        return False
    if isinstance(col.type, Integer):
        return 1
    if isinstance(col.type, DateTime):
        return datetime(2026, 1, 1)
    if isinstance(col.type, LargeBinary):
        return b"seed"
    return col.name[:4]


def row_counts(db: Database) -> dict[str, int]:
    names = [name for name in inspect(db.engine).get_table_names() if name != "alembic_version"]
    with db.engine.connect() as conn:
        return {
            name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in names
        }


def schema_differences(db: Database) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    options = {"compare_type": True, "compare_server_default": True}
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts=options), metadata)


def tables_without_autoincrement(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        stored = dict(
            conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all()
        )
    return [name for name in AUTOINCREMENT_TABLES if "AUTOINCREMENT" not in stored[name]]


@pytest.mark.parametrize("with_rows", [False, True], ids=["empty", "with-rows"])
@pytest.mark.parametrize("revision", PAST_REVISIONS)
@pytest.mark.parametrize("engine", ENGINES)
def test_upgrade_from_every_past_revision_gives_the_declared_schema(
    engine: str, revision: str, with_rows: bool, fresh_database_url: Callable[[str], str]
) -> None:
    """Types, server defaults, indexes, unique and foreign keys all match tables.py, and on
    SQLite every id table has AUTOINCREMENT, whichever revision a database comes from; no
    row is lost on the way (a table rebuild must not cascade into the tables that reference
    the rebuilt one)."""
    db = Database(fresh_database_url(engine))
    migrate.upgrade(db, revision)
    before = seed_every_table(db) if with_rows else {}
    migrate.upgrade(db)
    assert migrate.schema_state(db).up_to_date
    assert schema_differences(db) == []
    after = row_counts(db)
    assert {name: after[name] for name in before} == before
    if engine == "sqlite":
        assert tables_without_autoincrement(db) == []
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            sequences = dict(conn.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").all())
            for name in AUTOINCREMENT_TABLES:
                highest = conn.execute(text(f'SELECT max(id) FROM "{name}"')).scalar()
                assert sequences.get(name, 0) >= (highest or 0), name
    db.dispose()


def test_head_database_has_autoincrement_on_every_id_table(
    fresh_database_url: Callable[[str], str],
) -> None:
    db = Database(fresh_database_url("sqlite"))
    migrate.upgrade(db)
    assert tables_without_autoincrement(db) == []
    db.dispose()


def test_restored_sequence_is_the_highest_id_the_database_knows(
    fresh_database_url: Callable[[str], str],
) -> None:
    """At 0002 `orders` had no sequence: after the upgrade, the next order id is above both
    the existing orders and the deleted ones the notification outbox still names."""
    db = Database(fresh_database_url("sqlite"))
    migrate.upgrade(db, "0002")
    seed_every_table(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE notifications SET order_id = 41"))
        stores_seq = conn.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = 'stores'")
        ).scalar_one()
    migrate.upgrade(db)
    with db.engine.connect() as conn:
        seq = dict(conn.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").all())
    assert seq["orders"] == 41
    assert seq["stores"] == stores_seq
    db.dispose()


def test_upgrade_refuses_to_rebuild_with_foreign_keys_enforced(
    fresh_database_url: Callable[[str], str],
) -> None:
    """Run by hand with foreign keys on, the rebuild in 0003 would delete every order's
    items; it stops instead, and changes nothing."""
    from alembic import command

    db = Database(fresh_database_url("sqlite"))
    migrate.upgrade(db, "0002")
    counts = seed_every_table(db)
    cfg = migrate.alembic_config(db)
    with db.engine.connect() as conn, conn.begin():  # foreign_keys=ON, as every connection
        cfg.attributes["connection"] = conn
        with pytest.raises(RuntimeError, match="foreign keys"):
            command.upgrade(cfg, "0003")
    assert migrate.schema_state(db).current == "0002"
    assert row_counts(db) == counts
    db.dispose()


# --- ids are never handed out twice -------------------------------------------------------


def assert_ids_never_reused(od: OrderDesk) -> None:
    """For each kind of id a client holds: create two, delete the newest, create another:
    the new id is above both."""

    def check(create: Callable[[], int], delete: Callable[[int], None], kind: str) -> None:
        first, second = create(), create()
        delete(second)
        third = create()
        assert third > max(first, second), f"{kind} id {third} reused (had {first}, {second})"

    def create_order() -> int:
        return int(od.create_order()["id"])

    def delete_order(order_id: int) -> None:
        assert od.delete(f"/orders/{order_id}").status_code == 200

    check(create_order, delete_order, "order")

    order_id = create_order()

    def create_item() -> int:
        body = {"name": "Sticker", "code": "ST-1", "price": 1, "quantity": 1}
        response = od.post(f"/orders/{order_id}/order-items", json=body)
        assert response.status_code == 200, response.text
        return int(response.json()["order_item"]["id"])

    def delete_item(item_id: int) -> None:
        assert od.delete(f"/orders/{order_id}/order-items/{item_id}").status_code == 200

    check(create_item, delete_item, "order item")

    def create_shipment() -> int:
        body = {"tracking_number": f"1Z{secrets.token_hex(8).upper()}"}
        response = od.post(f"/orders/{order_id}/shipments", json=body)
        assert response.status_code == 200, response.text
        return int(response.json()["shipment"]["id"])

    def delete_shipment(shipment_id: int) -> None:
        response = od.delete(f"/orders/{order_id}/shipments/{shipment_id}")
        assert response.status_code == 200

    check(create_shipment, delete_shipment, "shipment")

    def create_inventory_item() -> int:
        body = {"name": "Mug", "code": f"MUG-{secrets.token_hex(4)}"}
        response = od.post("/inventory-items", json=body)
        assert response.status_code == 200, response.text
        return int(response.json()["inventory_item"]["id"])

    def delete_inventory_item(item_id: int) -> None:
        assert od.delete(f"/inventory-items/{item_id}").status_code == 200

    check(create_inventory_item, delete_inventory_item, "inventory item")


def test_ids_are_never_reused(od: OrderDesk) -> None:
    assert_ids_never_reused(od)


def test_ids_are_never_reused_on_a_database_upgraded_from_0002(
    fresh_database_url: Callable[[str], str],
) -> None:
    """Revision 0002 rebuilt `orders` without AUTOINCREMENT; the upgrade restores it."""
    from orderhub.storage import stores

    db = Database(fresh_database_url("sqlite"))
    migrate.upgrade(db, "0002")
    seed_every_table(db)
    migrate.upgrade(db)
    with db.write() as conn:
        store = stores.create_store(conn, "Upgraded")
    with TestClient(create_app(make_settings(), database=db)) as client:
        assert_ids_never_reused(OrderDesk(client, store))
    db.dispose()


def test_an_upgrade_that_would_break_foreign_keys_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Foreign keys are off while migrations run on SQLite; if rows then point nowhere the
    whole upgrade is rolled back, and `orderhub db upgrade` says why."""
    from typer.testing import CliRunner

    from orderhub.cli import app

    url = f"sqlite:///{tmp_path / 'broken.db'}"
    db = Database(url)
    migrate.upgrade(db, "0002")
    counts = seed_every_table(db)
    with db.engine.connect() as conn:
        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        with conn.begin():
            conn.execute(text("UPDATE order_items SET order_id = 999"))
        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    with pytest.raises(migrate.UpgradeRefused, match="order_items"):
        migrate.upgrade(db)
    assert migrate.schema_state(db).current == "0002"
    assert row_counts(db) == counts
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1 and "order_items" in result.output
    assert migrate.schema_state(db).current == "0002"
    db.dispose()
