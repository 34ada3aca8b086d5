"""Policies on hand-made cohorts: clinical rules on inferred outcomes, Fabbri 2021, Hägg 2020."""

from __future__ import annotations

from pathlib import Path

import pytest
from cohort_pheno_builders import by_person, cohort, day

from trdkit.cohort.phenotype import phenotype_cohort, resolve_cohort_policy
from trdkit.knowledge.cohort_policies import SequentialPolicy, load_cohort_policies
from trdkit.knowledge.policies import PolicyDefinition, load_policy_table
from trdkit.policy import PolicyError

DEPRESSION = "F33.1"


def _clinical(tmp_path: Path) -> dict[int, dict[str, object]]:
    exposures = [
        # Person 1: two adequate SSRI trials, each followed by a switch, then a third drug.
        {"person_id": 1, "drug": "sertraline", "start": 0, "end": 74, "dose_mg_per_day": 100},
        {"person_id": 1, "drug": "citalopram", "start": 79, "end": 152, "dose_mg_per_day": 20},
        {"person_id": 1, "drug": "venlafaxine", "start": 161, "end": 273, "dose_mg_per_day": 150},
        # Person 2: a short trial augmented early, then a switch still running at the end.
        {"person_id": 2, "drug": "sertraline", "start": 0, "end": 19, "dose_mg_per_day": 25},
        {"person_id": 2, "drug": "quetiapine", "start": 14, "end": 59},
        {"person_id": 2, "drug": "mirtazapine", "start": 64, "end": 121, "dose_mg_per_day": 30},
        # Person 3: a minor.
        {"person_id": 3, "drug": "fluoxetine", "start": 0, "end": 60, "dose_mg_per_day": 20},
        {"person_id": 3, "drug": "sertraline", "start": 70, "end": 130, "dose_mg_per_day": 50},
    ]
    persons = [
        {"person_id": 1, "year_of_birth": 1980, "observation_end": day(365).isoformat()},
        {"person_id": 2, "year_of_birth": 1970, "observation_end": day(130).isoformat()},
        {"person_id": 3, "year_of_birth": 2005, "observation_end": day(365).isoformat()},
        {"person_id": 4, "year_of_birth": 1990, "observation_end": day(365).isoformat()},
    ]
    data = cohort(tmp_path, exposures, [(4, "icd10cm", DEPRESSION, 3)], persons)
    result = phenotype_cohort(data, "ema_2013")
    trials = result.trials.sort("person_id", "start")
    assert trials.filter(trials["person_id"] == 1)["outcome"].to_list() == [
        "no_response",
        "no_response",
        "unknown",
    ]
    assert trials.filter(trials["person_id"] == 2)["outcome"].to_list() == [
        "no_response",
        "no_response",
        "ongoing",
    ]
    assert trials.filter(trials["drug"] == "quetiapine")["category"].to_list() == ["augmentation"]
    return by_person(result.patients)


def test_phenotype_cohort__switches_mark_failures_and_adequate_ones_make_trd(
    tmp_path: Path,
) -> None:
    rows = _clinical(tmp_path)
    one = rows[1]
    assert one["trd_status"] == "trd"
    assert one["adequate_failed_trials"] == 2
    assert one["index_date"] == day(152)  # end of the second adequate failure
    assert (one["stage_thase_rush"], one["stage_european"], one["stage_mgh_s"]) == (
        1,
        "non_responder",
        2.0,
    )
    assert "2 adequate failed trials in the current episode >= 2 required" in one["because"]


def test_phenotype_cohort__short_and_undecided_trials_are_pseudo_resistance(
    tmp_path: Path,
) -> None:
    rows = _clinical(tmp_path)
    two = rows[2]
    # Sertraline stopped at 2.7 weeks; quetiapine's dose is not recorded.
    assert two["trd_status"] == "pseudo_resistant"
    assert (two["adequate_failed_trials"], two["naive_failed_trials"]) == (0, 2)
    assert two["flag_pseudo_resistance_duration"] is True
    assert two["index_date"] is None


def test_phenotype_cohort__minors_and_people_without_trials(tmp_path: Path) -> None:
    rows = _clinical(tmp_path)
    assert rows[3]["trd_status"] == "not_applicable"
    assert rows[3]["stage_thase_rush"] is None
    assert rows[3]["because"].startswith("age 15 < 18")
    assert rows[4]["trd_status"] == "insufficient_data"
    assert rows[4]["chart_depression"] is True


def test_phenotype_cohort__different_mechanism_counts_classes(tmp_path: Path) -> None:
    exposures = [
        {"person_id": 1, "drug": "sertraline", "start": 0, "end": 74, "dose_mg_per_day": 100},
        {"person_id": 1, "drug": "citalopram", "start": 79, "end": 152, "dose_mg_per_day": 20},
        {"person_id": 1, "drug": "venlafaxine", "start": 161, "end": 273, "dose_mg_per_day": 150},
        {"person_id": 1, "drug": "mirtazapine", "start": 280, "end": 360, "dose_mg_per_day": 30},
    ]
    data = cohort(tmp_path, exposures)
    one = by_person(phenotype_cohort(data, "different_mechanism").patients)[1]
    # Two SSRIs count once; the SNRI is the second class, reached at venlafaxine's end.
    assert one["trd_status"] == "trd"
    assert one["adequate_failed_trials"] == 3
    assert one["index_date"] == day(273)
    assert "distinct classes" in one["because"]


