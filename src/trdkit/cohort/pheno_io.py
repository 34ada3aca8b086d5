"""Reading cohort tables from CSV or Parquet with exact types, and the input error they raise.

Every column is read as text first and then converted, so that a 64-bit id never passes through
a float and a value that does not convert is reported with its file, column and first bad value
instead of silently becoming empty. Parquet columns keep their stored type when it is already
right. Dates accept ``YYYY-MM-DD`` and date-times (the time is dropped).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import polars as pl

from trdkit.record.errors import FieldIssue, RecordError

__all__ = [
    "CohortInputError",
    "Kind",
    "convert_columns",
    "find_table",
    "read_columns",
    "read_table_file",
]

Kind = Literal["int64", "int32", "float", "date", "str"]
_SUFFIXES = (".parquet", ".csv", ".csv.gz", ".tsv")
_DTYPES: dict[Kind, pl.DataType] = {
    "int64": pl.Int64(),
    "int32": pl.Int32(),
    "float": pl.Float64(),
    "date": pl.Date(),
    "str": pl.String(),
}


class CohortInputError(RecordError):
    """A cohort table was rejected: a file, column or value is missing or malformed."""

    def __init__(self, issues: Sequence[FieldIssue], source: str | None = None) -> None:
        super().__init__(issues, source)
        where = f"{source}: " if source else ""
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        self.args = (f"{where}invalid cohort table ({len(self.issues)} problem(s)):\n{lines}",)


def _fail(source: Path | str, field: str, message: str) -> CohortInputError:
    return CohortInputError([FieldIssue(field, message)], str(source))


def find_table(folder: Path, name: str) -> Path | None:
    """Return the file holding table ``name`` in ``folder`` (``name.csv``/``.parquet``), if any.

    Names are matched without regard to case (``PERSON.csv`` is the ``person`` table).
    """
    if not folder.is_dir():
        return None
    wanted = {f"{name}{suffix}".lower() for suffix in _SUFFIXES}
    for path in sorted(folder.iterdir()):
        if path.name.lower() in wanted and path.is_file():
            return path
    return None


def _scan(path: Path) -> pl.LazyFrame:
    name = path.name.lower()
    if name.endswith(".parquet"):
        return pl.scan_parquet(path)
    separator = "\t" if name.endswith(".tsv") else ","
    if name.endswith(".gz"):
        return pl.read_csv(path, infer_schema=False, separator=separator).lazy()
    return pl.scan_csv(path, infer_schema=False, separator=separator)


def _convert(column: str, kind: Kind, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(column)
    if dtype == _DTYPES[kind]:
        return col
    if kind == "date":
        if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
            return col.cast(pl.Date)
        text = col.cast(pl.String).str.strip_chars().str.slice(0, 10)
        return text.str.to_date("%Y-%m-%d", strict=False)
    if kind == "str":
        return col.cast(pl.String).str.strip_chars()
    text = col.cast(pl.String).str.strip_chars()
    return text.cast(_DTYPES[kind], strict=False)


def read_columns(
    path: Path,
    columns: Mapping[str, Kind],
    *,
    required: Sequence[str],
    rename: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Read the named columns of a CSV or Parquet file, converted to exact types.

    Parameters
    ----------
    path
        The file (``.csv``, ``.csv.gz``, ``.tsv`` or ``.parquet``).
    columns
        Column name -> kind (``int64``, ``int32``, ``float``, ``date``, ``str``); optional
        columns absent from the file come back as nulls of their kind.
    required
        Columns that must be present.
    rename
        Output names for some columns.

    Returns
    -------
    polars.DataFrame
        One column per entry of ``columns``, in that order.

    Raises
    ------
    CohortInputError
        When the file cannot be read, a required column is missing, or a value does not convert.
    """
    try:
        frame = _scan(path)
        frame.collect_schema()
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise _fail(path, "", f"cannot read the table: {exc}") from None
    return convert_columns(frame, columns, required=required, source=str(path), rename=rename)


def convert_columns(
    frame: pl.LazyFrame | pl.DataFrame,
    columns: Mapping[str, Kind],
    *,
    required: Sequence[str],
    source: str,
    rename: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Select and convert the named columns of a frame read from anywhere (file or database).

    Column names match without regard to case; the rules and errors are those of
    ``read_columns``, with ``source`` naming where the frame came from.
    """
    lazy = frame.lazy()
    try:
        schema = lazy.collect_schema()
    except pl.exceptions.PolarsError as exc:
        raise _fail(source, "", f"cannot read the table: {exc}") from None
    lower = {name.lower(): name for name in schema.names()}
    if missing := [c for c in required if c.lower() not in lower]:
        allowed = ", ".join(columns)
        raise _fail(source, missing[0], f"required column missing (columns read: {allowed})")
    present = {c: lower[c.lower()] for c in columns if c.lower() in lower}
    exprs: list[pl.Expr] = []
    for column, kind in columns.items():
        if column in present:
            name = present[column]
            exprs.append(_convert(name, kind, schema[name]).alias(column))
        else:
            exprs.append(pl.lit(None, dtype=_DTYPES[kind]).alias(column))
    # Only converted columns can fail to convert; their raw text is kept to name a bad value.
    checked = [
        c for c in present if columns[c] != "str" and schema[present[c]] != _DTYPES[columns[c]]
    ]
    raw = [pl.col(present[c]).alias(f"__raw_{c}") for c in checked]
    try:
        data = lazy.select([*exprs, *raw]).collect()
    except pl.exceptions.PolarsError as exc:
        raise _fail(source, "", f"cannot read the table: {exc}") from None
    for column in checked:
        text = pl.col(f"__raw_{column}").cast(pl.String).str.strip_chars()
        bad = data.filter(pl.col(column).is_null() & (text.fill_null("") != ""))
        if bad.height:
            value = bad[f"__raw_{column}"][0]
            raise _fail(source, column, f"{value!r} is not a valid {columns[column]} value")
    data = data.select(list(columns))
    return data.rename(dict(rename)) if rename else data


def read_table_file(path: Path) -> pl.DataFrame:
    """Read a whole CSV or Parquet file as text columns (for inspection and tests)."""
    return _scan(path).collect()
