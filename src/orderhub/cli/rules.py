"""`orderhub rule ...`: a store's automation rules as JSON files (docs/rules.md), so that
they can live in git: export, edit, import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from orderhub.cli.common import console, fail, ready_database, record_id, require_store
from orderhub.domain.channel import Channel
from orderhub.domain.dates import format_wire
from orderhub.domain.limits import MAX_PREVIEW_ORDERS, MAX_RULES_FILE_BYTES
from orderhub.domain.rules import rule_json
from orderhub.domain.stores import Store
from orderhub.services import rules
from orderhub.services.rules import RuleError, StoredRule, UnknownRule
from orderhub.storage.database import Database

app = typer.Typer(help="Automation rules: orders route themselves.", no_args_is_help=True)

StoreArg = Annotated[int, typer.Argument(help="the store", parser=record_id)]
RuleArg = Annotated[int, typer.Argument(help="the rule id (rule list)", parser=record_id)]
FileOpt = Annotated[str, typer.Option("--file", "-f", help="the rule's JSON file, - for stdin")]


def _read_json(source: str) -> Any:
    """A JSON file (or stdin for `-`), refused when over the size limit or not JSON."""
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_RULES_FILE_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                raw = handle.read(MAX_RULES_FILE_BYTES + 1)
    except OSError as exc:
        fail(f"{source}: {exc.strerror or exc}")
    if len(raw) > MAX_RULES_FILE_BYTES:
        fail(f"{source}: larger than {MAX_RULES_FILE_BYTES:,} bytes")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        fail(f"{source}: not valid JSON ({exc})")


def _open(store_id: int) -> tuple[Database, Store]:
    db = ready_database()
    return db, require_store(db, store_id)


def _pretty(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


def _line(rule: StoredRule) -> str:
    state = "on" if rule.spec.enabled else "off"
    return f"rule {rule.id} at {rule.position} ({state}): {rule.spec.name}"


@app.command("list")
def rule_list(store_id: StoreArg) -> None:
    """The store's rules in the order they run. Example: orderhub rule list 1"""
    db, _store = _open(store_id)
    table = Table("#", "id", "name", "event", "enabled", "last run", "last outcome")
    for rule in rules.list_rules(db, store_id):
        last = format_wire(rule.last_run_at) if rule.last_run_at else ""
        enabled = "yes" if rule.spec.enabled else "no"
        table.add_row(str(rule.position), str(rule.id), rule.spec.name, rule.spec.event,
                      enabled, last, rule.last_outcome or "")  # fmt: skip
    console.print(table)


@app.command("show")
def rule_show(store_id: StoreArg, rule_id: RuleArg) -> None:
    """One rule as JSON (the format `rule add` reads). Example: orderhub rule show 1 3"""
    db, _store = _open(store_id)
    found = rules.get_rule(db, store_id, rule_id)
    if found is None:
        fail(f"rule {rule_id} not found in store {store_id}")
    typer.echo(_pretty(rule_json(found.spec)))


@app.command("add")
def rule_add(store_id: StoreArg, file: FileOpt) -> None:
    """Add a rule at the end of the list. Example: orderhub rule add 1 --file rule.json"""
    db, store = _open(store_id)
    try:
        added = rules.add_rule(db, store, _read_json(file), channel=Channel.cli())
    except RuleError as exc:
        fail(exc.message)
    console.print(f"added {_line(added)}")


@app.command("remove")
def rule_remove(store_id: StoreArg, rule_id: RuleArg) -> None:
    """Delete a rule. Example: orderhub rule remove 1 3"""
    db, store = _open(store_id)
    try:
        rules.remove_rule(db, store, rule_id, channel=Channel.cli())
    except UnknownRule as exc:
        fail(str(exc))
    console.print(f"rule {rule_id} removed")


def _set_enabled(store_id: int, rule_id: int, enabled: bool) -> None:
    db, store = _open(store_id)
    try:
        changed = rules.set_enabled(db, store, rule_id, enabled, channel=Channel.cli())
    except (UnknownRule, RuleError) as exc:
        fail(str(exc))
    console.print(_line(changed))


@app.command("enable")
def rule_enable(store_id: StoreArg, rule_id: RuleArg) -> None:
    """Turn a rule on. Example: orderhub rule enable 1 3"""
    _set_enabled(store_id, rule_id, True)


@app.command("disable")
def rule_disable(store_id: StoreArg, rule_id: RuleArg) -> None:
    """Turn a rule off (kept, not run). Example: orderhub rule disable 1 3"""
    _set_enabled(store_id, rule_id, False)


@app.command("move")
def rule_move(
    store_id: StoreArg,
    rule_id: RuleArg,
    to: Annotated[int, typer.Option("--to", help="the new position, 1 = runs first", min=1)],
) -> None:
    """Change where a rule runs in the list. Example: orderhub rule move 1 3 --to 1"""
    db, store = _open(store_id)
    try:
        listed = rules.move_rule(db, store, rule_id, to, channel=Channel.cli())
    except (UnknownRule, RuleError) as exc:
        fail(str(exc))
    for rule in listed:
        console.print(_line(rule))


@app.command("export")
def rule_export(store_id: StoreArg) -> None:
    """The store's rules as a JSON array on stdout (what `rule import` reads).

    Example: orderhub rule export 1 > rules.json"""
    db, _store = _open(store_id)
    typer.echo(_pretty(rules.export_rules(db, store_id)))


@app.command("import")
def rule_import(
    store_id: StoreArg,
    file: Annotated[str, typer.Argument(help="a JSON array of rules (rule export), - for stdin")],
    replace: Annotated[
        bool, typer.Option(help="replace the store's rules instead of adding to them")
    ] = False,
) -> None:
    """Add (or with --replace, replace) rules from a file: all of them or none.

    Example: orderhub rule import 1 rules.json --replace"""
    db, store = _open(store_id)
    try:
        listed = rules.import_rules(db, store, _read_json(file), replace=replace,
                                    channel=Channel.cli())  # fmt: skip
    except RuleError as exc:
        fail(exc.message)
    console.print(f"store {store_id} has {len(listed)} rule(s)")


@app.command("test")
def rule_test(
    store_id: StoreArg,
    file: FileOpt,
    orders: Annotated[
        int, typer.Option(help="how many recent orders to try", min=1, max=MAX_PREVIEW_ORDERS)
    ] = 500,  # fmt: skip
) -> None:
    """Preview a rule on the store's most recent orders; nothing is written.

    Example: orderhub rule test 1 --file rule.json --orders 100"""
    db, store = _open(store_id)
    try:
        found = rules.preview(db, store, _read_json(file), orders=orders)
    except RuleError as exc:
        fail(exc.message)
    console.print(f"{found.matched} of {found.examined} recent order(s) would match")
    for row in found.rows:
        if row.matched:
            console.print(f"order {row.order_id} ({row.source_id}, {row.folder}): "
                          + "; ".join(row.actions), soft_wrap=True)  # fmt: skip
