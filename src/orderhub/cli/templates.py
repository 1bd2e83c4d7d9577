"""`orderhub template ...` and `orderhub email ...`: a store's templates, and its emails
(docs/templates.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from orderhub.cli.common import console, fail, ready_database, record_id, require_store
from orderhub.domain import limits
from orderhub.domain.channel import Channel
from orderhub.domain.dates import format_wire
from orderhub.domain.errors import OrderhubError
from orderhub.services import emails as email_service
from orderhub.services import templates as service
from orderhub.storage import emails as email_storage
from orderhub.templating.builtins import DOCUMENT, EMAIL, KINDS, Template

app = typer.Typer(help="Templates: customer emails and printable documents.", no_args_is_help=True)
email_app = typer.Typer(
    help="Emails: what was sent, what failed, re-sending.", no_args_is_help=True
)

StoreArg = Annotated[int, typer.Argument(help="the store", parser=record_id)]
NameArg = Annotated[str, typer.Argument(help='the template\'s name, e.g. "packing slip"')]


@app.command("list")
def template_list(store_id: StoreArg) -> None:
    """The store's templates: the built-ins (default or edited) and its own.

    Example: orderhub template list 1"""
    db = ready_database()
    store = require_store(db, store_id)
    table = Table("name", "kind", "state")
    for t in service.list_templates(db, store):
        table.add_row(t.name, t.kind, "edited" if t.edited and t.builtin else
                      "default" if t.builtin else "own")  # fmt: skip
    console.print(table)


@app.command("show")
def template_show(store_id: StoreArg, name: NameArg) -> None:
    """Print a template's source (the subject first for an email).

    Example: orderhub template show 1 "shipment confirmation\""""
    db = ready_database()
    store = require_store(db, store_id)
    try:
        t = service.get_template(db, store, name)
    except OrderhubError as exc:
        fail(exc.message)
    if t.kind == EMAIL:
        typer.echo(f"Subject: {t.subject}\n")
    typer.echo(t.body, nl=not t.body.endswith("\n"))
    if t.text_body:
        typer.echo(f"\n--- text part ---\n{t.text_body}")


def _read_source(file: Path | None) -> str:
    limit = limits.MAX_TEMPLATE_SOURCE_CHARS
    try:
        raw = file.read_text(encoding="utf-8") if file else sys.stdin.read(limit + 1)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read the template: {exc}")
    if len(raw) > limit:
        fail(f"the template is longer than {limit:,} characters")
    return raw


@app.command("set")
def template_set(
    store_id: StoreArg,
    name: NameArg,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="the HTML body (default: stdin)")
    ] = None,
    subject: Annotated[str | None, typer.Option(help="an email's subject")] = None,
    text_file: Annotated[
        Path | None, typer.Option(help="an email's plain-text part (default: made from the HTML)")
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help=f"a new template's kind: {' or '.join(KINDS)}")
    ] = None,
) -> None:
    """Save the store's copy of a template (checked first: it must compile and render).

    Example: orderhub template set 1 "packing slip" --file slip.html"""
    db = ready_database()
    store = require_store(db, store_id)
    try:
        current = service.get_template(db, store, name)
    except OrderhubError:
        current = Template(name, kind or DOCUMENT, "", "")
    if kind is not None and kind not in KINDS:
        fail(f"--kind must be {' or '.join(KINDS)}")
    body = _read_source(file)
    text = _read_source(text_file) if text_file else current.text_body
    new_kind = kind or current.kind
    wanted = Template(name, new_kind, subject if subject is not None else current.subject,
                      body, text)  # fmt: skip
    if new_kind == EMAIL and not wanted.subject.strip():
        fail("an email template needs --subject")
    try:
        saved = service.save_template(db, store, wanted)
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"template {saved.name!r} ({saved.kind}) saved")


@app.command("reset")
def template_reset(store_id: StoreArg, name: NameArg) -> None:
    """Go back to the built-in default (a template of the store's own is deleted).

    Example: orderhub template reset 1 "packing slip\""""
    db = ready_database()
    store = require_store(db, store_id)
    try:
        back = service.reset_template(db, store, name)
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"template {name!r} " + ("reset to the default" if back else "deleted"))


@app.command("render")
def template_render(
    store_id: StoreArg,
    name: NameArg,
    order_id: Annotated[int, typer.Argument(help="the order", parser=record_id)],
) -> None:
    """Render a template for an order to stdout (an email: subject, text part, HTML).

    Example: orderhub template render 1 invoice 1042"""
    db = ready_database()
    store = require_store(db, store_id)
    try:
        t = service.get_template(db, store, name)
        out = service.render_for_order(db, store, t, order_id)
    except OrderhubError as exc:
        fail(exc.message)
    if t.kind == EMAIL:
        typer.echo(f"Subject: {out.subject}\n\n{out.text}\n--- HTML ---")
    typer.echo(out.html)


@email_app.command("list")
def email_list(
    store_id: StoreArg,
    failed: Annotated[bool, typer.Option("--failed", help="only those that failed")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The store's latest emails, newest first. Example: orderhub email list 1 --failed"""
    db = ready_database()
    require_store(db, store_id)
    with db.read() as conn:
        found = email_storage.list_emails(conn, store_id, failed_only=failed, limit=limit)
    table = Table("id", "order", "template", "to", "status", "tries", "queued", "last error")
    for e in found:
        table.add_row(str(e.id), str(e.order_id), e.template, e.recipient, e.status,
                      str(e.attempts), format_wire(e.created_at), e.last_error[:80])  # fmt: skip
    console.print(table)


@email_app.command("resend")
def email_resend(
    email_id: Annotated[int, typer.Argument(help="the email's id", parser=record_id)],
) -> None:
    """Queue a sent or failed email again (same Message-ID). Example: orderhub email resend 7"""
    db = ready_database()
    try:
        again = email_service.resend(db, email_id, store_id=None, channel=Channel.cli())
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"email {again.id} to {again.recipient} queued again")
