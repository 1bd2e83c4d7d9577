"""`orderhub webhook ...`: a store's webhook endpoints and their deliveries (docs/outbound.md)."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer
from rich.table import Table

from orderhub.cli.common import console, fail, ready_database, record_id, require_store, settings
from orderhub.domain.dates import format_wire
from orderhub.domain.errors import OrderhubError
from orderhub.domain.values import text_problem
from orderhub.outbound.net import check_url
from orderhub.outbound.webhooks import FORMATS
from orderhub.services.events import EVENTS
from orderhub.storage import webhooks

app = typer.Typer(help="Webhooks: orders flow out to the shop's systems.", no_args_is_help=True)

MAX_SECRET_LENGTH = 200
MAX_NAME_LENGTH = 100


@app.command("add")
def webhook_add(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    url: Annotated[str, typer.Argument(help="http(s) URL that receives the POSTs")],
    event: Annotated[
        list[str],
        typer.Option(
            "--event", "-e", help=f"event to send (repeat); one of {', '.join(EVENTS)}, or *"
        ),
    ],
    secret: Annotated[
        str | None,
        typer.Option(
            help="signing secret (default: a new random one); give an Order Desk "
            "receiver's API key to keep its hash check working unchanged"
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="form (Order Desk's Post Order JSON) or json")
    ] = "form",
    name: Annotated[
        str, typer.Option(help="a name rules' webhook actions use for it (docs/rules.md)")
    ] = "",
) -> None:
    """Add an endpoint and print its signing secret (shown only this once).

    Example: orderhub webhook add 1 https://erp.example.com/orderdesk --event order.created --event shipment.created
    """  # noqa: E501
    unknown = [name for name in event if name not in (*EVENTS, webhooks.ALL_EVENTS)]
    if unknown:
        fail(f"unknown event {unknown[0]!r}; events are {', '.join(EVENTS)} (or * for all)")
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    if len(name) > MAX_NAME_LENGTH or text_problem(name):
        fail(f"--name must be at most {MAX_NAME_LENGTH} printable characters")
    if secret is not None and not 8 <= len(secret) <= MAX_SECRET_LENGTH:
        fail(f"--secret must be 8 to {MAX_SECRET_LENGTH} characters")
    try:
        check_url(url, settings())
    except OrderhubError as exc:
        fail(exc.message)
    db = ready_database()
    require_store(db, store_id)
    signing_secret = secret or secrets.token_hex(24)
    with db.write() as conn:
        endpoint = webhooks.add_endpoint(
            conn, store_id, url, dict.fromkeys(event), fmt, signing_secret, name
        )
    console.print(f"webhook {endpoint.id} added: {url} ({', '.join(endpoint.events)}, {fmt})")
    if secret is None:
        console.print(f"signing secret (shown once): {signing_secret}", soft_wrap=True)


@app.command("list")
def webhook_list(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
) -> None:
    """The store's endpoints. Example: orderhub webhook list 1"""
    db = ready_database()
    require_store(db, store_id)
    with db.read() as conn:
        found = webhooks.list_endpoints(conn, store_id)
    table = Table("id", "name", "url", "events", "format", "active", "created")
    for e in found:
        table.add_row(
            str(e.id), e.name, e.url, ", ".join(e.events), e.format, "yes" if e.active else "no",
            format_wire(e.created_at),
        )  # fmt: skip
    console.print(table)


@app.command("remove")
def webhook_remove(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    endpoint_id: Annotated[
        int, typer.Argument(help="webhook id (from `webhook list`)", parser=record_id)
    ],
) -> None:
    """Remove an endpoint with its queued deliveries and their log.

    Example: orderhub webhook remove 1 3
    """
    db = ready_database()
    require_store(db, store_id)
    try:
        with db.write() as conn:
            webhooks.remove_endpoint(conn, store_id, endpoint_id)
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"webhook {endpoint_id} removed")


@app.command("disable")
def webhook_disable(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    endpoint_id: Annotated[
        int, typer.Argument(help="webhook id (from `webhook list`)", parser=record_id)
    ],
) -> None:
    """Pause an endpoint: no new deliveries, queued ones wait.

    Example: orderhub webhook disable 1 3
    """
    _set_active(store_id, endpoint_id, False)


@app.command("enable")
def webhook_enable(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    endpoint_id: Annotated[
        int, typer.Argument(help="webhook id (from `webhook list`)", parser=record_id)
    ],
) -> None:
    """Resume a disabled endpoint; its queued deliveries go out.

    Example: orderhub webhook enable 1 3
    """
    _set_active(store_id, endpoint_id, True)


def _set_active(store_id: int, endpoint_id: int, active: bool) -> None:
    db = ready_database()
    require_store(db, store_id)
    try:
        with db.write() as conn:
            webhooks.set_active(conn, store_id, endpoint_id, active)
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"webhook {endpoint_id} {'enabled' if active else 'disabled'}")


@app.command("deliveries")
def webhook_deliveries(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    failed: Annotated[bool, typer.Option("--failed", help="only the failed ones")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The store's latest deliveries, newest first.

    Example: orderhub webhook deliveries 1 --failed
    """
    db = ready_database()
    require_store(db, store_id)
    with db.read() as conn:
        found = webhooks.list_deliveries(conn, store_id, failed_only=failed, limit=limit)
    table = Table("delivery", "webhook", "event", "order", "status", "tries", "last", "created")
    for d in found:
        last = " ".join(filter(None, (str(d.last_status or ""), d.last_error[:60])))
        table.add_row(
            d.delivery_id, str(d.endpoint_id), d.event, str(d.order_id), d.status,
            str(d.attempts), last, format_wire(d.created_at),
        )  # fmt: skip
    console.print(table)


@app.command("attempts")
def webhook_attempts(
    delivery_id: Annotated[str, typer.Argument(help="delivery id (from `webhook deliveries`)")],
) -> None:
    """Every attempt of one delivery, with what the receiver answered.

    Example: orderhub webhook attempts 5f0c8a8e-3c1e-4d0e-9a51-1f7f3b2f9a10
    """
    db = ready_database()
    try:
        with db.read() as conn:
            found = webhooks.attempts_of(conn, delivery_id)
    except OrderhubError as exc:
        fail(exc.message)
    table = Table("at", "status", "ms", "error", "response")
    for a in found:
        table.add_row(
            format_wire(a.attempted_at), str(a.status or ""), str(a.duration_ms), a.error,
            a.response_excerpt[:80],
        )  # fmt: skip
    console.print(table)


@app.command("resend")
def webhook_resend(
    delivery_id: Annotated[str, typer.Argument(help="delivery id (from `webhook deliveries`)")],
) -> None:
    """Queue a failed (or delivered) delivery again; a running server sends it.

    Example: orderhub webhook resend 5f0c8a8e-3c1e-4d0e-9a51-1f7f3b2f9a10
    """
    db = ready_database()
    try:
        with db.write() as conn:
            webhooks.resend(conn, delivery_id)
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"delivery {delivery_id} queued again")
