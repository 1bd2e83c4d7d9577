"""What each rule action does: name → (apply, describe). `apply` is one service inner-form
call on the transaction's connection and answers the history wording ("moved to Printer");
`describe` is what a preview says it would do, without writing. `check` verifies what the
domain cannot (a folder or an endpoint that must exist) when a rule is stored.

A new action is one `ACTION_ARGS` entry in domain/rules.py and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import InvalidInput
from orderhub.domain.rule_conditions import conditions_text
from orderhub.domain.rule_eval import item_predicate
from orderhub.domain.rules import Action
from orderhub.domain.stores import Store
from orderhub.services import emails, moves, order_fields, splits
from orderhub.services import orders as order_service
from orderhub.storage import orders as order_storage
from orderhub.storage import stores
from orderhub.storage import templates as template_storage
from orderhub.storage import webhooks as webhook_storage
from orderhub.templating.builtins import EMAIL


@dataclass
class ActionContext:
    conn: Connection
    store: Store
    order_id: int
    channel: Channel
    rule_name: str
    # Set by the `stop` action: later rules are skipped for this order.
    stop: bool = False
    notes: list[str] = field(default_factory=list)


def _move(ctx: ActionContext, args: dict[str, Any]) -> str:
    destination = stores.find_folder(ctx.conn, ctx.store.id, name=args["folder"])
    if destination is None:
        raise InvalidInput(f"folder {args['folder']!r} does not exist")
    current = order_storage.lock_order(ctx.conn, ctx.store.id, ctx.order_id)
    if current.folder_id == destination.id:
        return f"already in {destination.name}"
    source = stores.find_folder(ctx.conn, ctx.store.id, folder_id=current.folder_id)
    moves.move_locked(
        ctx.conn, ctx.store, ctx.order_id, source or current.folder_id, destination,
        channel=ctx.channel, now=utcnow(),
    )  # fmt: skip
    return f"moved to {destination.name}"


def _set(ctx: ActionContext, args: dict[str, Any]) -> str:
    note = f"Set {args['field']} to {args['value']!r}"
    order_fields.set_fields_locked(
        ctx.conn, ctx.store, ctx.order_id, {args["field"]: args["value"]},
        channel=ctx.channel, note=note,
    )  # fmt: skip
    return f"set {args['field']} to {args['value']!r}"


def _add_note(ctx: ActionContext, args: dict[str, Any]) -> str:
    order_service.add_note_locked(ctx.conn, ctx.store, ctx.order_id, args["text"],
                                  channel=ctx.channel)  # fmt: skip
    return "added a note"


def _tag(ctx: ActionContext, args: dict[str, Any]) -> str:
    label = _tag_label(args)
    order_fields.set_fields_locked(
        ctx.conn, ctx.store, ctx.order_id,
        {"tag_color": args["color"], "tag_name": args["name"]},
        channel=ctx.channel, note=f"Tagged {label}",
    )  # fmt: skip
    return f"tagged {label}"


def _tag_label(args: dict[str, Any]) -> str:
    return f"{args['name']} ({args['color']})" if args["color"] else args["name"]


def _cancel(ctx: ActionContext, _args: dict[str, Any]) -> str:
    done = order_service.cancel_locked(ctx.conn, ctx.store, ctx.order_id, channel=ctx.channel)
    return "cancelled" if done else "already cancelled"


def _endpoint(conn: Connection, store_id: int, named: int | str) -> webhook_storage.Endpoint | None:
    """The store's endpoint with this id, or (a string) this name."""
    for endpoint in webhook_storage.list_endpoints(conn, store_id):
        if (endpoint.name if isinstance(named, str) else endpoint.id) == named:
            return endpoint
    return None


def _webhook(ctx: ActionContext, args: dict[str, Any]) -> str:
    endpoint = _endpoint(ctx.conn, ctx.store.id, args["endpoint"])
    if endpoint is None or not endpoint.active:
        raise InvalidInput(f"webhook endpoint {args['endpoint']!r} does not exist or is disabled")
    webhook_storage.enqueue(
        ctx.conn, ctx.store.id, [endpoint.id], "rule", ctx.order_id, {"rule": ctx.rule_name}
    )
    return f"sent to webhook {args['endpoint']}"


