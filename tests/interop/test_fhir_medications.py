"""Medication import rules on synthetic resources: names, doses, and switch histories (no
public R4 patient has several sequential antidepressant trials; MANIFEST)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from trdkit.interop import import_fhir
from trdkit.interop.fhir_drugs import daily_dose, match_text

PATIENT = {"resourceType": "Patient", "id": "p1", "birthDate": "1980-05-20", "gender": "female"}


def _statement(name: str, start: str, end: str | None, status: str, mg: float) -> dict[str, Any]:
    period = {"start": start, **({"end": end} if end else {})}
    return {
        "resourceType": "MedicationStatement",
        "status": status,
        "medicationCodeableConcept": {"text": name},
        "subject": {"reference": "Patient/p1"},
        "effectivePeriod": period,
        "dosage": [
            {
                "doseAndRate": [{"doseQuantity": {"value": mg, "code": "mg"}}],
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
            }
        ],
    }


@pytest.mark.parametrize(
    ("text", "drugs"),
    [
        ("paroxetine hydrochloride 10 MG Oral Tablet", ["paroxetine"]),
        ("Zoloft 50 MG Oral Tablet", ["sertraline"]),
        ("10 ML Furosemide 10 MG/ML Injection", ["furosemide"]),
        ("lorazepam 0.5 MG Oral Tablet [Ativan]", []),
        ("Acetaminophen/Hydrocodone", []),
        ("olanzapine 6 MG / fluoxetine 25 MG Oral Capsule", ["olanzapine", "fluoxetine"]),
    ],
)
def test_match_text__names_brands_and_combinations(text: str, drugs: list[str]) -> None:
    assert match_text(text) == drugs


def test_daily_dose__tablets_frequency_text_and_as_needed() -> None:
    assert daily_dose([{"text": "Take 1 tablet daily"}], 10)[0] == 10
    assert daily_dose([{"text": "1 tab every 8 hours"}], 5)[0] == 15
    twice = {
        "doseAndRate": [{"doseQuantity": {"value": 75, "code": "mg"}}],
        "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
    }
    assert daily_dose([twice], None) == (150, "75 mg x 2 per 1 d = 150 mg/day")
    assert daily_dose([{"text": "every 8 hours as needed"}], 1)[0] is None
    assert daily_dose([{"doseAndRate": [{"doseQuantity": {"value": 2}}]}], None)[0] is None


def test_import_fhir__switch_history_and_augmentation() -> None:
    resources = [
        PATIENT,
        _statement("sertraline", "2024-01-01", "2024-02-01", "completed", 100),
        _statement("sertraline", "2024-02-10", "2024-03-01", "completed", 150),
        _statement("venlafaxine", "2024-03-15", "2024-06-01", "completed", 225),
        _statement("aripiprazole", "2024-04-15", "2024-06-01", "completed", 5),
        _statement("mirtazapine", "2024-09-01", None, "active", 30),
    ]
    record = import_fhir(resources).record
    trials = [
        (t.drug, t.start, t.end, t.dose_mg_per_day, t.role.value, t.with_)
        for t in record.treatments
    ]
    assert trials == [
        ("sertraline", dt.date(2024, 1, 1), dt.date(2024, 3, 1), 150, "monotherapy", []),
        ("venlafaxine", dt.date(2024, 3, 15), dt.date(2024, 6, 1), 225, "monotherapy", []),
        (
            "aripiprazole",
            dt.date(2024, 4, 15),
            dt.date(2024, 6, 1),
            5,
            "augmentation",
            ["venlafaxine"],
        ),
        ("mirtazapine", dt.date(2024, 9, 1), None, 30, "monotherapy", []),
    ]
    assert record.treatments[-1].outcome.value == "ongoing"
    assert record.current_medications == ["mirtazapine"]
    assert record.assessed_on == dt.date(2024, 9, 1)
    assert record.age == 44


def test_import_fhir__gap_longer_than_the_merge_gap_starts_a_new_trial() -> None:
    resources = [
        _statement("citalopram", "2020-01-01", "2020-02-01", "completed", 20),
        _statement("citalopram", "2021-01-01", "2021-03-01", "stopped", 40),
    ]
    assert [t.start for t in import_fhir(resources).record.treatments] == [
        dt.date(2020, 1, 1),
        dt.date(2021, 1, 1),
    ]
