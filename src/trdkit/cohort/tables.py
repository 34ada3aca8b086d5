"""The cohort's input: one in-memory form for OMOP CDM tables and for trdkit's long layout.

The long layout is two tables (CSV or Parquet), plus an optional third:

``exposures`` - one row per prescription, dispensing or administration
    ``person_id`` (64-bit integer), ``drug`` (generic or brand name, or catalogue id) or
    ``rxnorm`` (ingredient RxCUI), ``start_date``; ``end_date`` or ``days_supply``; optional
    ``dose_mg_per_day`` and, where a study recorded them, ``outcome``, ``improvement_pct``,
    ``adherence``, ``role`` and ``episode`` with the values of ``trdkit.patient/1``.
``diagnoses`` - one row per coded diagnosis
    ``person_id``, ``date``, ``system`` (``icd10cm``, ``icd10``, ``icd9cm``, ``icd11``,
    ``snomedct``, ``dsm5`` or ``omop``), ``code``.
``persons`` (optional)
    ``person_id``, ``year_of_birth``, ``observation_start``, ``observation_end``.

An exposure ends on ``end_date``, else ``start_date + days_supply``, else the day after it
started, as OMOP's era builder reads drug exposures. OMOP readers live in ``pheno_omop.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from trdkit.cohort.pheno_concepts import drug_keys, rxnorm_keys
from trdkit.cohort.pheno_io import CohortInputError, Kind, read_columns
from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.record.errors import FieldIssue
from trdkit.record.vocab import Adherence, Episode, Outcome, Role

__all__ = [
    "CONDITION_SCHEMA",
    "EXPOSURE_SCHEMA",
    "PERSON_SCHEMA",
    "CohortData",
    "exposure_end",
    "read_layout",
    "with_observation",
]

EXPOSURE_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "drug": pl.String(),
    "ingredient_concept_id": pl.Int64(),
    "start": pl.Date(),
    "end": pl.Date(),
    "dose": pl.Float64(),
    "outcome": pl.String(),
    "improvement_pct": pl.Float64(),
    "adherence": pl.String(),
    "role": pl.String(),
    "episode": pl.String(),
}
CONDITION_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "start": pl.Date(),
    "end": pl.Date(),
    "system": pl.String(),
    "code": pl.String(),
    "concept_id": pl.Int64(),
}
PERSON_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "year_of_birth": pl.Int32(),
    "obs_start": pl.Date(),
    "obs_end": pl.Date(),
}
SYSTEMS = ("icd10cm", "icd10", "icd9cm", "icd11", "snomedct", "dsm5", "omop")
_EXPOSURE_COLUMNS: dict[str, Kind] = {
    "person_id": "int64",
    "drug": "str",
    "rxnorm": "str",
    "start_date": "date",
    "end_date": "date",
    "days_supply": "int32",
    "dose_mg_per_day": "float",
    "outcome": "str",
    "improvement_pct": "float",
    "adherence": "str",
    "role": "str",
    "episode": "str",
}
_VOCABULARIES = {
    "outcome": [o.value for o in Outcome],
    "adherence": [a.value for a in Adherence],
    "role": [r.value for r in Role],
    "episode": [e.value for e in Episode],
}


@dataclass(frozen=True)
class CohortData:
    """Everything the phenotyping reads, in trdkit's column names (see the ``*_SCHEMA`` maps).

    ``drug_eras`` and ``dose_eras`` hold OMOP's own ingredient eras when the CDM ships them;
    ``concept_ancestor`` expands OMOP concept sets; ``measurements`` and ``visits`` are read from
    an OMOP CDM that has them (no rule uses them yet); ``notes`` say what was read and how.
    """

    source: str
    persons: pl.DataFrame
    exposures: pl.DataFrame
    conditions: pl.DataFrame
    observation_periods: pl.DataFrame
    drug_eras: pl.DataFrame | None = None
    dose_eras: pl.DataFrame | None = None
    concept_ancestor: pl.DataFrame | None = None
    measurements: pl.DataFrame | None = None
    visits: pl.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def exposure_end(start: str, end: str, days_supply: str) -> pl.Expr:
    """End of an exposure: its end date, else start + days supply, else start + 1 day."""
    supply = pl.duration(days=pl.col(days_supply).cast(pl.Int64))
    return pl.coalesce(
        pl.col(end), pl.col(start) + supply, pl.col(start) + pl.duration(days=1)
    ).alias("end")


def _invalid(path: Path, column: str, message: str) -> CohortInputError:
    return CohortInputError([FieldIssue(column, message)], str(path))


def _check_vocabulary(path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    given = [c for c in _VOCABULARIES if frame[c].null_count() < frame.height]
    fixed = frame.with_columns(pl.col(c).str.to_lowercase().str.strip_chars() for c in given)
    for column in given:
        allowed = _VOCABULARIES[column]
        bad = fixed.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed))
        if bad.height:
            raise _invalid(
                path, column, f"{bad[column][0]!r} is not allowed (allowed: {', '.join(allowed)})"
            )
    return fixed


def _read_exposures(path: Path) -> pl.DataFrame:
    raw = read_columns(path, _EXPOSURE_COLUMNS, required=["person_id", "start_date"])
    for column in ("person_id", "start_date"):
        if raw[column].null_count():
            raise _invalid(path, column, "empty value (every row needs one)")
    raw = _check_vocabulary(path, raw)
    keys = raw.select(
        pl.coalesce(rxnorm_keys(raw["rxnorm"]), drug_keys(raw["drug"])).alias("drug")
    )["drug"]
    if keys.null_count():
        raise _invalid(
            path, "drug", "a row names no drug: give a name in 'drug' or an RxCUI in 'rxnorm'"
        )
    frame = raw.with_columns(
        keys.alias("drug"), exposure_end("start_date", "end_date", "days_supply")
    )
    if (frame["end"] < frame["start_date"]).any():
        raise _invalid(path, "end_date", "an exposure ends before it starts")
    return frame.select(
        "person_id",
        "drug",
        pl.lit(None, dtype=pl.Int64).alias("ingredient_concept_id"),
        pl.col("start_date").alias("start"),
        "end",
        pl.col("dose_mg_per_day").alias("dose"),
        "outcome",
        "improvement_pct",
        "adherence",
        "role",
        "episode",
    )


def _read_diagnoses(path: Path) -> pl.DataFrame:
    columns: dict[str, Kind] = {
        "person_id": "int64",
        "date": "date",
        "system": "str",
        "code": "str",
    }
    raw = read_columns(path, columns, required=list(columns))
    raw = raw.with_columns(pl.col("system").str.to_lowercase())
    bad = raw.filter(~pl.col("system").is_in(SYSTEMS) | pl.col("system").is_null())
    if bad.height:
        allowed = ", ".join(SYSTEMS)
        raise _invalid(path, "system", f"{bad['system'][0]!r} is not allowed (allowed: {allowed})")
    omop_id = pl.when(pl.col("system") == "omop").then(pl.col("code").cast(pl.Int64, strict=False))
    return raw.select(
        "person_id",
        pl.col("date").alias("start"),
        pl.lit(None, dtype=pl.Date).alias("end"),
        "system",
        "code",
        omop_id.alias("concept_id"),
    )


def with_observation(
    persons: pl.DataFrame, exposures: pl.DataFrame, conditions: pl.DataFrame
) -> pl.DataFrame:
    """Add the people of the event tables and fill missing observation starts and ends with
    each person's first and last event."""
    spans = [
        frame.group_by("person_id").agg(
            pl.col("start").min().alias("first"), pl.coalesce("end", "start").max().alias("last")
        )
        for frame in (exposures, conditions)
    ]
    span = pl.concat(spans).group_by("person_id").agg(pl.col("first").min(), pl.col("last").max())
    full = persons.join(span, on="person_id", how="full", coalesce=True)
    return full.select(
        "person_id",
        pl.col("year_of_birth").cast(pl.Int32),
        pl.coalesce("obs_start", "first").alias("obs_start"),
        pl.coalesce("obs_end", "last").alias("obs_end"),
    ).sort("person_id")


