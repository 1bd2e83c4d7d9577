"""The hottest reads, run straight on the DB-API cursor.

A cached order GET costs one small query, and SQLAlchemy's execution around it (events,
parameter processing, result wrapping) costs several times what the database does. A
`DriverQuery` is still written as an SQLAlchemy Core statement — one definition for both
databases — but compiled once per dialect and per length of each list parameter, and run on
the connection's own cursor; result values go through the same type processors SQLAlchemy
would apply (SQLite's dates from text), so rows read the same either way.

Parameters must be integers or lists of integers (ids): nothing needs converting on the way in.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select


@dataclass(frozen=True)
class _Plan:
    sql: str
    # Where each placeholder's value comes from: (parameter name, index in its list or None),
    # or (None, the statement's own constant).
    sources: tuple[tuple[str | None, Any], ...]
    named: bool  # pyformat (%(name)s): parameters by name, else by position
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]


class DriverQuery:
    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self.columns = tuple(str(c.key) for c in statement.selected_columns)
        self.row: Any = namedtuple("Row", self.columns)  # type: ignore[misc]  # noqa: PYI024
        self._plans: dict[tuple[str, tuple[tuple[str, int], ...]], _Plan] = {}

    def rows(self, conn: Connection, params: Mapping[str, int | Sequence[int]]) -> list[Any]:
        """The result rows as named tuples (attributes named like the selected columns)."""
        shape = tuple(
            sorted((k, len(v) if not isinstance(v, int) else -1) for k, v in params.items())
        )
        key = (conn.dialect.name, shape)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(conn, params)
        values = [
            i if name is None else params[name] if i is None else params[name][i]  # type: ignore[index]
            for name, i in plan.sources
        ]
        cursor = conn.connection.cursor()
        try:
            if plan.named:
                cursor.execute(plan.sql, dict(zip(plan.names, values, strict=True)))
            else:
                cursor.execute(plan.sql, values)
            found = cursor.fetchall()
        finally:
            cursor.close()
        make = self.row._make
        if not any(plan.processors):
            return [make(row) for row in found]
        return [
            make(v if p is None else p(v) for v, p in zip(row, plan.processors, strict=True))
            for row in found
        ]

    def _plan(self, conn: Connection, params: Mapping[str, int | Sequence[int]]) -> _Plan:
        dialect = conn.dialect
        compiled = self.statement.compile(dialect=dialect)
        expanded = compiled.construct_expanded_state(
            {k: (list(v) if not isinstance(v, int) else v) for k, v in params.items()}
        )
        lists = {k for k, v in params.items() if not isinstance(v, int)}
        names = tuple(expanded.positiontup or expanded.parameters)
        sources: list[tuple[str | None, Any]] = []
        for name in names:
            found = re.fullmatch(r"(.+)_(\d+)", name)
            if name in params:
                sources.append((name, None))
            elif found is not None and found.group(1) in lists:
                sources.append((found.group(1), int(found.group(2)) - 1))
            else:  # a value written into the statement itself (`email != ''`)
                sources.append((None, expanded.parameters[name]))
        processors = tuple(
            c.type._cached_result_processor(dialect, None)  # what SQLAlchemy itself applies
            for c in self.statement.selected_columns
        )
        return _Plan(
            expanded.statement,
            tuple(sources),
            dialect.paramstyle in ("pyformat", "named"),
            names,
            processors,
        )
