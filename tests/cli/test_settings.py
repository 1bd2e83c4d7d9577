"""The real `orderhub` executable sets every store setting it lists, refuses a bad value of
each with exit 1 and a reason, and refuses unknown names — on both databases."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from orderhub.domain.settings import STORE_SETTINGS
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database

ORDERHUB = Path(sys.executable).parent / "orderhub"

# One valid and one invalid value per setting; a setting missing here fails the test below.
VALUES: dict[str, tuple[str, str, object]] = {
    # name: (valid, invalid, the value stored for the valid one)
    "auto_update_stock_count": ("on", "maybe", True),
    "negative_stock": ("reject", "sometimes", "reject"),
    "rate_limit_capacity": ("100", "²", 100),
    "rate_limit_refill_per_second": ("2.5", "١", 2.5),
    # a public address (checked when set, and no name to resolve on a machine without DNS)
    "pod_notification_url": ("https://93.184.215.14/hook", "ftp://example.com/x", None),
    "pod_duplicate_external_id": ("return_existing", "ignore", "return_existing"),
    "pod_shipping_methods": (
        "regular, UK Royal Mail 24 Tracked", "x" * 101, ["regular", "UK Royal Mail 24 Tracked"],
    ),
    "pod_design_placements": ("front,belly", " , ", ["front", "belly"]),
    "shipment_confirmation_email": ("on", "sometimes", True),
    "email_sender_address": ("orders@shop.example", "orders@shop", None),
    "email_sender_name": ("Lee's Shop", "Lee\r\nBcc: x@example.com", None),
    "email_reply_to": ("help@shop.example", "help@shop.example\nX: y", None),
    "money_format": ("0,00 €", "€", None),
}  # fmt: skip


def orderhub(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORDERHUB_DATABASE_URL": url, "COLUMNS": "200"}
    command = [str(ORDERHUB)] if ORDERHUB.exists() else [sys.executable, "-m", "orderhub"]
    return subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def cli_store(backend: str, fresh_database_url: Callable[[str], str]) -> tuple[str, int]:
    url = fresh_database_url(backend)
    db = Database(url)
    try:
        migrate.upgrade(db)
        with db.write() as conn:
            store_id = stores.create_store(conn, "CLI Store").store.id
    finally:
        db.dispose()
    return url, store_id


def stored_settings(url: str, store_id: int) -> dict[str, object]:
    db = Database(url)
    try:
        with db.read() as conn:
            return dict(stores.get_store(conn, store_id).settings)
    finally:
        db.dispose()


def test_every_listed_setting_can_be_set_and_refuses_a_bad_value(
    cli_store: tuple[str, int],
) -> None:
    url, store_id = cli_store
    listing = orderhub(url, "store", "settings")
    assert listing.returncode == 0, listing.stderr
    listed = re.findall(r"^│ ([a-z_]+) +│", listing.stdout, flags=re.MULTILINE)
    assert sorted(listed) == sorted(STORE_SETTINGS) == sorted(VALUES)
    for name in listed:
        valid, invalid, stored = VALUES[name]
        done = orderhub(url, "store", "set", str(store_id), name, valid)
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        assert stored_settings(url, store_id)[name] == (valid if stored is None else stored)
        refused = orderhub(url, "store", "set", str(store_id), name, invalid)
        assert refused.returncode == 1, (name, refused.stdout)
        assert f"{name}:" in refused.stderr and "error" in refused.stderr, refused.stderr
        assert stored_settings(url, store_id)[name] == (valid if stored is None else stored)


def test_unknown_names_are_refused(cli_store: tuple[str, int]) -> None:
    url, store_id = cli_store
    for command in (
        ("set", str(store_id), "no_such_setting", "1"),
        ("unset", str(store_id), "nope"),
    ):
        refused = orderhub(url, "store", *command)
        assert refused.returncode == 1, refused.stdout
        assert "not a store setting" in refused.stderr
    done = orderhub(url, "store", "unset", str(store_id), "negative_stock")
    assert done.returncode == 0, done.stderr


def test_ids_on_the_command_line_are_ascii_numbers_in_range(cli_store: tuple[str, int]) -> None:
    url, store_id = cli_store
    for raw in (str(store_id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")), str(2**64)):
        refused = orderhub(url, "store", "set", raw, "negative_stock", "reject")
        assert refused.returncode == 2 and "is not an id" in refused.stderr, refused.stderr
        shown = orderhub(url, "orders", "show", str(store_id), raw)
        assert shown.returncode == 2 and "is not an id" in shown.stderr, shown.stderr
    assert "negative_stock" not in stored_settings(url, store_id)
