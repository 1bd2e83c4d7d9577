"""A cached `GET /api/v2/orders/{id}` on PostgreSQL reads its revision on the event loop
(storage/async_reads.py) and goes to the thread pool only for an order it must render; on
SQLite every read stays where it was (on the loop, through `Database.read`). Either way the
answer is the threaded path's, byte for byte, and a write made through any other connection
is seen by the very next read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderhub.api import db as api_db
from orderhub.app import create_app
from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.helpers import OrderDesk, make_settings


@pytest.fixture
def threaded_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per read through `Database.read` by a handler (`api/db.py`)."""
    calls: list[int] = []
    real = api_db._read

    def counted(db: Database, work: Any) -> Any:
        calls.append(1)
        return real(db, work)

    monkeypatch.setattr(api_db, "_read", counted)
    return calls


@pytest.fixture
def server(database: Database) -> Iterator[TestClient]:
    """A server of its own (its own rendered-order cache), lifespan and all."""
    with TestClient(create_app(make_settings(), database=database)) as client:
        yield client


def order_bytes(response: Any) -> bytes:
    """The answer's `order` as sent: everything after the envelope's timing."""
    assert response.status_code == 200, response.text
    head, found, order = response.content.partition(b'"order":')
    assert found and b'"execution_time"' in head
    return bytes(order)


def expected_reads(database: Database, on_sqlite: int) -> int:
    return on_sqlite if database.is_sqlite else 0


def test_a_cached_get_on_postgresql_takes_no_thread_and_answers_the_same_bytes(
    database: Database, server: TestClient, store: stores.NewStore, threaded_reads: list[int]
) -> None:
    od = OrderDesk(server, store)
    oid = od.create_order(email="same@example.com")["id"]
    od.create_order(email="same@example.com", source_id="second")
    threaded_reads.clear()
    rendered = order_bytes(od.get(f"/orders/{oid}"))  # rendered here (a miss): threaded
    assert len(threaded_reads) == 1
    threaded_reads.clear()
    cached = [order_bytes(od.get(f"/orders/{oid}")) for _ in range(3)]
    assert len(threaded_reads) == expected_reads(database, on_sqlite=3)
    assert cached == [rendered] * 3
    assert b'"email_count":"2"' in rendered


def test_the_loop_answers_what_the_threaded_path_answers(
    database: Database, server: TestClient, store: stores.NewStore, threaded_reads: list[int]
) -> None:
    """The same app served without its lifespan (as a bare TestClient does: a new loop per
    request, no pool on it) reads through the thread pool: both answers are the same."""
    od = OrderDesk(server, store)
    ids = [od.create_order(email="twice@example.com", source_id=f"s{n}")["id"] for n in range(2)]
    od.post(f"/orders/{ids[0]}/order-history", json={"note": "a note"})
    bare = OrderDesk(TestClient(server.app), store)
    for oid in ids:
        on_loop = [order_bytes(od.get(f"/orders/{oid}")) for _ in range(2)]
        threaded_reads.clear()
        threaded = order_bytes(bare.get(f"/orders/{oid}"))
        assert len(threaded_reads) == 1
        assert on_loop == [threaded, threaded]


def test_writes_through_other_connections_are_seen_by_the_next_read(
    database: Database,
    server: TestClient,
    other_server: TestClient,
    store: stores.NewStore,
    threaded_reads: list[int],
) -> None:
    a, b = OrderDesk(server, store), OrderDesk(other_server, store)
    oid = a.create_order(email="moved@example.com")["id"]
    first = a.get(f"/orders/{oid}").json()["order"]
    a.get(f"/orders/{oid}")  # cached on A now

    # Another server adds a note: a new revision, so A renders the order again.
    assert b.post(f"/orders/{oid}/order-history", json={"note": "from B"}).status_code == 200
    threaded_reads.clear()
    noted = a.get(f"/orders/{oid}").json()["order"]
    assert len(threaded_reads) == 1  # a miss: rendered in the thread pool, on both databases
    assert [h["note"] for h in noted["order_history"]][-1:] == ["from B"]
    assert noted != first

    # Another order with the same email: no new revision of this one, but its email_count
    # comes fresh with the revision, read on the loop (PostgreSQL).
    b.create_order(email="moved@example.com", source_id="another")
    threaded_reads.clear()
    counted = a.get(f"/orders/{oid}").json()["order"]
    assert len(threaded_reads) == expected_reads(database, on_sqlite=1)
    assert counted["email_count"] == "2"
    assert {k: v for k, v in counted.items() if k != "email_count"} == {
        k: v for k, v in noted.items() if k != "email_count"
    }

    # Deleted by the other server: gone for A's very next read, cached or not.
    assert b.delete(f"/orders/{oid}").status_code == 200
    threaded_reads.clear()
    gone = a.get(f"/orders/{oid}")
    assert gone.status_code == 404
    assert gone.json()["message"] == f"Order {oid} not found"
    assert len(threaded_reads) == expected_reads(database, on_sqlite=1)


@pytest.fixture
def other_server(database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), database=database)) as client:
        yield client


def test_another_stores_order_is_not_found(
    database: Database,
    server: TestClient,
    make_store: Any,
    threaded_reads: list[int],
) -> None:
    owner, stranger = OrderDesk(server, make_store("Owner")), OrderDesk(server, make_store("X"))
    oid = owner.create_order()["id"]
    owner.get(f"/orders/{oid}")
    owner.get(f"/orders/{oid}")  # rendered and cached in this server, under its store
    threaded_reads.clear()
    response = stranger.get(f"/orders/{oid}")
    assert response.status_code == 404
    assert response.json()["message"] == f"Order {oid} not found"
    assert len(threaded_reads) == expected_reads(database, on_sqlite=1)
    assert owner.get(f"/orders/{oid}").status_code == 200


def test_an_app_started_again_in_the_same_process_reads_on_its_new_loop(
    database: Database, store: stores.NewStore, threaded_reads: list[int]
) -> None:
    app = create_app(make_settings(), database=database)
    for n in range(2):  # each `with` is a new event loop, and a lifespan on it
        with TestClient(app) as client:
            od = OrderDesk(client, store)
            oid = od.create_order(source_id=f"restart-{n}")["id"]
            assert od.get(f"/orders/{oid}").status_code == 200
            threaded_reads.clear()
            assert od.get(f"/orders/{oid}").status_code == 200
            assert len(threaded_reads) == expected_reads(database, on_sqlite=1)
        loop_reads = app.state.resources.loop_reads
        assert (loop_reads is None) == database.is_sqlite
        if loop_reads is not None:
            assert not loop_reads._pools  # closed with the app's lifespan
