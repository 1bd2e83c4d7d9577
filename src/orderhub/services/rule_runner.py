"""Running a store's rules inside the transaction of the change that fired them.

`services/events.py` calls `on_events` for every event it publishes. A store whose enabled
rules do not listen to the event costs nothing (the write transaction's store read says
which events its rules listen to). Otherwise the rules, compiled once per store generation,
are tested in list order on the order as it is now; each matching rule's actions run in a
savepoint: a rule that fails is rolled back alone and recorded (the order's history and the
rule's last outcome), and the change that fired it stands.

Actions publish their own events, which run rules again (a *cascade*): at most
`MAX_RULE_DEPTH` deep, and a rule at most once per order per cascade. A rule that would run
again is not, and the order's history says so: a loop is cut, never a hang. The part a
rule's `split` makes counts as that rule's own product: the rule is not tried on it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import orjson
from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import OrderhubError
from orderhub.domain.limits import MAX_RULE_DEPTH
from orderhub.domain.orders import Order
from orderhub.domain.rule_eval import CompiledRule, Prefilter, compile_rule
from orderhub.domain.rule_fields import OrderFacts
from orderhub.domain.rules import RuleError, RuleSpec, parse_rule
from orderhub.domain.stores import Store
from orderhub.services import rule_actions
from orderhub.storage import orders as order_storage
from orderhub.storage import rules as rule_storage
from orderhub.storage import stores
from orderhub.storage.orders.rule_reads import load_for_rules

log = logging.getLogger("orderhub.rules")
RULES_CHANNEL = Channel("rule", "Rules")


@dataclass(frozen=True)
class LiveRule:
    id: int
    compiled: CompiledRule

    @property
    def spec(self) -> RuleSpec:
        return self.compiled.spec


@dataclass(frozen=True)
class RuleSet:
    generation: int
    by_event: dict[str, tuple[LiveRule, ...]]
    by_id: dict[int, LiveRule]
    # The fields the enabled rules of each event read: what an order is loaded with.
    fields: dict[str, frozenset[str]] = field(default_factory=dict)
    prefilter: dict[str, Prefilter] = field(default_factory=dict)


# Per process: the rules compiled for each store of each database (tests open two), under
# the generation they were read at; the engine is kept so that its id is not reused.
_compiled: dict[tuple[int, int], tuple[object, RuleSet]] = {}


def load_spec(body: str) -> RuleSpec:
    return parse_rule(orjson.loads(body))


def rule_set(conn: Connection, store: Store) -> RuleSet:
    """The store's rules, compiled once per generation (read on the caller's connection)."""
    generation = store.rules_generation
    if generation is None:
        generation = rule_storage.generation(conn, store.id)[0]
    key = (id(conn.engine), store.id)
    cached = _compiled.get(key)
    if cached is not None and cached[1].generation == generation:
        return cached[1]
    by_event: dict[str, list[LiveRule]] = {}
    by_id = {}
    for row in rule_storage.list_rules(conn, store.id):
        try:
            live = LiveRule(row.id, compile_rule(load_spec(row.body)))
        except (RuleError, ValueError):  # stored before a stricter check: skipped, logged
            log.warning("rule %s of store %s no longer parses; skipped", row.id, store.id)
            continue
        by_id[row.id] = live
        if row.enabled:
            by_event.setdefault(row.event, []).append(live)
    fields = {
        event: frozenset(c.field for live in listed for c in live.spec.conditions)
        for event, listed in by_event.items()
    }
    prefilter = {
        event: Prefilter([live.compiled for live in listed]) for event, listed in by_event.items()
    }
    found = RuleSet(
        generation, {k: tuple(v) for k, v in by_event.items()}, by_id, fields, prefilter
    )
    _compiled[key] = (conn.engine, found)
    return found


@dataclass
class Cascade:
    depth: int = 0
    ran: set[tuple[int, int]] = field(default_factory=set)
    cut: set[int] = field(default_factory=set)
    # The rules whose actions are running, innermost last.
    applying: list[int] = field(default_factory=list)


_cascade: ContextVar[Cascade | None] = ContextVar("rules_cascade", default=None)


@contextmanager
def cascade() -> Iterator[Cascade]:
    """The cascade this change belongs to (a new one at the top)."""
    current = _cascade.get()
    if current is not None:
        yield current
        return
    token = _cascade.set(Cascade())
    try:
        yield _cascade.get()  # type: ignore[misc]
    finally:
        _cascade.reset(token)


def order_facts(
    conn: Connection, store_id: int, data: dict[str, object] | None = None
) -> OrderFacts:
    names = {f.id: f.name for f in stores.list_folders(conn, store_id)}
    from_folder = ""
    if data:
        from_folder = str(data.get("from_folder") or "")
        from_id = data.get("from_folder_id")
        if not from_folder and isinstance(from_id, int):
            from_folder = names.get(from_id, "")
    return OrderFacts(names, from_folder)


@dataclass(frozen=True)
class Applied:
    matched: bool
    outcome: str
    stop: bool = False


def apply_rule(conn: Connection, store: Store, live: LiveRule, order_id: int) -> Applied:
    """Run one matching rule's actions on one order in a savepoint, with its history entry
    and outcome; a failure rolls back the rule's actions alone."""
    spec = live.spec
    ctx = rule_actions.ActionContext(conn, store, order_id, Channel.rule(spec.name), spec.name)
    state = _cascade.get()
    now = utcnow()
    if state is not None:
        state.depth += 1
        state.applying.append(live.id)
    try:
        with conn.begin_nested():
            done = [rule_actions.apply(ctx, action) for action in spec.actions]
            note = f"Rule '{spec.name}': " + "; ".join(done)
            order_storage.record_history(conn, store.id, order_id, note, event="rule",
                                         channel=ctx.channel, now=now)  # fmt: skip
        outcome = f"matched order {order_id}: " + "; ".join(done)
    except Exception as error:  # noqa: BLE001 - a rule never makes the change fail
        reason = error.message if isinstance(error, OrderhubError) else type(error).__name__
        if not isinstance(error, OrderhubError):
            log.exception("rule %s failed on order %s", live.id, order_id)
        note = f"Rule '{spec.name}' failed: {reason}; its actions were undone"
        order_storage.record_history(conn, store.id, order_id, note, event="rule",
                                     channel=ctx.channel, now=now)  # fmt: skip
        outcome = f"failed on order {order_id}: {reason}"
        ctx.stop = False
    finally:
        if state is not None:
            state.depth -= 1
            state.applying.pop()
    rule_storage.record_outcome(conn, store.id, live.id, outcome, now)
    return Applied(True, outcome, stop=ctx.stop or spec.stop)


