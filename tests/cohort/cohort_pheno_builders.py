"""Small hand-made cohorts in the long layout for the phenotyping tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from trdkit.cohort.tables import CohortData, read_layout

BASE = dt.date(2020, 1, 1)


def day(n: int) -> dt.date:
    """The date ``n`` days after 2020-01-01."""
    return BASE + dt.timedelta(days=n)


def cohort(
    folder: Path,
    exposures: list[dict[str, Any]],
    diagnoses: Sequence[tuple[int, str, str, int]] = (),
    persons: list[dict[str, Any]] | None = None,
) -> CohortData:
    """Write and read a long-layout cohort.

    ``exposures`` rows name ``person_id``, ``drug``, ``start`` and ``end`` as day numbers, and
    optionally the other layout columns; ``diagnoses`` are ``(person_id, system, code, day)``.
    """
    rows = [
        {
            **{k: v for k, v in e.items() if k not in ("start", "end")},
            "start_date": day(e["start"]).isoformat(),
            "end_date": day(e["end"]).isoformat() if "end" in e else None,
        }
        for e in exposures
    ]
    expo = pl.DataFrame(rows, infer_schema_length=None)
    dx = pl.DataFrame(
        {
            "person_id": [d[0] for d in diagnoses],
            "system": [d[1] for d in diagnoses],
            "code": [d[2] for d in diagnoses],
            "date": [day(d[3]).isoformat() for d in diagnoses],
        },
        schema={"person_id": pl.Int64, "system": pl.String, "code": pl.String, "date": pl.String},
    )
    paths = [folder / "exposures.csv", folder / "diagnoses.csv"]
    expo.write_csv(paths[0])
    dx.write_csv(paths[1])
    person_path = None
    if persons is not None:
        person_path = folder / "persons.csv"
        pl.DataFrame(persons, infer_schema_length=None).write_csv(person_path)
    return read_layout(paths[0], paths[1], person_path)


def by_person(frame: pl.DataFrame) -> dict[int, dict[str, Any]]:
    """Rows of a per-person table keyed by ``person_id``."""
    return {row["person_id"]: row for row in frame.iter_rows(named=True)}
