"""The hot statements of a stateless request, straight through the SQLite driver.

Every ``POST /api/assess`` reads one token with its user and appends one audit event. Through
SQLAlchemy's ``Connection`` each statement costs far more than SQLite's own work: a one-row
insert transaction took 200 µs of CPU against 30 µs through ``sqlite3`` directly, and the token
read 200 µs against about 10 µs (measured on the development machine), together about a tenth
of a request. On SQLite these statements therefore run on the pooled DBAPI connection itself.

SQLAlchemy still does the parts that decide what is written and read: it compiles each statement
once for the engine's dialect, and each column's own type supplies its bind and result
processors (``TypeEngine.bind_processor`` / ``result_processor``, public API), so a row goes to
disk exactly as an ORM flush would write it and comes back as a ``select`` would read it (tests
compare both ways). Writers take their turn in the queue of :mod:`trdkit.store.locking` and
begin ``IMMEDIATE``, as every SQLAlchemy write transaction does here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Engine, Integer, Select, Table, bindparam, insert

from trdkit.store.locking import LockingConnection

__all__ = ["DirectStatements"]

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _InsertPlan:
    sql: str
    names: tuple[str, ...]
    processors: tuple[Processor, ...]
    defaults: tuple[Callable[[], Any] | None, ...]


@dataclass(frozen=True)
class _SelectPlan:
    sql: str
    params: tuple[str, ...]
    keys: tuple[str, ...]
    processors: tuple[Processor, ...]


def _default_of(column: Column[Any]) -> Callable[[], Any] | None:
    default = column.default
    if default is None:
        return None
    if getattr(default, "is_scalar", False):
        value = default.arg  # type: ignore[attr-defined]
        return lambda: value
    if getattr(default, "is_callable", False):
        # SQLAlchemy wraps a zero-argument default into fn(context); none here needs one.
        wrapped = default.arg  # type: ignore[attr-defined]
        return lambda: wrapped(None)
    raise TypeError(f"{column}: only Python-side defaults can be filled in directly")


class DirectStatements:
    """Insert rows and read one row on a SQLite engine's pooled DBAPI connections.

    Parameters
    ----------
    engine
        A SQLite engine made by :func:`trdkit.store.engine.make_engine`.
    """

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "sqlite":
            raise ValueError("direct statements are for SQLite engines only")
        self._engine = engine
        self._inserts: dict[Table, _InsertPlan] = {}
        self._selects: dict[Select[Any], _SelectPlan] = {}
        self._plans = threading.Lock()

    def _insert_plan(self, table: Table) -> _InsertPlan:
        plan = self._inserts.get(table)
        if plan is not None:
            return plan
        dialect = self._engine.dialect
        columns = [
            c
            for c in table.columns
            if not (c.primary_key and isinstance(c.type, Integer) and c.autoincrement)
        ]
        compiled = (
            insert(table)
            .values({c.name: bindparam(c.name) for c in columns})
            .compile(dialect=dialect)
        )
        by_name = {c.name: c for c in columns}
        names = tuple(compiled.positiontup or ())
        plan = _InsertPlan(
            sql=compiled.string,
            names=names,
            processors=tuple(
                by_name[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
            ),
            defaults=tuple(_default_of(by_name[n]) for n in names),
        )
        with self._plans:
            self._inserts[table] = plan
        return plan

    def _select_plan(self, statement: Select[Any]) -> _SelectPlan:
        plan = self._selects.get(statement)
        if plan is not None:
            return plan
        dialect = self._engine.dialect
        compiled = statement.compile(dialect=dialect)
        columns = list(statement.selected_columns)
        plan = _SelectPlan(
            sql=compiled.string,
            params=tuple(compiled.positiontup or ()),
            keys=tuple(statement.selected_columns.keys()),
            processors=tuple(
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
            ),
        )
        with self._plans:
            self._selects[statement] = plan
        return plan

    def insert_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` (column values; Python-side defaults filled in) in one transaction."""
        plan = self._insert_plan(table)
        params = []
        for row in rows:
            values = []
            for name, process, default in zip(
                plan.names, plan.processors, plan.defaults, strict=True
            ):
                value = row[name] if name in row else (default() if default else None)
                values.append(process(value) if process is not None else value)
            params.append(values)
        pooled = self._engine.raw_connection()
        try:
            connection = pooled.driver_connection
            if isinstance(connection, LockingConnection):
                connection.begin_write()
            assert connection is not None
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany(plan.sql, params)
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
        finally:
            pooled.close()

    def select_one(
        self, statement: Select[Any], params: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The first row of ``statement`` as a dict by column key (one statement: one snapshot)."""
        plan = self._select_plan(statement)
        pooled = self._engine.raw_connection()
        try:
            connection = pooled.driver_connection
            assert connection is not None
            row = connection.execute(plan.sql, [params[p] for p in plan.params]).fetchone()
        finally:
            pooled.close()
        if row is None:
            return None
        return {
            key: process(value) if process is not None else value
            for key, process, value in zip(plan.keys, plan.processors, row, strict=True)
        }
