"""A statement run on the driver (storage/driver.py) reads exactly what SQLAlchemy reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from orderhub.storage.driver import DriverQuery
from orderhub.storage.orders import revisions
from tests.helpers import take_orders


@pytest.mark.parametrize("email_count", [True, False])
def test_revision_stamps_read_on_the_driver_match_sqlalchemy(
    database: Any, make_store: Any, email_count: bool
) -> None:
    store, other = make_store(), make_store()
    ids = take_orders(database, store, ["a@x.example", "a@x.example", "", "b@x.example"])
    [foreign] = take_orders(database, other, ["a@x.example"])
    columns = [*revisions._STAMP_COLUMNS, *([revisions.EMAIL_COUNT] if email_count else [])]
    through_sqlalchemy = select(*columns).where(*revisions._OF_STORE)
    # Lists of several lengths (each its own compiled form), ids of another store and of
    # no order, twice over so that the cached forms are used too.
    for wanted in ([ids[0]], ids, [*ids, foreign, 999_999_999], [ids[2], ids[0]]) * 2:
        with database.read() as conn:
            driver = revisions.stamps(conn, store.store.id, wanted, email_count=email_count)
            expected = {
                row.id: tuple(row)
                for row in conn.execute(
                    through_sqlalchemy, {"p_store_id": store.store.id, "p_ids": wanted}
                )
            }
        assert {k: tuple(v) for k, v in driver.items()} == expected
        assert foreign not in driver
    with database.read() as conn:
        row = revisions.stamps(conn, store.store.id, [ids[0]], email_count=True)[ids[0]]
    assert isinstance(row.date_added, datetime) and row.email_count == 2


def test_an_empty_id_list_reads_nothing(database: Any) -> None:
    query = DriverQuery(select(revisions.orders.c.id).where(*revisions._OF_STORE))
    with database.read() as conn:
        assert query.rows(conn, {"p_store_id": 1, "p_ids": []}) == []