def run_rules(
    conn: Connection,
    store: Store,
    rules: Sequence[LiveRule],
    order: Order,
    facts: OrderFacts,
) -> bool:
    """The rules in order on one order; whether any ran. Call inside `cascade()`."""
    state = _cascade.get()
    assert state is not None and order.id is not None
    if state.depth >= MAX_RULE_DEPTH:
        if order.id not in state.cut:
            state.cut.add(order.id)
            note = f"Rules not run: changes made by rules went {MAX_RULE_DEPTH} levels deep"
            order_storage.record_history(conn, store.id, order.id, note, event="rule",
                                         channel=RULES_CHANNEL, now=utcnow())  # fmt: skip
        return False
    changed = False
    for live in rules:
        if not live.compiled.matches(order, facts):
            continue
        key = (live.id, order.id)
        if key in state.ran:
            if state.applying and state.applying[-1] == live.id:
                continue  # its own change (a `set` on order.updated): nothing to report
            note = (
                f"Rule '{live.spec.name}' not run again: it already ran on this order in "
                "this chain of changes (a loop was cut)"
            )
            order_storage.record_history(conn, store.id, order.id, note, event="rule",
                                         channel=RULES_CHANNEL, now=utcnow())  # fmt: skip
            continue
        state.ran.add(key)
        applied = apply_rule(conn, store, live, order.id)
        changed = True
        if applied.stop:
            break
        order = order_storage.get_order(conn, store.id, order.id, with_history=False)
    return changed


def listens(store: Store, event_name: str) -> bool:
    """Whether the store's enabled rules listen to this event, as the store read of the
    write transaction says (no query)."""
    return bool(store.rule_events) and event_name in (store.rule_events or ())


def on_events(
    conn: Connection,
    store: Store,
    name: str,
    order_ids: Sequence[int],
    data: dict[str, object] | None = None,
    *,
    known: Order | None = None,
) -> bool:
    """Run the store's rules for `name` on these orders (one event, or a batch of the same
    event: compiled once, orders loaded set-wise); whether any rule ran. `known`: the one
    order as it stands, already in hand (a create's), so it is not read."""
    if not listens(store, name):
        return False
    found = rule_set(conn, store)
    rules = found.by_event.get(name, ())
    if not rules:
        return False
    changed = False
    fields = found.fields.get(name, frozenset())
    if fields.isdisjoint(("folder", "from_folder")):
        facts = OrderFacts({}, str((data or {}).get("from_folder") or ""))
    else:
        facts = order_facts(conn, store.id, data)
    own_fields = {f for f in fields if not f.startswith("order_items.")}
    # The orders' own fields first (one narrow query) and the rules that may match on them
    # (one lookup for rules gated on a value): rules that do not match — most, most of the
    # time — cost that one query. Items are read only for orders still in play.
    held = known is not None and [known.id] == list(order_ids)
    first = [known] if held and known else load_for_rules(conn, store.id, order_ids, own_fields)
    candidates = [o for o in first if found.prefilter[name].may_match(o, facts)]
    if candidates and own_fields != fields and not held:
        candidates = load_for_rules(conn, store.id, [o.id for o in candidates if o.id], fields)
    with cascade() as state:
        if data and data.get("split_from") and state.applying:
            # A part split off by a rule's `split`: that rule already ran on it (on the order
            # it came from) in this cascade, so it is not tried on it again — no split of a
            # split, no failure line — while the part's other rules run as on any new order.
            state.ran.update((state.applying[-1], order_id) for order_id in order_ids)
        for order in candidates:
            changed = run_rules(conn, store, rules, order, facts) or changed
    return changed
