"""The hottest reads, and a create's inserts, run straight on the DB-API cursor.

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
from functools import partial
from typing import Any

from sqlalchemy import Connection, Dialect, Insert, Select
from sqlalchemy.exc import DBAPIError

# The result processors a row needs, by column position: only the columns that have one
# (an order row has 50 columns and 5 processors).
_Processors = tuple[tuple[int, Callable[[Any], Any]], ...]


def _processors_of(processors: Sequence[Callable[[Any], Any] | None]) -> _Processors:
    return tuple((i, p) for i, p in enumerate(processors) if p is not None)


def _made(
    found: Sequence[Any], *, make: Callable[[Any], Any], processors: _Processors
) -> list[Any]:
    """The driver's rows as named tuples, each value as SQLAlchemy would give it."""
    if not processors:
        return [make(row) for row in found]
    made = []
    for row in found:
        values = list(row)
        for i, process in processors:
            values[i] = process(values[i])
        made.append(make(values))
    return made


@dataclass(frozen=True)
class _Plan:
    sql: str
    # Where each placeholder's value comes from: (parameter name, index in its list or None),
    # or (None, the statement's own constant).
    sources: tuple[tuple[str | None, Any], ...]
    named: bool  # pyformat (%(name)s): parameters by name, else by position
    names: tuple[str, ...]
    processors: _Processors


class DriverQuery:
    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self.columns = tuple(str(c.key) for c in statement.selected_columns)
        self.row: Any = namedtuple("Row", self.columns)  # type: ignore[misc]  # noqa: PYI024
        self._plans: dict[tuple[str, tuple[tuple[str, int], ...]], _Plan] = {}

    def rows(self, conn: Connection, params: Mapping[str, int | Sequence[int]]) -> list[Any]:
        """The result rows as named tuples (attributes named like the selected columns)."""
        # `_plan_for` and `_values` written out: this runs once per cached read.
        shape = tuple(
            sorted((k, len(v) if not isinstance(v, int) else -1) for k, v in params.items())
        )
        key = (conn.dialect.name, shape)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(conn.dialect, params)
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
        return _made(found, make=self.row._make, processors=plan.processors)

    def prepared(
        self, dialect: Dialect, params: Mapping[str, int | Sequence[int]]
    ) -> tuple[str, Any, Callable[[Sequence[Any]], list[Any]]]:
        """What `rows` runs, for running it on another connection of the same driver
        (storage/async_reads.py): the statement for `dialect`, its parameters as the driver
        takes them, and what turns the driver's result rows into the rows `rows` returns."""
        plan = self._plan_for(dialect, params)
        return (
            plan.sql,
            self._values(plan, params),
            partial(_made, make=self.row._make, processors=plan.processors),
        )

    def _values(self, plan: _Plan, params: Mapping[str, int | Sequence[int]]) -> Any:
        values = [
            i if name is None else params[name] if i is None else params[name][i]  # type: ignore[index]
            for name, i in plan.sources
        ]
        if plan.named:
            return dict(zip(plan.names, values, strict=True))
        return values

    def _plan_for(self, dialect: Dialect, params: Mapping[str, int | Sequence[int]]) -> _Plan:
        shape = tuple(
            sorted((k, len(v) if not isinstance(v, int) else -1) for k, v in params.items())
        )
        key = (dialect.name, shape)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(dialect, params)
        return plan

    def _plan(self, dialect: Dialect, params: Mapping[str, int | Sequence[int]]) -> _Plan:
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
        processors = _processors_of(
            [
                c.type._cached_result_processor(dialect, None)  # what SQLAlchemy itself applies
                for c in self.statement.selected_columns
            ]
        )
        return _Plan(
            expanded.statement,
            tuple(sources),
            dialect.paramstyle in ("pyformat", "named"),
            names,
            processors,
        )


_MAX_ROWS = 100


@dataclass(frozen=True)
class _InsertPlan:
    sql: str
    names: tuple[str, ...]  # the bind name of each placeholder of one row, in order
    fixed: dict[str, Any]  # values the statement supplies itself: constants, column defaults
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]  # bind name → to the driver
    results: _Processors


