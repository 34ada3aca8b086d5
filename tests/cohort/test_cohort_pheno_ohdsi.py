"""OHDSI cohort 1009 as published and corrected, on a small hand-made cohort."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cohort_pheno_builders import by_person, cohort, day

from trdkit.cohort.phenotype import phenotype_cohort

DEPRESSION, MANIA = "440383", "436665"  # OMOP concepts of codesets 18 and 8


def _era(person: int, drug: str, start: int, end: int) -> dict[str, Any]:
    return {"person_id": person, "drug": drug, "start": start, "end": end}


def _three(person: int, first: int = 100) -> list[dict[str, Any]]:
    return [
        _era(person, "sertraline", first, first + 60),
        _era(person, "citalopram", first + 70, first + 130),
        _era(person, "venlafaxine", first + 140, first + 200),
    ]


EXPOSURES = [
    *_three(1),  # B: a third distinct antidepressant
    _era(2, "sertraline", 100, 160),  # A: an antipsychotic on an antidepressant
    _era(2, "quetiapine", 150, 200),
    *_three(3),  # as 1, but mania before the index
    *_three(4),  # as 1, but no depression code
    _era(5, "tryptophan", 100, 105),  # a nutrition bag makes the third "antidepressant"
    _era(5, "sertraline", 110, 170),
    _era(5, "citalopram", 180, 240),
    _era(6, "sertraline", 100, 160),  # C: esketamine after two antidepressants
    _era(6, "citalopram", 170, 230),
    _era(6, "esketamine", 240, 250),
    *_three(7),  # as 1, but observed only from day 0
]
DIAGNOSES = [
    (p, "omop", DEPRESSION, d)
    for p, d in ((1, 200), (2, 120), (3, 200), (5, 150), (6, 200), (7, 200))
] + [(3, "omop", MANIA, 50)]
PERSONS = [
    {
        "person_id": p,
        "observation_start": day(0 if p == 7 else -400).isoformat(),
        "observation_end": day(1000).isoformat(),
    }
    for p in range(1, 8)
]


@pytest.fixture
def results(tmp_path: Path) -> dict[str, dict[int, dict[str, Any]]]:
    data = cohort(tmp_path, EXPOSURES, DIAGNOSES, PERSONS)
    return {
        policy: by_person(phenotype_cohort(data, policy).patients)
        for policy in ("ohdsi_1009", "ohdsi_1009_corrected")
    }


def test_ohdsi_1009__entry_b_third_distinct_antidepressant(
    results: dict[str, dict[int, dict[str, Any]]],
) -> None:
    one = results["ohdsi_1009"][1]
    assert (one["trd_status"], one["index_date"]) == ("trd", day(240))
    assert one["because"].startswith("entry B on")
    assert one["adequate_failed_trials"] is None  # the definition counts drugs, not trials


def test_ohdsi_1009__entry_a_antipsychotic_on_an_antidepressant(
    results: dict[str, dict[int, dict[str, Any]]],
) -> None:
    two = results["ohdsi_1009"][2]
    assert (two["trd_status"], two["index_date"]) == ("trd", day(150))
    assert two["because"].startswith("entry A on")


def test_ohdsi_1009__prior_mania_excludes_and_no_diagnosis_never_enters(
    results: dict[str, dict[int, dict[str, Any]]],
) -> None:
    three = results["ohdsi_1009"][3]
    assert three["trd_status"] == "not_applicable"
    assert "prior mania" in three["because"]
    assert results["ohdsi_1009"][4]["trd_status"] == "not_trd"


def test_ohdsi_1009__published_quirks_and_their_corrections(
    results: dict[str, dict[int, dict[str, Any]]],
) -> None:
    published, corrected = results["ohdsi_1009"], results["ohdsi_1009_corrected"]
    # Tryptophan counts as an antidepressant as published, not once corrected.
    assert (published[5]["trd_status"], corrected[5]["trd_status"]) == ("trd", "not_trd")
    # Criterion C reads dose_era as published; a layout has none, so only the fix finds it.
    assert published[6]["trd_status"] == "not_trd"
    assert (corrected[6]["trd_status"], corrected[6]["index_date"]) == ("trd", day(240))
    assert corrected[6]["because"].startswith("entry C on")
    # A year of prior observation, which the published JSON does not ask for.
    assert published[7]["trd_status"] == "trd"
    assert corrected[7]["trd_status"] == "not_trd"
    assert corrected[1]["trd_status"] == "trd"
