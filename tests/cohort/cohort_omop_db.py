"""Loading the MIMIC-IV demo OMOP CSVs into a database (SQLite file or PostgreSQL schema).

Column types follow the OMOP DDL closely enough for the reader: ``*_id`` BIGINT, ``*_date``
DATE, counts INTEGER, quantities FLOAT, everything else TEXT; an empty CSV cell is NULL.
The PostgreSQL URL comes from ``TRDKIT_TEST_POSTGRES_URL`` or the file that
``scripts/start-postgres.sh`` writes; without a server a test skips, and FAILS under CI=true.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

__all__ = ["OMOP_VOCAB_FILES", "load_folder", "postgres_url_or_fail"]

OMOP_VOCAB_FILES = ("concept", "concept_ancestor")
_URL_FILE = Path(os.environ.get("TRDKIT_PG_DIR", "/tmp/trdkit-test-postgres")) / "url"
_INTEGER = {
    "year_of_birth",
    "month_of_birth",
    "day_of_birth",
    "refills",
    "days_supply",
    "drug_exposure_count",
    "gap_days",
    "min_levels_of_separation",
    "max_levels_of_separation",
}
_FLOAT = {"quantity", "dose_value", "value_as_number"}
_TEXT_IDS = {"domain_id", "vocabulary_id", "concept_class_id"}  # OMOP's varchar "ids"


def postgres_url_or_fail() -> str:
    """The test server's URL; skip without one, fail under CI=true."""
    url = os.environ.get("TRDKIT_TEST_POSTGRES_URL") or (
        _URL_FILE.read_text(encoding="utf-8").strip() if _URL_FILE.exists() else ""
    )
    if url:
        engine = sa.create_engine(url)
        try:
            with engine.connect():
                return url
        except sa.exc.OperationalError:
            pass
        finally:
            engine.dispose()
    reason = "PostgreSQL test server not available (run scripts/start-postgres.sh)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true: PostgreSQL must be running")
    pytest.skip(reason)


def _kind(name: str) -> tuple[Any, Callable[[str], Any]]:
    if name.endswith("_id") and name not in _TEXT_IDS:
        return sa.BigInteger(), int
    if name.endswith("_date"):
        return sa.Date(), lambda v: dt.date.fromisoformat(v[:10])
    if name in _INTEGER:
        return sa.Integer(), lambda v: int(float(v))
    if name in _FLOAT:
        return sa.Float(), float
    return sa.Text(), str


def load_csv(engine: sa.Engine, csv: Path, table: str, schema: str | None = None) -> int:
    """Create ``table`` from a CSV file and insert its rows; return the row count."""
    frame = pl.read_csv(csv, infer_schema=False)
    kinds = {c: _kind(c) for c in frame.columns}
    meta = sa.MetaData(schema=schema)
    target = sa.Table(table, meta, *(sa.Column(c, k[0]) for c, k in kinds.items()))
    meta.create_all(engine)
    rows = [
        {c: (None if v is None or v == "" else kinds[c][1](v)) for c, v in row.items()}
        for row in frame.iter_rows(named=True)
    ]
    with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(target.insert(), rows[start : start + 5000])
    return len(rows)


def load_folder(
    engine: sa.Engine,
    folder: Path,
    *,
    schema: str | None = None,
    only: tuple[str, ...] | None = None,
) -> list[str]:
    """Load every ``*.csv`` of ``folder`` (or only the named tables); return the table names."""
    names = []
    for csv in sorted(folder.glob("*.csv")):
        if only is not None and csv.stem not in only:
            continue
        load_csv(engine, csv, csv.stem, schema)
        names.append(csv.stem)
    return names
