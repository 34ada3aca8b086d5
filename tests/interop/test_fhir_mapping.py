"""Mapping rules of the FHIR importer on small synthetic resources: conditions, ages, scale
items, genotypes, allergies, procedures and other patients' data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from trdkit.interop import import_fhir
from trdkit.interop.fhir_patient import age_at

LOINC = "http://loinc.org"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
PATIENT = {"resourceType": "Patient", "id": "p1", "birthDate": "1980-05-20", "gender": "female"}


def _condition(
    code: str, status: str = "active", system: str = ICD, **extra: Any
) -> dict[str, Any]:
    clinical = {
        "coding": [
            {"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": status}
        ]
    }
    return {
        "resourceType": "Condition",
        "clinicalStatus": clinical,
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": system, "code": code}]},
        **extra,
    }


def _item(code: str, answer: str, day: str = "2025-05-01") -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "effectiveDateTime": day,
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "valueCodeableConcept": {"coding": [{"system": LOINC, "code": answer}]},
    }


def test_import_fhir__condition_codes_set_record_fields() -> None:
    resources = [
        PATIENT,
        _condition("F33.1", onsetDateTime="2024-02-01"),
        _condition("F41.1"),
        _condition("F43.10", status="resolved"),
        _condition("I10"),
        _condition("T14.91XA", onsetDateTime="2019-05-02"),
        _condition("G40.909"),
        _condition(
            "F32.2", status="resolved", onsetDateTime="2018-01-01", abatementDateTime="2018-09-01"
        ),
        {**_condition("F31.0"), "verificationStatus": {"coding": [{"code": "provisional"}]}},
        {**_condition("F20.9"), "verificationStatus": {"coding": [{"code": "refuted"}]}},
        _condition("320751009", system="http://snomed.info/sct"),
    ]
    result = import_fhir(resources)
    record = result.record
    episode = record.current_episode
    assert episode is not None and episode.onset == dt.date(2024, 2, 1)
    assert (episode.severity, episode.psychotic_features) == ("moderate", "none")
    assert [c.value for c in record.history.comorbidities] == ["anxiety_disorder"]
    assert [m.value for m in record.history.medical] == ["epilepsy"]
    assert record.history.suicide_attempts == [dt.date(2019, 5, 2)]
    assert [(p.start, p.end) for p in record.history.prior_episodes] == [
        (dt.date(2018, 1, 1), dt.date(2018, 9, 1))
    ]
    assert record.history.manic_or_hypomanic_episode is None  # provisional F31.0
    assert record.history.schizophrenia_spectrum_disorder is None  # refuted
    codes = [d.code for d in record.history.diagnoses]
    assert "F31.0" in codes and "I10" in codes and "F20.9" not in codes
    assert any("verificationStatus refuted" in b for e in result.report for b in e.because)


def test_import_fhir__severe_psychotic_code_leaves_congruence_unknown() -> None:
    result = import_fhir([_condition("F33.3", onsetDateTime="2025-01-01")])
    episode = result.record.current_episode
    assert episode is not None and episode.psychotic_features is None
    assert any("mood congruence" in b for e in result.report for b in e.because)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        ("1980-05-20", dt.date(2024, 5, 19), 43),
        ("1980-05-20", dt.date(2024, 5, 20), 44),
        ("1980", dt.date(2024, 6, 1), 43),
        ("1980-05", dt.date(2024, 5, 31), 44),
        ("2030-01-01", dt.date(2024, 1, 1), None),
    ],
)
def test_age_at__full_partial_and_future_birth_dates(
    birth: str, day: dt.date, age: int | None
) -> None:
    assert age_at(birth, day)[0] == age


def test_import_fhir__lone_items_group_by_date_and_instrument() -> None:
    phq9 = [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    answers = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"] * 3
    resources = [_item(code, answers[i]) for i, code in enumerate(phq9)]
    resources += [
        _item("44250-9", "LA6571-9", "2025-06-01"),
        _item("44255-8", "LA6570-1", "2025-06-01"),
    ]
    resources += [_item("44250-9", "LA6569-3", "2025-07-01")]
    result = import_fhir(resources)
    scales = [(s.instrument.value, s.date, s.items) for s in result.record.scales]
    assert scales == [
        ("phq9", dt.date(2025, 5, 1), [0, 1, 2, 3, 0, 1, 2, 3, 0]),
        ("phq2", dt.date(2025, 6, 1), [3, 2]),
    ]
    assert any("ambiguous" in b for e in result.report for b in e.because)


def test_import_fhir__panel_members_and_difficulty_trap() -> None:
    members = [
        {**_item("44250-9", "LA6570-1"), "id": "m1"},
        {**_item("69722-7", "LA6575-0"), "id": "m2"},
    ]
    panel = {
        "resourceType": "Observation",
        "status": "final",
        "effectiveDateTime": "2025-05-01",
        "code": {"coding": [{"system": LOINC, "code": "44249-1"}]},
        "hasMember": [{"reference": "Observation/m1"}, {"reference": "Observation/m2"}],
    }
    (phq9,) = import_fhir([panel, *members]).record.scales
    assert phq9.items is not None and phq9.items[0] == 2
    assert phq9.difficulty == 2  # LA6575-0 is "Very difficult" (2), not 3


def test_import_fhir__genotype_from_text_and_drug_allergy() -> None:
    genotype = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "84413-4"}]},
        "valueCodeableConcept": {"text": "CYP2B6 *1/*6"},
    }
    allergies = [
        {
            "resourceType": "AllergyIntolerance",
            "patient": {"reference": "Patient/p1"},
            "category": ["medication"],
            "code": {"text": "Lamictal"},
        },
        {
            "resourceType": "AllergyIntolerance",
            "patient": {"reference": "Patient/p1"},
            "category": ["food"],
            "code": {"text": "Peanut"},
        },
    ]
    record = import_fhir([PATIENT, genotype, *allergies]).record
    assert record.genetics is not None and record.genetics.diplotypes == {"CYP2B6": "*1/*6"}
    assert record.allergies == ["lamotrigine"]


def test_import_fhir__ect_sessions_are_one_course() -> None:
    sessions = [
        {
            "resourceType": "Procedure",
            "status": "completed",
            "subject": {"reference": "Patient/p1"},
            "code": {"text": "Electroconvulsive therapy"},
            "performedDateTime": f"2025-03-0{d}",
        }
        for d in (1, 3, 5)
    ]
    (course,) = import_fhir([PATIENT, *sessions]).record.treatments
    assert (course.name, course.sessions, course.start, course.end) == (
        "ect",
        3,
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 5),
    )


def test_import_fhir__other_patients_data_is_not_imported() -> None:
    total = {
        "resourceType": "Observation",
        "status": "final",
        "effectiveDateTime": "2025-05-01",
        "code": {"coding": [{"system": LOINC, "code": "44261-6"}]},
        "valueInteger": 9,
    }
    ours = {**total, "subject": {"reference": "Patient/p1"}}
    foreign = {**total, "subject": {"reference": "Patient/p2"}}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:1", "resource": PATIENT},
            {"resource": ours},
            {"resource": foreign},
        ],
    }
    result = import_fhir(bundle)
    assert [s.total for s in result.record.scales] == [9]
    assert any("another patient" in b for e in result.report for b in e.because)