def _stop(ctx: ActionContext, _args: dict[str, Any]) -> str:
    ctx.stop = True
    return "stopped the rules"


def _split(ctx: ActionContext, args: dict[str, Any]) -> str:
    """The items the action's own conditions pick become a new order in the folder (some,
    not all: `parts_matching` refuses none or every item, and the rule fails alone)."""
    order_storage.lock_order(ctx.conn, ctx.store.id, ctx.order_id)  # what is picked is what moves
    order = order_storage.get_order(ctx.conn, ctx.store.id, ctx.order_id, with_history=False)
    parts = splits.parts_matching(order, item_predicate(args["conditions"]))
    done = splits.split_order_in(
        ctx.conn, ctx.store, ctx.order_id, parts, folder=args["folder"], channel=ctx.channel,
        now=utcnow(),
    )  # fmt: skip
    moved = ", ".join(f"{m.quantity} × {m.code or f'item {m.item_id}'}" for m in done.moved)
    return f"split {moved} into order {done.new_order_id} in {args['folder']}"


def _email(ctx: ActionContext, args: dict[str, Any]) -> str:
    emails.queue_email(
        ctx.conn, ctx.store, ctx.order_id, args["template"], args["to"], channel=ctx.channel,
        now=utcnow(),
    )  # fmt: skip
    return f"queued email '{args['template']}' to {args['to']}"


def _check_folder(conn: Connection, store_id: int, args: dict[str, Any]) -> str | None:
    if stores.find_folder(conn, store_id, name=args["folder"]) is None:
        return f"no folder named {args['folder']!r}"
    return None


def _check_endpoint(conn: Connection, store_id: int, args: dict[str, Any]) -> str | None:
    if _endpoint(conn, store_id, args["endpoint"]) is None:
        return f"no webhook endpoint {args['endpoint']!r} in this store"
    return None


def _check_template(conn: Connection, store_id: int, args: dict[str, Any]) -> str | None:
    found = template_storage.find(conn, store_id, args["template"])
    if found is None or found.kind != EMAIL:
        return f"no email template named {args['template']!r} in this store"
    return None


@dataclass(frozen=True)
class ActionType:
    apply: Callable[[ActionContext, dict[str, Any]], str]
    describe: Callable[[dict[str, Any]], str]
    # Why the action cannot run in this store (a folder that is not there), or None.
    check: Callable[[Connection, int, dict[str, Any]], str | None] | None = None
    # Which argument `check` is about (the desk puts the error beside it).
    checks_arg: str = ""


REGISTRY: dict[str, ActionType] = {
    "move": ActionType(_move, lambda a: f"move to {a['folder']}", _check_folder, "folder"),
    "set": ActionType(_set, lambda a: f"set {a['field']} to {a['value']!r}"),
    "add_note": ActionType(_add_note, lambda a: f"add note {a['text'][:60]!r}"),
    "tag": ActionType(_tag, lambda a: f"tag {_tag_label(a)}"),
    "cancel": ActionType(_cancel, lambda _a: "cancel"),
    "webhook": ActionType(
        _webhook, lambda a: f"send to webhook {a['endpoint']}", _check_endpoint, "endpoint"
    ),
    "stop": ActionType(_stop, lambda _a: "stop"),
    "split": ActionType(
        _split,
        lambda a: (
            f"split items matching {conditions_text(a['conditions'])} "
            f"into a new order in {a['folder']}"
        ),
        _check_folder,
        "folder",
    ),
    "email": ActionType(
        _email, lambda a: f"email '{a['template']}' to {a['to']}", _check_template, "template"
    ),
}


def apply(ctx: ActionContext, action: Action) -> str:
    return REGISTRY[action.action].apply(ctx, dict(action.args))


def describe(action: Action) -> str:
    return REGISTRY[action.action].describe(dict(action.args))