class DriverInsert:
    """An INSERT (with or without RETURNING) run on the DB-API cursor, like `DriverQuery`:
    compiled once per dialect and per set of columns given, with SQLAlchemy's own bind
    processors on the way in (decimals, dates), the columns' scalar defaults for what is
    not given, and its result processors on the rows RETURNING gives back. Several rows
    are one multi-row statement (compiled once per number of rows)."""

    def __init__(self, statement: Insert) -> None:
        self.statement = statement
        returned = tuple(statement.exported_columns)
        self._returned = returned
        self.row: Any = _row_type(tuple(str(c.key) for c in returned))
        self._plans: dict[tuple[str, tuple[str, ...], int], _InsertPlan] = {}

    def execute(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Insert `rows` (all with the same keys) in one statement; the rows RETURNING gave,
        in no particular order (attributes, and `_mapping`, by column)."""
        if not rows:
            return []
        if len(rows) > _MAX_ROWS:  # bounded parameters per statement, and plans per length
            return [
                row
                for start in range(0, len(rows), _MAX_ROWS)
                for row in self.execute(conn, rows[start : start + _MAX_ROWS])
            ]
        key = (conn.dialect.name, tuple(rows[0]), len(rows))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(conn, tuple(rows[0]), len(rows))
        values: list[Any] = []
        for row in rows:
            params = {**plan.fixed, **row}
            for name, process in plan.processors:
                params[name] = process(params[name])
            values.extend(map(params.__getitem__, plan.names))
        driver_error = conn.dialect.loaded_dbapi.Error
        cursor = conn.connection.cursor()
        try:
            cursor.execute(plan.sql, values)
            found = cursor.fetchall() if self._returned else []
        except driver_error as exc:
            # Raised as SQLAlchemy raises it (IntegrityError for a unique index, ...).
            raise DBAPIError.instance(plan.sql, None, exc, driver_error) from exc
        finally:
            cursor.close()
        return _made(found, make=self.row._make, processors=plan.results)

    def _plan(self, conn: Connection, given: tuple[str, ...], count: int) -> _InsertPlan:
        dialect = conn.dialect
        compiled: Any = self.statement.compile(dialect=dialect, column_keys=list(given))
        fixed = {
            name: value
            for name, value in compiled.construct_params({}, _check=False).items()
            if name not in given and value is not None
        }
        for column in compiled.insert_prefetch:
            if column.key in given:
                continue
            default = column.default
            if default is None or not default.is_scalar:
                raise ValueError(f"{column.key}: only scalar defaults can be filled in")
            fixed[column.key] = default.arg
        names = set(given) | set(fixed)
        processors = tuple(
            (name, process)
            for name, process in compiled._bind_processors.items()
            if name in names and process is not None
        )
        results = _processors_of(
            [c.type._cached_result_processor(dialect, None) for c in self._returned]
        )
        # Positional placeholders on both drivers (psycopg takes %s as sqlite3 takes ?).
        sql = str(compiled.string)
        if compiled.positiontup is not None:
            order = tuple(compiled.positiontup)
        else:
            order = tuple(re.findall(r"%\(([^)]+)\)s", sql))
            sql = re.sub(r"%\(([^)]+)\)s", "%s", sql)
        if count > 1:
            # The VALUES group once per row: only for a plain group (no subquery in it).
            head, _, rest = sql.partition(" VALUES (")
            group, _, tail = rest.partition(")")
            if "(" in group:
                raise ValueError("only a plain VALUES group can be repeated")
            sql = f"{head} VALUES {', '.join([f'({group})'] * count)}{tail}"
        return _InsertPlan(sql, order, fixed, processors, results)


def _row_type(columns: tuple[str, ...]) -> Any:
    """A named tuple that also answers `_mapping`, as SQLAlchemy's rows do."""
    base: Any = namedtuple("Row", columns)  # type: ignore[misc]  # noqa: PYI024

    class Row(base):  # type: ignore[misc,valid-type]
        __slots__ = ()

        @property
        def _mapping(self) -> dict[str, Any]:
            return self._asdict()  # type: ignore[no-any-return]

    return Row
