"""`orderhub orders split STORE ORDER_ID --item CODE[:QTY] … [--folder NAME]` on both
databases: the split it makes, and a non-zero exit with the reason (nothing written) for
bad input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.domain.channel import Channel
from orderhub.services import orders
from orderhub.storage import orders as order_storage
from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.helpers import OrderDesk

runner = CliRunner()


@pytest.fixture
def cli_env(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", database.url)


def _split(*args: str) -> Any:
    return runner.invoke(app, ["orders", "split", *args])


def test_split_moves_a_quantity_and_a_whole_item(
    cli_env: None, database: Database, od: OrderDesk
) -> None:
    order = od.create_order(
        order_items=[
            {"name": "Tee", "code": "TEE:L", "price": 20, "quantity": 5},
            {"name": "Mug", "code": "MUG", "price": 10, "quantity": 2},
            {"name": "Pin", "code": "PIN", "price": 1, "quantity": 1},
        ]
    )
    store_id = str(od.store.store.id)
    result = _split(store_id, str(order["id"]), "--item", "TEE:L:3", "--item", "MUG",
                    "--folder", "Printing")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "moved to order" in result.output and f"{order['source_id']}-2" in result.output
    new_id = int(result.output.split("moved to order ")[1].split()[0])
    with database.read() as conn:
        kept = order_storage.get_order(conn, od.store.store.id, int(order["id"]))
        new = order_storage.get_order(conn, od.store.store.id, new_id)
    assert {i.code: i.quantity for i in kept.items} == {"TEE:L": 2, "PIN": 1}
    assert {i.code: i.quantity for i in new.items} == {"TEE:L": 3, "MUG": 2}
    for name in ("order_total", "shipping_total", "tax_total", "handling_total"):
        assert getattr(kept, name) + getattr(new, name) == Decimal(str(order[name])), name
    with database.read() as conn:
        printing = stores.find_folder(conn, od.store.store.id, name="Printing")
    assert printing is not None and new.folder_id == printing.id


@pytest.mark.parametrize(
    ("items", "folder", "reason"),
    [
        (["NOPE"], None, "no item on this order has code 'NOPE'"),
        (["TS-1:3"], None, "only 2 can move"),
        (["TS-1:0"], None, "at least 1"),
        (["TS-1:-1"], None, "at least 1"),
        (["TS-1:x"], None, "must be a whole number"),
        (["TS-1", "MUG-1"], None, "every item would move"),
        (["MUG-1"], "Nowhere", "no folder named 'Nowhere'"),
    ],
)
def test_bad_input_exits_non_zero_with_the_reason_and_writes_nothing(
    cli_env: None, od: OrderDesk, items: list[str], folder: str | None, reason: str
) -> None:
    order = od.create_order()
    before = od.get(f"/orders/{order['id']}").json()["order"]
    args = [a for code in items for a in ("--item", code)]
    if folder:
        args += ["--folder", folder]
    result = _split(str(od.store.store.id), str(order["id"]), *args)
    assert result.exit_code != 0
    assert reason in " ".join(result.output.split()), result.output
    assert od.get(f"/orders/{order['id']}").json()["order"] == before


def test_a_cancelled_order_is_not_split(cli_env: None, database: Database, od: OrderDesk) -> None:
    order = od.create_order()
    orders.cancel_order(database, od.store.store, int(order["id"]), channel=Channel.cli())
    result = _split(str(od.store.store.id), str(order["id"]), "--item", "MUG-1")
    assert result.exit_code != 0 and "cancelled" in result.output
