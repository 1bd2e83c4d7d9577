"""The desk's browser tests run against a real `orderhub serve` process on loopback, driven
by Debian's Chromium through Playwright (never a downloaded browser). Each failing test
leaves a screenshot under the pytest temporary directory (the path is printed)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from orderhub.domain.inventory import InventoryItem
from orderhub.storage import inventory, migrate, stores
from orderhub.storage.database import Database
from tests.conftest import service_missing
from tests.desk.helpers import DeskUser, make_user
from tests.helpers import sample_order

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "desk"


@dataclass
class Served:
    base_url: str
    db: Database
    store: stores.NewStore
    owner: DeskUser
    staff: DeskUser
    other_store: stores.NewStore
    order_ids: list[int]

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {
            "ORDERDESK-STORE-ID": str(self.store.store.id),
            "ORDERDESK-API-KEY": self.store.api_key,
        }
        return httpx.request(method, f"{self.base_url}/api/v2{path}", headers=headers, **kwargs)

    def new_order(self, **fields: Any) -> int:
        response = self.api("POST", "/orders", json=sample_order(**fields))
        assert response.status_code == 200, response.text
        return int(response.json()["order"]["id"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CUSTOMERS = [
    ("Jane", "Doe", "jane@example.com"),
    ("Ahmed", "Khan", "ahmed@example.org"),
    ("Maria", "Garcia", "maria.garcia@example.net"),
    ("Li", "Wei", "li.wei@example.com"),
    ("Olivia", "Brown", "olivia@example.co.uk"),
    ("Tom", "Schmidt", "tom@example.de"),
]


def serve(url: str, tmp: Path) -> Iterator[Served]:
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as conn:
        store = stores.create_store(
            conn, "Northwind Prints", settings={"auto_update_stock_count": True}
        )
        other = stores.create_store(conn, "Other Shop")
        inventory.create_item(
            conn,
            store.store.id,
            InventoryItem(name="Logo T-Shirt", code="TS-1", price=Decimal("19.99"), stock=40),
        )
        inventory.create_item(
            conn,
            store.store.id,
            InventoryItem(name="Enamel Mug", code="MUG-1", price=Decimal("9.50"), stock=12),
        )
    owner = make_user(db, store, "owner", email="jane@northwind.test")
    staff = make_user(db, store, "staff", email="sam@northwind.test")
    make_user(db, other, "owner", email=owner.email)
    port = _free_port()
    env = {
        **os.environ,
        "ORDERHUB_DATABASE_URL": url,
        "ORDERHUB_NOTIFY_POLL_SECONDS": "0",
        "ORDERHUB_RATE_LIMIT_CAPACITY": "0",
        "ORDERHUB_REDIS_URL": "",
        "ORDERHUB_DESK_LOGIN_ATTEMPTS": "50",
        "ORDERHUB_DESK_LOGIN_ATTEMPTS_PER_ADDRESS": "200",
    }
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "orderhub", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError((tmp / "server.log").read_text())
        time.sleep(0.1)
    served = Served(base, db, store, owner, staff, other, [])
    for i, (first, last, email) in enumerate(CUSTOMERS * 2):
        items = [
            {"name": "Logo T-Shirt", "code": "TS-1", "price": 19.99, "quantity": 1 + i % 3,
             "variation_list": {"Size": "M", "Colour": "Navy"}},
            {"name": "Enamel Mug", "code": "MUG-1", "price": 9.5, "quantity": 1},
        ]  # fmt: skip
        served.order_ids.append(
            served.new_order(
                email=email,
                order_items=items,
                source_id=f"WEB-{1000 + i}",
                shipping={**sample_order()["shipping"], "first_name": first, "last_name": last},
            )  # fmt: skip
        )
    try:
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        db.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("desk")
    yield from serve(f"sqlite:///{tmp / 'orderhub.db'}", tmp)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API keeps an event loop running in this thread while
    it is open, which other tests' `asyncio.run` must not find."""
    if not Path(CHROMIUM).exists():
        service_missing(f"{CHROMIUM} is missing: `make install-test` installs Debian's chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        service_missing("playwright is not installed: `make install-test` installs it")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def capture(tab: Any, path: Path, *, full_page: bool) -> None:
    """A screenshot of a loaded page. Chromium sometimes answers a capture with "Unable to
    capture screenshot" while its compositor has no frame ready (seen during navigations and
    on a loaded machine); the same capture a moment later succeeds, so it is retried a few
    times before the error stands."""
    from playwright.sync_api import Error

    for attempt in range(5):
        try:
            tab.screenshot(path=str(path), full_page=full_page)
            return
        except Error as error:
            if "Unable to capture screenshot" not in str(error) or attempt == 4:
                raise
            tab.wait_for_timeout(250 * (attempt + 1))


def _tab(
    browser: Any, request: pytest.FixtureRequest, tmp_path: Path, **options: Any
) -> Iterator[Any]:
    """A fresh browser context and tab; a screenshot of it is kept when the test fails."""
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        shot = tmp_path / f"{request.node.name}.png"
        capture(tab, shot, full_page=True)
        print(f"screenshot of the failure: {shot}")
    context.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    yield from _tab(browser, request, tmp_path, viewport={"width": 1280, "height": 860})


@pytest.fixture
def phone(browser: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    yield from _tab(
        browser, request, tmp_path, viewport={"width": 390, "height": 844}, is_mobile=True
    )


@pytest.fixture
def shoot(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Any, str], None]:
    """Saves a page's screenshot: into docs/desk/NAME.png when ORDERHUB_DESK_SCREENSHOTS=docs
    (to refresh the docs), else under pytest's temporary directory, so that a test run leaves
    the checkout as it was."""
    to_docs = os.environ.get("ORDERHUB_DESK_SCREENSHOTS") == "docs"
    folder = DOCS_SHOTS if to_docs else tmp_path_factory.mktemp("desk-screenshots")

    def take(tab: Any, name: str, *, full_page: bool = False) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        tab.wait_for_load_state("load")
        capture(tab, folder / f"{name}.png", full_page=full_page)

    return take


@pytest.fixture(scope="session")
def desk_app(database: Database) -> Any:
    """The app with sign-in limits out of the way (every test client signs in from the same
    address); the limits have tests of their own with apps of their own."""
    from orderhub.app import create_app
    from tests.helpers import make_settings

    return create_app(
        make_settings(desk_login_attempts=10_000, desk_login_attempts_per_address=10_000),
        database=database,
    )


@pytest.fixture(scope="module")
def served_postgres(
    tmp_path_factory: pytest.TempPathFactory, fresh_database_url: Callable[[str], str]
) -> Iterator[Served]:
    yield from serve(fresh_database_url("postgres"), tmp_path_factory.mktemp("desk-pg"))
