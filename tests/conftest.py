"""Shared fixtures: every test that uses `database` (directly or through `client`/`od`) runs
once on SQLite and once on PostgreSQL.

PostgreSQL is read from ORDERHUB_TEST_POSTGRES_URL (default: the local server's `test`
database). Each run makes a database of its own and drops it afterwards. Without a reachable
server the PostgreSQL half is skipped with the reason, unless ORDERHUB_TEST_REQUIRE_SERVICES=1
(CI), where it fails instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

# Rich wraps CLI output to the terminal width; tests read whole lines.
os.environ.setdefault("COLUMNS", "200")

from orderhub.app import create_app  # noqa: E402
from orderhub.composition import compose
from orderhub.config import normalise_database_url
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database
from tests.helpers import OrderDesk, make_settings, sample_order, test_settings

__all__ = ["sample_order", "test_settings"]

# Tests that call services without an app or a CLI command fire the same subscribers.
compose()

POSTGRES_URL = os.environ.get(
    "ORDERHUB_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("ORDERHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_SERVICES = os.environ.get("ORDERHUB_TEST_REQUIRE_SERVICES") == "1"


def service_missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (ORDERHUB_TEST_REQUIRE_SERVICES=1, so this is a failure)")
    pytest.skip(reason)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A freshly created, empty PostgreSQL database for this test run."""
    admin_url = _libpq(POSTGRES_URL)
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        service_missing(f"PostgreSQL not reachable at ORDERHUB_TEST_POSTGRES_URL: {exc}")
    name = f"orderhub_test_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(normalise_database_url(POSTGRES_URL)).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def fresh_database_url(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Callable[[str], str]:
    """Makes an empty database of the given backend and returns its URL."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("db") / "orderhub.db"
            return f"sqlite:///{path}"
        base = request.getfixturevalue("postgres_url")  # also skips when PostgreSQL is absent
        name = f"orderhub_test_{secrets.token_hex(4)}"
        with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        request.addfinalizer(drop)
        return make_url(base).set(database=name).render_as_string(hide_password=False)

    return make


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Database]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'orderhub.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    db = Database(url, pool_size=8, max_overflow=32)
    migrate.upgrade(db)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def app(database: Database) -> Any:
    return create_app(make_settings(), database=database)


@pytest.fixture(scope="session")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_store(database: Database) -> Callable[..., stores.NewStore]:
    def make(name: str = "Test Store", **kwargs: Any) -> stores.NewStore:
        with database.write() as conn:
            return stores.create_store(conn, name, **kwargs)

    return make


@pytest.fixture
def store(make_store: Callable[..., stores.NewStore]) -> stores.NewStore:
    return make_store()


@pytest.fixture
def od(client: TestClient, store: stores.NewStore) -> OrderDesk:
    return OrderDesk(client, store)


@pytest.fixture
def other_od(client: TestClient, make_store: Callable[..., stores.NewStore]) -> OrderDesk:
    """A second store, for isolation tests."""
    return OrderDesk(client, make_store("Other Store"))
