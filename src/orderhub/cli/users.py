"""`orderhub user ...`: the desk's staff accounts and the stores they work in."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from orderhub.cli.common import console, fail, ready_database, require_store
from orderhub.domain import passwords
from orderhub.domain.channel import Channel
from orderhub.domain.errors import OrderhubError
from orderhub.services import members
from orderhub.storage import accounts
from orderhub.storage.database import Database

app = typer.Typer(help="Desk users (staff accounts) and their stores.", no_args_is_help=True)

DEMO_EMAIL = "demo@example.com"


def _read_password(from_stdin: bool) -> tuple[str, bool]:
    """The password to set and whether it was generated (then it is printed once)."""
    if not from_stdin:
        return passwords.new_password(), True
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        passwords.check_password(password)
    except OrderhubError as exc:
        fail(exc.message)
    return password, False


def add_user(
    db: Database, email: str, store_id: int | None, role: str, password: str | None
) -> bool:
    """Create the user or add the existing one to the store (`members.add_user`)."""
    return members.add_user(db, email, store_id, role, password, channel=Channel.cli())


def create_demo_user(db: Database, store_id: int) -> tuple[str, str] | None:
    """The quickstart's owner of the demo store: (email, password), or None if it exists."""
    password = passwords.new_password()
    with db.read() as conn:
        if accounts.find_user(conn, DEMO_EMAIL) is not None:
            return None
    add_user(db, DEMO_EMAIL, store_id, "owner", password)
    return DEMO_EMAIL, password


@app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="the user's email (their login)")],
    store_id: Annotated[
        int | None,
        typer.Option("--store", help="the store they work in (none: they join by invitation)"),
    ] = None,
    role: Annotated[str, typer.Option(help="owner (also settings, keys, users) or staff")] = (
        "staff"
    ),
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Create a desk user, or add an existing user to another store.

    A new user's password is generated and printed once, unless --password-stdin is given.
    --store adds the user to the store directly: this is the operator's tool. In the desk an
    owner can only invite an email; the account joins when its user accepts, signed in.
    Without --store the account works nowhere until it accepts such an invitation.

    Example: orderhub user create jane@shop.com --store 1 --role owner
    """
    try:
        email = passwords.normalise_email(email)
        passwords.check_role(role)
    except OrderhubError as exc:
        fail(exc.message)
    db = ready_database()
    if store_id is not None:
        require_store(db, store_id)
    with db.read() as conn:
        exists = accounts.find_user(conn, email) is not None
    password, generated = (None, False) if exists else _read_password(password_stdin)
    try:
        add_user(db, email, store_id, role, password)
    except OrderhubError as exc:
        fail(exc.message)
    where = f"{role} of store {store_id}" if store_id is not None else "no store yet"
    if exists:
        if store_id is None:
            fail(f"a user {email} already exists")
        console.print(f"{email} now works in store {store_id} as {role}")
        return
    console.print(f"[bold green]User created:[/] {email} ({where})")
    if generated:
        console.print(f"password: {password}")
        console.print("[yellow]The password is shown only now.[/]")


@app.command("list")
def user_list() -> None:
    """List desk users and the stores they work in (never their passwords).

    Example: orderhub user list
    """
    db = ready_database()
    with db.read() as conn:
        rows = accounts.list_users(conn)
    table = Table("email", "stores (role)", "created (UTC)")
    for user, memberships in rows:
        where = ", ".join(f"{m.store_id} {m.store_name} ({m.role})" for m in memberships)
        table.add_row(user.email, where or "-", str(user.created_at))
    console.print(table)


def _existing(db: Database, email: str) -> accounts.User:
    try:
        email = passwords.normalise_email(email)
    except OrderhubError as exc:
        fail(exc.message)
    with db.read() as conn:
        found = accounts.find_user(conn, email)
    if found is None:
        fail(f"no user {email}")
    return found[0]


@app.command("reset-password")
def user_reset_password(
    email: Annotated[str, typer.Argument(help="the user's email")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Set a new password (generated and printed once unless --password-stdin) and sign the
    user out everywhere.

    Example: orderhub user reset-password jane@shop.com
    """
    db = ready_database()
    user = _existing(db, email)
    password, generated = _read_password(password_stdin)
    members.reset_password(db, user, password, channel=Channel.cli())
    console.print(f"password of {user.email} changed; their sessions are ended")
    if generated:
        console.print(f"password: {password}")


@app.command("delete")
def user_delete(email: Annotated[str, typer.Argument(help="the user's email")]) -> None:
    """Delete a desk user and end their sessions (orders they touched keep their history).

    Example: orderhub user delete jane@shop.com
    """
    db = ready_database()
    user = _existing(db, email)
    members.delete_user(db, user, channel=Channel.cli())
    console.print(f"user {user.email} deleted")


def print_demo_user(demo: tuple[str, str] | None, base_url: str) -> None:
    console.print(f"The desk (back office): {base_url}/")
    if demo is not None:
        console.print(f"  sign in as {demo[0]} with password {demo[1]} (shown only now)")
