"""Differential property: the vectorised cohort path equals ``trdkit.assess`` patient by patient.

Hypothesis generates patient records whose trials can be written in the cohort's long layout
(one exposure row per trial, each drug at most once per patient so that no two trials merge into
one era), writes them as CSV, phenotypes the cohort, and compares every patient's TRD status,
counts, stages and false-TRD flags with the assessment of the same record.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trdkit import assess
from trdkit.cohort.phenotype import phenotype_cohort
from trdkit.cohort.tables import read_layout
from trdkit.knowledge.policies import load_policy_table
from trdkit.record import validate_record
from trdkit.record.vocab import Adherence, Outcome, Role

ASSESSED = dt.date(2026, 1, 1)
DRUGS = (
    "sertraline",
    "citalopram",
    "venlafaxine",
    "mirtazapine",
    "bupropion",
    "amitriptyline",
    "phenelzine",
    "trazodone",
    "agomelatine",
    "moclobemide",
    "quetiapine",
    "lithium",
    "aripiprazole",
    "esketamine",
    "st_johns_wort",
)
# Weighted toward adequate, failed trials so that every status and stage is reached.
DOSES = (0.5, 2, 10, 15, 20, 30, 45, 50, 75, 100, 150, 150, 200, 300, 300, 600, 600)
DAYS = (0, 5, 27, 28, 29, 41, 42, 43, 60, 60, 100, 100, 200, 200, 364, 365, 400)
OUTCOMES = (*[o.value for o in Outcome], *["no_response"] * 6, *["partial_response"] * 2)
CODES = (
    ("icd10cm", "F06.31"),
    ("icd10cm", "F32.9"),
    ("icd10cm", "F31.4"),
    ("icd10", "F20.0"),
    ("icd9cm", "296.30"),
)


@st.composite
def _trial(draw: st.DrawFn, drug: str) -> dict[str, Any]:
    start = ASSESSED - dt.timedelta(days=draw(st.integers(0, 3000)))
    trial: dict[str, Any] = {
        "drug": drug,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(days=draw(st.sampled_from(DAYS)))).isoformat(),
        "outcome": draw(st.sampled_from(OUTCOMES)),
        "role": draw(st.sampled_from([*[r.value for r in Role], "monotherapy", "monotherapy"])),
        "episode": draw(st.sampled_from(["current"] * 5 + ["prior"])),
    }
    if draw(st.integers(0, 3)):
        trial["dose_mg_per_day"] = draw(st.sampled_from(DOSES))
    if draw(st.booleans()):
        trial["improvement_pct"] = draw(st.integers(-50, 100))
    if draw(st.booleans()):
        trial["adherence"] = draw(st.sampled_from([a.value for a in Adherence]))
    return trial


@st.composite
def _record(draw: st.DrawFn, index: int) -> dict[str, Any]:
    drugs = draw(st.lists(st.sampled_from(DRUGS), max_size=7, unique=True))
    record: dict[str, Any] = {
        "id": f"p{index}",
        "assessed_on": ASSESSED.isoformat(),
        "treatments": [draw(_trial(d)) for d in drugs],
        "history": {
            "diagnoses": [
                {"system": s, "code": c}
                for s, c in draw(st.lists(st.sampled_from(CODES), max_size=2, unique=True))
            ]
        },
    }
    if draw(st.booleans()):
        record["age"] = draw(st.sampled_from([12, 17, 18, 40, 80]))
    return record


@st.composite
def _cohort(draw: st.DrawFn) -> list[dict[str, Any]]:
    size = draw(st.integers(1, 6))
    return [draw(_record(i)) for i in range(size)]


def _write_layout(folder: Path, records: list[dict[str, Any]]) -> tuple[Path, Path, Path]:
    exposures: list[dict[str, Any]] = []
    diagnoses: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    for pid, rec in enumerate(records):
        age = rec.get("age")
        persons.append(
            {
                "person_id": pid,
                "year_of_birth": None if age is None else ASSESSED.year - age,
                "observation_end": ASSESSED.isoformat(),
            }
        )
        for t in rec["treatments"]:
            exposures.append(
                {
                    "person_id": pid,
                    "drug": t["drug"],
                    "start_date": t["start"],
                    "end_date": t["end"],
                    "dose_mg_per_day": t.get("dose_mg_per_day"),
                    "outcome": t["outcome"],
                    "improvement_pct": t.get("improvement_pct"),
                    "adherence": t.get("adherence"),
                    "role": t["role"],
                    "episode": t["episode"],
                }
            )
        for dx in rec["history"]["diagnoses"]:
            diagnoses.append({"person_id": pid, "date": ASSESSED.isoformat(), **dx})
    paths = (folder / "exposures.csv", folder / "diagnoses.csv", folder / "persons.csv")
    expo_schema = {
        "person_id": pl.Int64,
        "drug": pl.String,
        "start_date": pl.String,
        "end_date": pl.String,
        "dose_mg_per_day": pl.Float64,
        "outcome": pl.String,
        "improvement_pct": pl.Float64,
        "adherence": pl.String,
        "role": pl.String,
        "episode": pl.String,
    }
    pl.DataFrame(exposures, schema=expo_schema).write_csv(paths[0])
    dx_schema = {"person_id": pl.Int64, "date": pl.String, "system": pl.String, "code": pl.String}
    pl.DataFrame(diagnoses, schema=dx_schema).write_csv(paths[1])
    person_schema = {"person_id": pl.Int64, "year_of_birth": pl.Int64, "observation_end": pl.String}
    pl.DataFrame(persons, schema=person_schema).write_csv(paths[2])
    return paths


def _expected(record: dict[str, Any], policy_id: str) -> dict[str, Any]:
    a = assess(validate_record(record), policy_id)
    flags = {f.id.value for f in a.flags}
    return {
        "trd_status": a.trd.status.value,
        "adequate_failed_trials": a.trd.adequate_failed_trials,
        "naive_failed_trials": a.trd.naive_failed_trials,
        "stage_thase_rush": a.trd.stages.thase_rush,
        "stage_european": a.trd.stages.european,
        "stage_mgh_s": a.trd.stages.mgh_s,
        "flag_pseudo_resistance_dose": "pseudo_resistance_dose" in flags,
        "flag_pseudo_resistance_duration": "pseudo_resistance_duration" in flags,
        "flag_pseudo_resistance_adherence": "pseudo_resistance_adherence" in flags,
        "flag_intolerance_not_resistance": "intolerance_not_resistance" in flags,
        "flag_substance_or_medical_cause": "substance_or_medical_cause" in flags,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=_cohort(), policy_id=st.sampled_from(sorted(load_policy_table().policies)))
def test_phenotype_cohort__agrees_with_assess_patient_by_patient(
    records: list[dict[str, Any]], policy_id: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        expo, dx, persons = _write_layout(Path(tmp), records)
        result = phenotype_cohort(read_layout(expo, dx, persons), policy_id)
    rows = {r["person_id"]: r for r in result.patients.iter_rows(named=True)}
    assert len(rows) == len(records)
    for pid, record in enumerate(records):
        expected = _expected(record, policy_id)
        got = {key: rows[pid][key] for key in expected}
        assert got == expected, (pid, record)
