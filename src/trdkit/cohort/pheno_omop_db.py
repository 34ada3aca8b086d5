"""Reading OMOP CDM tables from a database by URL (SQLAlchemy), in bounded batches.

Any database SQLAlchemy reaches with an installed driver works (PostgreSQL through psycopg and
SQLite are tested). Only the columns the phenotyping uses are selected; rows arrive in batches of
``batch_rows`` (a server-side cursor where the driver has one: ``stream_results``), each batch is
converted to exact types by the same rules as the files (``pheno_io.convert_columns``: ids
through text, never a float) and filtered before the next is fetched (drug exposures without an
ingredient, non-ingredient concepts), so the raw result set is never held at once. Table and
column names match without regard to case; the vocabulary may sit in its own schema.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from trdkit.cohort.pheno_io import CohortInputError, Kind, convert_columns
from trdkit.cohort.pheno_omop import read_omop_tables
from trdkit.cohort.pheno_omop_tables import (
    OMOP_OPTIONAL,
    OMOP_REQUIRED,
    OMOP_VOCABULARY,
    Each,
)
from trdkit.cohort.tables import CohortData
from trdkit.record.errors import FieldIssue

__all__ = ["DEFAULT_BATCH_ROWS", "DatabaseTables", "read_omop_db"]

DEFAULT_BATCH_ROWS = 100_000


def _issue(option: str, message: str) -> CohortInputError:
    return CohortInputError([FieldIssue(option, message)])


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise _issue("--omop-url", f"not a database URL ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        # SQLite would create an empty file and report "missing tables" instead.
        db = parsed.database
        if db and db != ":memory:" and not Path(db).is_file():
            raise _issue("--omop-url", f"SQLite file {db} does not exist")
    try:
        return sa.create_engine(parsed)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise _issue("--omop-url", f"no driver for this database URL ({exc})") from None


class DatabaseTables:
    """OMOP tables in a database schema (the vocabulary perhaps in another schema)."""

    def __init__(
        self,
        url: str,
        schema: str | None = None,
        vocab_schema: str | None = None,
        batch_rows: int = DEFAULT_BATCH_ROWS,
    ) -> None:
        self.engine = _engine(url)
        try:
            self._open(url, schema, vocab_schema, batch_rows)
        except BaseException:
            self.engine.dispose()
            raise

    def _open(
        self, url: str, schema: str | None, vocab_schema: str | None, batch_rows: int
    ) -> None:
        self.batch_rows = batch_rows
        shown = make_url(url).render_as_string(hide_password=True)
        self.label = f"OMOP CDM {shown}" + (f" schema {schema}" if schema else "")
        self.rows_read: dict[str, int] = {}
        try:
            inspector = sa.inspect(self.engine)
            found = {s: self._names(inspector, s) for s in {schema, vocab_schema}}
        except SQLAlchemyError as exc:
            raise _issue("--omop-url", f"cannot read the database: {_short(exc)}") from None
        self.where: dict[str, tuple[str | None, str]] = {}
        for name in (*OMOP_REQUIRED, *OMOP_OPTIONAL):
            order = [vocab_schema, schema] if name in OMOP_VOCABULARY and vocab_schema else [schema]
            for sch in order:
                if name in found[sch]:
                    self.where[name] = (sch, found[sch][name])
                    break
        if missing := [n for n in OMOP_REQUIRED if n not in self.where]:
            where = f"schema {schema or '(default)'}" + (
                f" or {vocab_schema}" if vocab_schema else ""
            )
            raise _issue(
                "--omop-url",
                f"missing OMOP table(s) {', '.join(missing)} in {where} (the vocabulary may sit "
                "in --vocab-schema)",
            )

    @staticmethod
    def _names(inspector: Any, schema: str | None) -> dict[str, str]:
        names = [
            *inspector.get_table_names(schema=schema),
            *inspector.get_view_names(schema=schema),
        ]
        return {n.lower(): n for n in names}

    def has(self, name: str) -> bool:
        return name in self.where

    def _batches(self, query: sa.Selectable) -> Iterator[pl.DataFrame]:
        with self.engine.connect() as conn:
            streaming = conn.execution_options(stream_results=True, yield_per=self.batch_rows)
            batches = pl.read_database(
                query,
                streaming,
                iter_batches=True,
                batch_size=self.batch_rows,
                infer_schema_length=None,
            )
            yield from batches

    def read(
        self,
        name: str,
        columns: Mapping[str, Kind],
        required: Sequence[str],
        each: Each | None = None,
    ) -> pl.DataFrame:
        schema, table = self.where[name]
        source = f"{self.label} table {table}"
        try:
            present = {
                c["name"].lower(): c["name"]
                for c in sa.inspect(self.engine).get_columns(table, schema=schema)
            }
        except SQLAlchemyError as exc:
            raise _issue("--omop-url", f"{source}: {_short(exc)}") from None
        if missing := [c for c in required if c.lower() not in present]:
            allowed = ", ".join(columns)
            raise CohortInputError(
                [FieldIssue(missing[0], f"required column missing (columns read: {allowed})")],
                source,
            )
        chosen = [present[c.lower()] for c in columns if c.lower() in present]
        query: sa.Selectable = sa.select(*(sa.column(c) for c in chosen)).select_from(
            sa.table(table, schema=schema)
        )
        parts: list[pl.DataFrame] = []
        rows = 0
        try:
            for batch in self._batches(query):
                rows += batch.height
                part = convert_columns(batch, columns, required=required, source=source)
                parts.append(each(part) if each is not None else part)
        except SQLAlchemyError as exc:
            raise _issue("--omop-url", f"{source}: {_short(exc)}") from None
        self.rows_read[name] = rows
        if not parts:
            empty = pl.DataFrame(schema={c: pl.String for c in chosen})
            part = convert_columns(empty, columns, required=required, source=source)
            parts.append(each(part) if each is not None else part)
        return pl.concat(parts, how="vertical_relaxed")


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:300]


def read_omop_db(
    url: str,
    schema: str | None = None,
    vocab_schema: str | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> CohortData:
    """Read an OMOP CDM from a database: the same tables, columns and rules as ``read_omop``.

    Parameters
    ----------
    url
        SQLAlchemy URL, e.g. ``postgresql+psycopg://user@host/db`` or ``sqlite:///cdm.sqlite``.
    schema
        Schema of the CDM tables (default: the connection's default schema).
    vocab_schema
        Schema of ``concept`` and ``concept_ancestor`` when they are not beside the CDM.
    batch_rows
        Rows fetched and converted at a time.

    Raises
    ------
    CohortInputError
        An unusable URL, an unreachable database, a missing table or column, a bad value.
    """
    tables = DatabaseTables(url, schema, vocab_schema, batch_rows)
    try:
        return read_omop_tables(tables)
    finally:
        tables.engine.dispose()
