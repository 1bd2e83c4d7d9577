"""The query parameters of `GET /api/v2/orders` are declared once (`params.ORDER_PARAMS`):
the OpenAPI document is built from the declaration; the parsing code and the hand-written
table of docs/orderdesk.md are checked against it here."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from orderhub.api.orderdesk.params import ORDER_PARAMS, parse_order_query, parse_page
from orderhub.api.orderdesk.routes import orders as order_routes

DOCS = Path(__file__).resolve().parents[4] / "docs" / "orderdesk.md"
DECLARED = [p.name for p in ORDER_PARAMS]


class Recorder(dict[str, str]):
    """An empty query string that notes every parameter asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        self.asked.add(key)
        return default


def test_every_declared_parameter_is_read_and_no_other() -> None:
    params = Recorder()
    parse_order_query(params, "UTC")
    parse_page(params)
    # Read by the route itself: whether to add each order's history.
    route = inspect.getsource(order_routes.list_orders)
    asked = params.asked | {name for name in DECLARED if f'"{name}"' in route}
    assert sorted(asked) == sorted(DECLARED), "api/orderdesk/params.py ORDER_PARAMS"


def _documented() -> list[str]:
    text = DOCS.read_text()
    table = text.split("### Listing: `GET /orders`", 1)[1].split("\n\n", 2)[1]
    names: list[str] = []
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        parts = re.findall(r"`([^`]+)`", first)
        if " + " in first:  # `customer_`/`shipping_` + `first_name`, ...
            prefixes = [p for p in parts if p.endswith("_")]
            names += [p + s for p in prefixes for s in parts if not s.endswith("_")]
        else:
            names += parts
    return names


def test_the_docs_table_lists_every_declared_parameter() -> None:
    documented = _documented()
    assert sorted(documented) == sorted(DECLARED), (
        "docs/orderdesk.md 'Listing: GET /orders' and api/orderdesk/params.py ORDER_PARAMS "
        f"disagree: undocumented {sorted(set(DECLARED) - set(documented))}, "
        f"not declared {sorted(set(documented) - set(DECLARED))}"
    )
