"""Reading an OMOP CDM (v5.3/5.4) folder of CSV or Parquet tables into ``CohortData``.

Required: ``person``, ``drug_exposure``, ``condition_occurrence``, ``observation_period``, and the
vocabulary tables ``concept`` and ``concept_ancestor`` (beside them or in the vocabulary folder).
Optional: ``drug_era`` (OMOP's own ingredient eras; built with the 30-day gap when absent),
``dose_era`` (read by the published OHDSI cohort 1009), ``measurement`` and ``visit_occurrence``
(read; no rule uses them yet). Every id is a signed 64-bit integer and stays exact.

Drug exposures are mapped to their ingredients through ``concept_ancestor``; a multi-ingredient
product gives one exposure row per ingredient, as OMOP's drug eras count it. OMOP carries no
daily dose in mg (``drug_strength`` would be needed), no outcome and no adherence: those stay
unknown.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from trdkit.cohort.pheno_concepts import ingredient_map
from trdkit.cohort.pheno_io import Kind
from trdkit.cohort.pheno_omop_tables import (
    OMOP_OPTIONAL,
    OMOP_REQUIRED,
    OMOP_VOCABULARY,
    FolderTables,
    OmopTables,
)
from trdkit.cohort.tables import EXPOSURE_SCHEMA, CohortData, exposure_end

__all__ = [
    "OMOP_OPTIONAL",
    "OMOP_REQUIRED",
    "OMOP_VOCABULARY",
    "FolderTables",
    "OmopTables",
    "read_omop",
    "read_omop_tables",
]


def _era_table(
    tables: OmopTables, name: str, concepts: pl.DataFrame, date_prefix: str
) -> pl.DataFrame:
    columns: dict[str, Kind] = {
        "person_id": "int64",
        "drug_concept_id": "int64",
        f"{date_prefix}_start_date": "date",
        f"{date_prefix}_end_date": "date",
    }
    raw = tables.read(name, columns, list(columns))
    keys = concepts.select("ingredient_concept_id", "drug").unique("ingredient_concept_id")
    frame = raw.join(keys, left_on="drug_concept_id", right_on="ingredient_concept_id", how="left")
    return frame.select(
        "person_id",
        pl.coalesce("drug", pl.format("concept:{}", "drug_concept_id")).alias("drug"),
        pl.col("drug_concept_id").alias("ingredient_concept_id"),
        pl.col(f"{date_prefix}_start_date").alias("start"),
        pl.col(f"{date_prefix}_end_date").alias("end"),
    )


def _exposures(tables: OmopTables, mapping: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    columns: dict[str, Kind] = {
        "person_id": "int64",
        "drug_concept_id": "int64",
        "drug_exposure_start_date": "date",
        "drug_exposure_end_date": "date",
        "days_supply": "int32",
    }
    unmapped = 0
    nulls = {c: pl.lit(None, dtype=t).alias(c) for c, t in EXPOSURE_SCHEMA.items()}

    def keep_mapped(raw: pl.DataFrame) -> pl.DataFrame:
        # Rows without an ingredient are counted and dropped batch by batch.
        nonlocal unmapped
        raw = raw.with_columns(
            exposure_end("drug_exposure_start_date", "drug_exposure_end_date", "days_supply")
        )
        unmapped += raw.join(mapping, on="drug_concept_id", how="anti").height
        joined = raw.join(mapping, on="drug_concept_id", how="inner")
        return joined.select(
            "person_id",
            "drug",
            "ingredient_concept_id",
            pl.col("drug_exposure_start_date").alias("start"),
            "end",
            *(
                nulls[c]
                for c in ("dose", "outcome", "improvement_pct", "adherence", "role", "episode")
            ),
        )

    frame = tables.read("drug_exposure", columns, list(columns)[:3], keep_mapped)
    return frame, unmapped


def _conditions(tables: OmopTables) -> pl.DataFrame:
    columns: dict[str, Kind] = {
        "person_id": "int64",
        "condition_concept_id": "int64",
        "condition_start_date": "date",
        "condition_end_date": "date",
        "condition_source_value": "str",
    }
    raw = tables.read("condition_occurrence", columns, list(columns)[:3])
    return raw.select(
        "person_id",
        pl.col("condition_start_date").alias("start"),
        pl.col("condition_end_date").alias("end"),
        pl.lit("omop").alias("system"),
        pl.col("condition_concept_id").cast(pl.String).alias("code"),
        pl.col("condition_concept_id").alias("concept_id"),
    )


def _measurements(tables: OmopTables) -> pl.DataFrame:
    columns: dict[str, Kind] = {
        "person_id": "int64",
        "measurement_concept_id": "int64",
        "measurement_date": "date",
        "value_as_number": "float",
        "unit_concept_id": "int64",
    }
    return tables.read("measurement", columns, list(columns)[:3]).rename(
        {"measurement_concept_id": "concept_id", "measurement_date": "date"}
    )


def _visits(tables: OmopTables) -> pl.DataFrame:
    columns: dict[str, Kind] = {
        "person_id": "int64",
        "visit_concept_id": "int64",
        "visit_start_date": "date",
        "visit_end_date": "date",
    }
    return tables.read("visit_occurrence", columns, list(columns)[:3]).rename(
        {"visit_concept_id": "concept_id", "visit_start_date": "start", "visit_end_date": "end"}
    )


def read_omop(cdm: Path, vocab: Path | None = None) -> CohortData:
    """Read an OMOP CDM folder.

    Parameters
    ----------
    cdm
        Folder of OMOP tables (CSV or Parquet, named after the tables).
    vocab
        Folder of the vocabulary tables, when they are not beside the CDM tables.

    Returns
    -------
    CohortData
        Persons (year of birth, observation from the first start to the last end of their
        observation periods), ingredient-level exposures, conditions, observation periods,
        OMOP's drug and dose eras when present, and ``concept_ancestor``.

    Raises
    ------
    CohortInputError
        When a required table or column is missing or a value does not convert.
    """
    return read_omop_tables(FolderTables(cdm, vocab))


def _ingredients(frame: pl.DataFrame) -> pl.DataFrame:
    # Only ingredient concepts are used (ingredient_map); a full vocabulary has millions more.
    return frame.filter(pl.col("concept_class_id") == "Ingredient")


def read_omop_tables(tables: OmopTables) -> CohortData:
    """Read OMOP tables from any source (folder or database); see ``read_omop``."""
    concept_cols: dict[str, Kind] = {
        "concept_id": "int64",
        "concept_name": "str",
        "domain_id": "str",
        "vocabulary_id": "str",
        "concept_class_id": "str",
        "concept_code": "str",
    }
    concept = tables.read("concept", concept_cols, ["concept_id"], _ingredients)
    ancestor_cols: dict[str, Kind] = {
        "ancestor_concept_id": "int64",
        "descendant_concept_id": "int64",
    }
    ancestor = tables.read("concept_ancestor", ancestor_cols, list(ancestor_cols))
    mapping = ingredient_map(concept, ancestor)
    person_cols: dict[str, Kind] = {"person_id": "int64", "year_of_birth": "int32"}
    person = tables.read("person", person_cols, ["person_id"])
    op_cols: dict[str, Kind] = {
        "person_id": "int64",
        "observation_period_start_date": "date",
        "observation_period_end_date": "date",
    }
    periods = tables.read("observation_period", op_cols, list(op_cols)).rename(
        {"observation_period_start_date": "start", "observation_period_end_date": "end"}
    )
    span = periods.group_by("person_id").agg(
        pl.col("start").min().alias("obs_start"), pl.col("end").max().alias("obs_end")
    )
    persons = person.join(span, on="person_id", how="left").sort("person_id")
    exposures, unmapped = _exposures(tables, mapping)
    ingredient_keys = mapping.filter(pl.col("drug_concept_id") == pl.col("ingredient_concept_id"))
    notes = [
        f"{tables.label}: {persons.height} persons, {exposures.height} ingredient exposures, "
        f"{periods.height} observation periods",
        "OMOP carries no daily dose in mg, no trial outcome and no adherence: dose adequacy is "
        "undecided and outcomes are read from switches",
    ]
    if unmapped:
        notes.append(f"{unmapped} drug_exposure rows have no ingredient in concept_ancestor")
    drug_eras = dose_eras = None
    if tables.has("drug_era"):
        drug_eras = _era_table(tables, "drug_era", ingredient_keys, "drug_era")
        notes.append(f"drug_era read from the CDM ({drug_eras.height} eras)")
    if tables.has("dose_era"):
        dose_eras = _era_table(tables, "dose_era", ingredient_keys, "dose_era")
    measurements = visits = None
    if tables.has("measurement"):
        measurements = _measurements(tables)
        notes.append(f"measurement read ({measurements.height} rows): not used by the rules yet")
    if tables.has("visit_occurrence"):
        visits = _visits(tables)
        notes.append(f"visit_occurrence read ({visits.height} rows): not used by the rules yet")
    return CohortData(
        source="omop",
        persons=persons,
        exposures=exposures,
        conditions=_conditions(tables),
        observation_periods=periods,
        drug_eras=drug_eras,
        dose_eras=dose_eras,
        concept_ancestor=ancestor,
        measurements=measurements,
        visits=visits,
        notes=tuple(notes),
    )
