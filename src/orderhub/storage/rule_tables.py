"""The tables of automation rules (docs/rules.md), part of `storage/tables.py`'s metadata."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeEngine

from orderhub.domain.limits import RULE_OUTCOME_CHARS


def define(metadata: MetaData, id_type: TypeEngine[int]) -> tuple[Table, Table]:
    # A store's rules in list order. `body` is the contract JSON as `rule_json` writes it;
    # `event` and `enabled` are copied out of it for the runner's one query. A schedule rule
    # is due when `next_run_at` has passed; a process claims a run by moving `next_run_at`
    # on with a conditional UPDATE, so one process runs each period.
    rules = Table(
        "rules",
        metadata,
        Column("id", id_type, primary_key=True, autoincrement=True),
        Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
        Column("position", Integer, nullable=False),
        Column("event", String(20), nullable=False),
        Column("enabled", Boolean, nullable=False, default=True),
        Column("body", Text, nullable=False),
        Column("next_run_at", DateTime, nullable=True),
        Column("last_run_at", DateTime, nullable=True),
        Column("last_outcome", String(RULE_OUTCOME_CHARS), nullable=True),
        Column("created_at", DateTime, nullable=False),
        Index("ix_rules_store_position", "store_id", "position"),
        Index("ix_rules_next_run", "next_run_at"),
        sqlite_autoincrement=True,
    )
    # One row per store that ever had rules: `generation` moves on with every change to its
    # rules (every process recompiles when it sees a new one), and `events` lists the events
    # its enabled rules listen to, read with the store by every write transaction so that a
    # change no rule listens to costs no query at all.
    rule_sets = Table(
        "rule_sets",
        metadata,
        Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
        Column("generation", BigInteger, nullable=False, default=0),
        Column("events", String(200), nullable=False, default=""),
    )
    return rules, rule_sets
