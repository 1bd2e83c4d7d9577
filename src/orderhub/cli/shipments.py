"""`orderhub shipments ...`: shipping from a terminal."""

from __future__ import annotations

from typing import Annotated

import typer

from orderhub.cli.common import console, fail, ready_database, record_id, require_store
from orderhub.domain.channel import Channel
from orderhub.domain.errors import DuplicateShipment, OrderhubError
from orderhub.domain.fulfilment import Shipment
from orderhub.services import shipments

app = typer.Typer(help="Shipments.", no_args_is_help=True)
CHANNEL = Channel.cli()


@app.command("add")
def shipment_add(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    order_id: Annotated[int, typer.Argument(help="the order", parser=record_id)],
    tracking_number: Annotated[str, typer.Argument(help="tracking number, or n/a")],
    carrier: Annotated[str, typer.Option(help="carrier code (guessed when omitted)")] = "",
    method: Annotated[str, typer.Option(help="shipment method, e.g. Ground")] = "",
) -> None:
    """Record a shipment of the rest of an order.

    Example: orderhub shipments add 1 1042 1Z999AA10123456784
    """
    db = ready_database()
    store = require_store(db, store_id)
    shipment = Shipment(
        tracking_number=tracking_number, carrier_code=carrier, shipment_method=method
    )
    try:
        created = shipments.add_shipment(db, store, order_id, shipment, channel=CHANNEL)
    except DuplicateShipment as exc:
        fail(f"Shipment Not Added: {exc.message}")
    except OrderhubError as exc:
        fail(exc.message)
    console.print(
        f"shipment {created.id} added to order {order_id}: "
        f"{created.carrier_code or 'unknown carrier'} {tracking_number} {created.tracking_url}"
    )