def _read_persons(path: Path | None) -> pl.DataFrame:
    if path is None:
        return pl.DataFrame(schema=PERSON_SCHEMA)
    columns: dict[str, Kind] = {
        "person_id": "int64",
        "year_of_birth": "int32",
        "observation_start": "date",
        "observation_end": "date",
    }
    raw = read_columns(path, columns, required=["person_id"])
    if raw["person_id"].is_duplicated().any():
        raise _invalid(path, "person_id", "a person is listed twice")
    return raw.rename({"observation_start": "obs_start", "observation_end": "obs_end"})


def read_layout(exposures: Path, diagnoses: Path, persons: Path | None = None) -> CohortData:
    """Read the long layout (exposures, diagnoses, optional persons).

    Parameters
    ----------
    exposures, diagnoses
        CSV or Parquet files in the layout of this module's docstring.
    persons
        Optional persons file; without one, the persons are those of the two tables, observed
        from their first to their last event, with unknown year of birth.

    Returns
    -------
    CohortData
        The cohort; every person has one observation period.

    Raises
    ------
    CohortInputError
        Naming the file, the column and what is allowed.
    """
    expo = _read_exposures(exposures)
    cond = _read_diagnoses(diagnoses)
    people = with_observation(_read_persons(persons), expo, cond)
    periods = people.select(
        "person_id", pl.col("obs_start").alias("start"), pl.col("obs_end").alias("end")
    ).drop_nulls()
    known = set(load_drug_catalogue().drugs)
    unmapped = sorted(set(expo["drug"].unique().to_list()) - known)
    notes = [
        f"long layout: {expo.height} exposures, {cond.height} diagnoses, {people.height} persons"
    ]
    if unmapped:
        notes.append(f"drugs not in the catalogue (kept by name): {', '.join(unmapped[:20])}")
    return CohortData(
        source="layout",
        persons=people,
        exposures=expo,
        conditions=cond,
        observation_periods=periods,
        notes=tuple(notes),
    )
