"""A tiny OMOP CDM written as Parquet: every table read, eras built when drug_era is absent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from trdkit.cohort.pheno_io import CohortInputError
from trdkit.cohort.pheno_omop import read_omop
from trdkit.cohort.phenotype import phenotype_cohort

D = dt.date
PERSON = -4611686018427387904  # -2**62


def _cdm(folder: Path, *, with_visits: bool = True) -> Path:
    tables = {
        "person": {"person_id": [PERSON], "year_of_birth": [1970], "gender_concept_id": [8507]},
        "observation_period": {
            "person_id": [PERSON],
            "observation_period_start_date": [D(2018, 1, 1)],
            "observation_period_end_date": [D(2021, 12, 31)],
        },
        "drug_exposure": {
            "person_id": [PERSON] * 4,
            "drug_concept_id": [40000001, 40000001, 40000003, 40000004],
            "drug_exposure_start_date": [
                D(2020, 1, 1),
                D(2020, 2, 1),
                D(2020, 4, 1),
                D(2020, 4, 1),
            ],
            "drug_exposure_end_date": [None, None, None, None],
            "days_supply": [30, 30, 60, 10],
        },
        "condition_occurrence": {
            "person_id": [PERSON],
            "condition_concept_id": [4152280],
            "condition_start_date": [D(2019, 12, 1)],
            "condition_end_date": [None],
        },
        "concept": {
            "concept_id": [739138, 40000001, 797617, 40000003, 40000004, 4152280],
            "concept_name": [
                "Sertraline",
                "sertraline 100 MG Oral Tablet",
                "Citalopram",
                "citalopram 20 MG Oral Tablet",
                "an unmapped product",
                "Major depressive disorder",
            ],
            "domain_id": ["Drug"] * 5 + ["Condition"],
            "vocabulary_id": ["RxNorm"] * 5 + ["SNOMED"],
            "concept_class_id": [
                "Ingredient",
                "Clinical Drug",
                "Ingredient",
                "Clinical Drug",
                "Clinical Drug",
                "Clinical Finding",
            ],
            "concept_code": ["36437", "312940", "2556", "200371", "1", "370143000"],
        },
        "concept_ancestor": {
            "ancestor_concept_id": [739138, 797617, 440383],
            "descendant_concept_id": [40000001, 40000003, 4152280],
        },
        "measurement": {
            "person_id": [PERSON],
            "measurement_concept_id": [3000963],
            "measurement_date": [D(2020, 1, 1)],
            "value_as_number": [13.2],
        },
    }
    if with_visits:
        tables["visit_occurrence"] = {
            "person_id": [PERSON],
            "visit_concept_id": [9202],
            "visit_start_date": [D(2020, 1, 1)],
            "visit_end_date": [D(2020, 1, 1)],
        }
    for name, columns in tables.items():
        pl.DataFrame(columns).write_parquet(folder / f"{name}.parquet")
    return folder


def test_read_omop__parquet_cdm_without_drug_era(tmp_path: Path) -> None:
    data = read_omop(_cdm(tmp_path))
    assert data.persons["person_id"].to_list() == [PERSON]
    assert data.drug_eras is None and data.dose_eras is None
    # drug_exposure_end_date empty: start + days_supply; the unmapped product is left out.
    assert sorted(data.exposures["drug"].to_list()) == ["citalopram", "sertraline", "sertraline"]
    assert data.exposures.filter(pl.col("drug") == "citalopram")["end"].to_list() == [
        D(2020, 5, 31)
    ]
    assert any("1 drug_exposure rows" in note for note in data.notes)
    assert data.measurements is not None and data.measurements["value_as_number"][0] == 13.2
    assert data.visits is not None and data.visits.height == 1


def test_phenotype_cohort__omop_eras_are_built_and_depression_found_by_ancestor(
    tmp_path: Path,
) -> None:
    data = read_omop(_cdm(tmp_path))
    result = phenotype_cohort(data, "hagg_2020")
    row = result.patients.row(0, named=True)
    assert row["person_id"] == PERSON
    assert row["chart_depression"] is True  # 4152280 descends from 440383 (codeset 18)
    assert result.summary["settings"]["eras_from"] == "built from exposures"
    trials = result.trials.sort("start")
    # Sertraline's two fills 1 day apart form one era, switched to citalopram within 98 days.
    assert trials.select("drug", "outcome").rows() == [
        ("sertraline", "no_response"),
        ("citalopram", "unknown"),
    ]


def test_read_omop__a_missing_required_table_is_named(tmp_path: Path) -> None:
    _cdm(tmp_path)
    (tmp_path / "concept_ancestor.parquet").unlink()
    with pytest.raises(CohortInputError, match="concept_ancestor"):
        read_omop(tmp_path)
