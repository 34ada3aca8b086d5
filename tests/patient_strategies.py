"""Hypothesis strategies that generate valid ``trdkit.patient/1`` records.

Any mix of history, treatment trials (drugs, augmentations, procedures; current or prior
episode; any outcome), current medications (MAOIs, serotonergic and interacting drugs, unknown
names), allergies, medical conditions, scales (PHQ-9, C-SSRS), lab-reported CYP diplotypes,
research-tier genotypes and biomarkers, and labs. Every generated dict passes
``validate_record``; ``patient_records()`` yields the validated ``PatientRecord``.

Import it from any test module (``tests/`` is on ``sys.path`` beside ``conftest.py``):
``from patient_strategies import patient_dicts, patient_records``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from trdkit.record import PatientRecord, validate_record
from trdkit.record.vocab import (
    Comorbidity,
    MedicalCondition,
    Procedure,
    Specifier,
    Symptom,
)

__all__ = [
    "ASSESSED_ON",
    "RESEARCH_KEYS",
    "patient_dicts",
    "patient_records",
    "without_research",
]

ASSESSED_ON = dt.date(2026, 11, 1)
ONSET = dt.date(2025, 1, 1)

ANTIDEPRESSANTS = [
    "sertraline", "escitalopram", "citalopram", "fluoxetine", "paroxetine", "venlafaxine",
    "duloxetine", "bupropion", "mirtazapine", "vortioxetine", "agomelatine", "nortriptyline",
    "amitriptyline", "clomipramine", "lofepramine", "phenelzine", "tranylcypromine", "moclobemide",
    "trazodone",
]  # fmt: skip
AUGMENTERS = [
    "lithium", "aripiprazole", "quetiapine", "brexpiprazole", "liothyronine", "risperidone",
    "olanzapine", "pramipexole", "lamotrigine", "cariprazine",
]  # fmt: skip
OTHER_DRUGS = [
    "tramadol", "sumatriptan", "linezolid", "warfarin", "ibuprofen", "hydrochlorothiazide",
    "ramipril", "methylphenidate", "pseudoephedrine", "tamoxifen", "amiodarone", "omeprazole",
    "st_johns_wort", "selegiline", "valproate", "melatonin",
]  # fmt: skip
ALLERGENS = ["lithium", "bupropion", "ketamine", "esketamine", "sertraline", "quetiapine",
             "fluoxetine", "phenelzine", "aripiprazole", "sulfonamides"]  # fmt: skip
DIPLOTYPES = {
    "CYP2C19": ["*1/*1", "*1/*2", "*2/*2", "*1/*17", "*17/*17", "*2/*17", "*2/*3"],
    "CYP2D6": ["*1/*1", "*1/*4", "*4/*4", "*1/*10", "*1/*41", "*1x2/*1", "*4/*41", "*5/*5"],
    "CYP2B6": ["*1/*1", "*1/*6", "*6/*6", "*1/*18"],
}
RESEARCH_KEYS = ("genotypes", "5httlpr")

_tri = st.sampled_from([True, False, "unknown"])
_day = st.integers(min_value=0, max_value=(ASSESSED_ON - dt.date(2023, 1, 1)).days)


def _date(days_before: int) -> str:
    return (ASSESSED_ON - dt.timedelta(days=days_before)).isoformat()


@st.composite
def _drug_trial(draw: st.DrawFn) -> dict[str, Any]:
    role = draw(st.sampled_from(["monotherapy", "monotherapy", "augmentation", "combination"]))
    pool = ANTIDEPRESSANTS if role != "augmentation" else AUGMENTERS
    trial: dict[str, Any] = {
        "drug": draw(st.sampled_from(pool)),
        "episode": draw(st.sampled_from(["current", "current", "prior"])),
        "adherence": draw(st.sampled_from(["good", "good", "partial", "poor", "unknown"])),
        "outcome": draw(
            st.sampled_from(
                [
                    "no_response",
                    "no_response",
                    "partial_response",
                    "intolerance",
                    "ongoing",
                    "response",
                    "remission",
                    "response_lost",
                    "unknown",
                ]
            )
        ),
    }
    if draw(st.booleans()):
        trial["dose_mg_per_day"] = draw(st.sampled_from([5, 10, 20, 40, 75, 150, 225, 300, 600]))
    start = draw(_day)
    trial["start"] = _date(start)
    if draw(st.booleans()):
        trial["weeks_at_dose"] = draw(st.sampled_from([2, 4, 6, 8, 12]))
    elif trial["outcome"] != "ongoing" and start > 0:
        trial["end"] = _date(draw(st.integers(min_value=0, max_value=start)))
    if role != "monotherapy":
        trial["role"] = role
        trial["with"] = [draw(st.sampled_from(ANTIDEPRESSANTS))]
    if draw(st.booleans()):
        trial["improvement_pct"] = draw(st.sampled_from([0, 10, 30, 45, 60]))
    return trial


@st.composite
def _procedure_trial(draw: st.DrawFn) -> dict[str, Any]:
    procedure = draw(st.sampled_from([p.value for p in Procedure]))
    trial: dict[str, Any] = {
        "procedure": procedure,
        "episode": draw(st.sampled_from(["current", "prior"])),
        "outcome": draw(st.sampled_from(["no_response", "response", "remission", "ongoing"])),
        "start": _date(draw(_day)),
    }
    if procedure == "ect":
        trial["laterality"] = draw(st.sampled_from(["bilateral", "right_unilateral"]))
    if procedure in ("ect", "rtms", "itbs"):
        trial["sessions"] = draw(st.sampled_from([4, 10, 20]))
    return trial


def _scales(draw: st.DrawFn) -> list[dict[str, Any]]:
    scales: list[dict[str, Any]] = []
    if draw(st.booleans()):
        items = draw(st.lists(st.integers(0, 3), min_size=9, max_size=9))
        scales.append(
            {"instrument": "phq9", "date": _date(draw(st.integers(0, 90))), "items": items}
        )
    if draw(st.booleans()):
        items = draw(st.lists(st.integers(0, 1), min_size=6, max_size=6))
        adm: dict[str, Any] = {
            "instrument": "cssrs_screener",
            "date": _date(draw(st.integers(0, 60))),
            "items": items,
        }
        if items[5] == 1:
            adm["behaviour_past_3_months"] = draw(st.booleans())
        scales.append(adm)
    return scales


def _episode(draw: st.DrawFn) -> dict[str, Any]:
    symptoms = {s.value: draw(_tri) for s in Symptom}
    return {
        "onset": ONSET.isoformat(),
        "symptoms": symptoms,
        "functional_impairment": draw(_tri),
        "due_to_substance_or_medical_condition": draw(st.sampled_from([False, False, True])),
        "psychotic_features": draw(
            st.sampled_from(["none", "none", "none", "mood_congruent", "mood_incongruent"])
        ),
        "catatonia": draw(st.sampled_from([False, False, False, True])),
        "urgent": {
            "refusing_food_or_fluids": draw(st.sampled_from([False, False, True])),
            "need_rapid_response": draw(st.sampled_from([False, False, True])),
        },
        "severity": draw(st.sampled_from(["mild", "moderate", "severe"])),
        "specifiers": draw(st.lists(st.sampled_from([s.value for s in Specifier]), unique=True)),
    }


def _history(draw: st.DrawFn) -> dict[str, Any]:
    attempts = draw(st.lists(st.integers(0, 2000), max_size=2, unique=True))
    return {
        "manic_or_hypomanic_episode": draw(st.sampled_from([False, False, False, True, "unknown"])),
        "schizophrenia_spectrum_disorder": draw(st.sampled_from([False, False, False, True])),
        "antidepressant_induced_hypomania": draw(_tri),
        "family_history_bipolar": draw(st.sampled_from(["none", "second_degree", "first_degree"])),
        "suicide_attempts": [_date(d) for d in sorted(attempts)],
        "comorbidities": draw(
            st.lists(st.sampled_from([c.value for c in Comorbidity]), unique=True, max_size=3)
        ),
        "medical": draw(
            st.lists(st.sampled_from([m.value for m in MedicalCondition]), unique=True, max_size=4)
        ),
        "chronic_depressed_mood_years": draw(st.sampled_from([0, 0.5, 3])),
    }


def _genetics(draw: st.DrawFn) -> dict[str, Any] | None:
    genetics: dict[str, Any] = {}
    genes = draw(st.lists(st.sampled_from(sorted(DIPLOTYPES)), unique=True))
    if genes:
        genetics["diplotypes"] = {g: draw(st.sampled_from(DIPLOTYPES[g])) for g in genes}
    if draw(st.booleans()):
        genetics["genotypes"] = {"rs6265": draw(st.sampled_from(["CC", "CT", "TT"])),
                                 "rs4680": draw(st.sampled_from(["AA", "AG", "GG"]))}  # fmt: skip
    if draw(st.booleans()):
        genetics["5httlpr"] = draw(st.sampled_from(["L/L", "L/S", "S/S"]))
    return genetics or None


@st.composite
def patient_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A record as a plain dict (the form a YAML file gives), always valid."""
    record: dict[str, Any] = {
        "format": "trdkit.patient/1",
        "id": "generated",
        "assessed_on": ASSESSED_ON.isoformat(),
        "age": draw(st.one_of(st.just("unknown"), st.integers(min_value=12, max_value=90))),
        "sex": draw(st.sampled_from(["female", "male", "other", "unknown"])),
        "allergies": draw(st.lists(st.sampled_from(ALLERGENS), unique=True, max_size=2)),
        "current_episode": _episode(draw),
        "history": _history(draw),
        "treatments": draw(
            st.lists(st.one_of(_drug_trial(), _drug_trial(), _procedure_trial()), max_size=6)
        ),
        "current_medications": draw(
            st.lists(
                st.sampled_from(ANTIDEPRESSANTS + AUGMENTERS + OTHER_DRUGS), unique=True, max_size=4
            )
        ),
        "scales": _scales(draw),
    }
    if (genetics := _genetics(draw)) is not None:
        record["genetics"] = genetics
    if draw(st.booleans()):
        record["biomarkers"] = {"crp_mg_per_l": draw(st.sampled_from([0.5, 4.1, 12.0]))}
    if draw(st.booleans()):
        record["labs"] = {
            "qtc_ms": draw(st.sampled_from([400, 455, 480, 520])),
            "egfr_ml_per_min": draw(st.sampled_from([20, 45, 75, 110])),
        }
    return record


def patient_records() -> st.SearchStrategy[PatientRecord]:
    """Validated ``PatientRecord`` objects built from :func:`patient_dicts`."""
    return patient_dicts().map(validate_record)


def without_research(record: dict[str, Any]) -> dict[str, Any]:
    """The same record without research-tier data (genotypes, 5-HTTLPR, biomarkers)."""
    copy = {k: v for k, v in record.items() if k != "biomarkers"}
    genetics = {k: v for k, v in (record.get("genetics") or {}).items() if k not in RESEARCH_KEYS}
    copy.pop("genetics", None)
    if genetics:
        copy["genetics"] = genetics
    return copy