def _fabbri(tmp_path: Path) -> dict[int, dict[str, object]]:
    def scripts(person: int, drug: str, days: list[int]) -> list[dict[str, object]]:
        return [{"person_id": person, "drug": drug, "start": d, "end": d + 28} for d in days]

    exposures = [
        # Person 10: fluoxetine 8 weeks -> sertraline 8 weeks -> citalopram, 4-week gaps.
        *scripts(10, "fluoxetine", [0, 28, 56]),
        *scripts(10, "sertraline", [84, 112, 140]),
        *scripts(10, "citalopram", [168, 196]),
        # Person 11: sertraline only 2 weeks before the switch to citalopram.
        *scripts(11, "fluoxetine", [0, 28, 56]),
        *scripts(11, "sertraline", [84, 98]),
        *scripts(11, "citalopram", [126, 154]),
        # Person 12: like 10, but no depression code.
        *scripts(12, "fluoxetine", [0, 28, 56]),
        *scripts(12, "sertraline", [84, 112, 140]),
        *scripts(12, "citalopram", [168, 196]),
        # Person 13: back to fluoxetine within 26 weeks: one fluoxetine episode, so the only
        # switch that ends an episode is sertraline -> fluoxetine.
        *scripts(13, "fluoxetine", [0, 28, 56]),
        *scripts(13, "sertraline", [84, 112, 140]),
        *scripts(13, "fluoxetine", [168, 196]),
    ]
    dx = [(p, "icd10cm", DEPRESSION, 0) for p in (10, 11, 13)]
    return by_person(phenotype_cohort(cohort(tmp_path, exposures, dx), "fabbri_2021").patients)


def test_fabbri_2021__two_qualifying_switches_over_three_drugs(tmp_path: Path) -> None:
    rows = _fabbri(tmp_path)
    assert rows[10]["trd_status"] == "trd"
    assert rows[10]["index_date"] == day(168)  # first citalopram prescription
    assert rows[10]["adequate_failed_trials"] == 2
    assert "Fabbri 2021" in rows[10]["because"]


def test_fabbri_2021__short_trials_back_switches_and_no_diagnosis(tmp_path: Path) -> None:
    rows = _fabbri(tmp_path)
    assert (rows[11]["trd_status"], rows[11]["adequate_failed_trials"]) == ("not_trd", 1)
    assert rows[12]["trd_status"] == "not_applicable"
    assert (rows[13]["trd_status"], rows[13]["adequate_failed_trials"]) == ("not_trd", 1)


def test_hagg_2020__the_third_sequential_long_trial_starts_trd(tmp_path: Path) -> None:
    exposures = [
        {"person_id": 20, "drug": "sertraline", "start": 0, "end": 60},
        {"person_id": 20, "drug": "citalopram", "start": 70, "end": 130},
        {"person_id": 20, "drug": "venlafaxine", "start": 140, "end": 200},
        # A 20-day trial is not a treatment trial.
        {"person_id": 21, "drug": "sertraline", "start": 0, "end": 60},
        {"person_id": 21, "drug": "citalopram", "start": 70, "end": 90},
        {"person_id": 21, "drug": "venlafaxine", "start": 100, "end": 200},
        # Re-starting sertraline is not a new trial.
        {"person_id": 22, "drug": "sertraline", "start": 0, "end": 60},
        {"person_id": 22, "drug": "citalopram", "start": 70, "end": 130},
        {"person_id": 22, "drug": "sertraline", "start": 200, "end": 260},
    ]
    dx = [(p, "icd10cm", DEPRESSION, 0) for p in (20, 21, 22)]
    rows = by_person(phenotype_cohort(cohort(tmp_path, exposures, dx), "hagg_2020").patients)
    assert (rows[20]["trd_status"], rows[20]["index_date"]) == ("trd", day(140))
    assert rows[20]["adequate_failed_trials"] == 2
    assert rows[21]["trd_status"] == rows[22]["trd_status"] == "not_trd"
    # Register policies still carry the clinical stage columns of the staging policy.
    assert rows[20]["stage_thase_rush"] == 0  # no dose recorded: no adequate failure


def test_resolve_cohort_policy__clinical_cohort_only_and_unknown() -> None:
    assert isinstance(resolve_cohort_policy(None), PolicyDefinition)
    assert isinstance(resolve_cohort_policy("hagg_2020"), SequentialPolicy)
    with pytest.raises(PolicyError) as info:
        resolve_cohort_policy("hagg_2021")
    assert "did you mean 'hagg_2020'" in info.value.issues[0].message
    assert "ohdsi_1009" in info.value.issues[0].message


def test_cohort_policies__ids_never_clash_with_clinical_ones() -> None:
    table = load_cohort_policies()
    assert not set(table.policies) & set(load_policy_table().policies)
    assert set(table.policies) == {"fabbri_2021", "hagg_2020", "ohdsi_1009", "ohdsi_1009_corrected"}
    # Every parameter is cited, with a confidence tag.
    for policy in table.policies.values():
        assert policy.params()["method"] in ("switches", "sequential_trials", "ohdsi_1009")
    assert table.settings.era_gap_days.value == 30
    assert table.settings.switch_window_days.confidence == "U"
