"""Export -> import loses nothing the record format holds; the export is valid R4 with the codes
the standards name (LOINC scores with derivedFrom, ICD-10-CM, Genomics IG STU2+)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir_strategies import records
from hypothesis import HealthCheck, given, settings

from conftest import EXAMPLES
from trdkit import assess, load_record
from trdkit.interop import import_fhir
from trdkit.record import PatientRecord
from trdkit.render.fhir import assessment_bundle, render_fhir


def _round_trip(record: PatientRecord) -> tuple[PatientRecord, dict[str, Any], list[Any]]:
    bundle = json.loads(render_fhir(assess(record), record))
    result = import_fhir(bundle)
    return result.record, bundle, result.report


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _has(concept: dict[str, Any], system: str, code: str) -> bool:
    return any(
        c.get("system") == system and c.get("code") == code for c in concept.get("coding", [])
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_fhir_round_trip__examples_come_back_equal(path: Any) -> None:
    record = load_record(path)
    back, _, report = _round_trip(record)
    assert back == record
    assert back.model_dump(mode="json") == record.model_dump(mode="json")
    assert not [e for e in report if e.status in ("not_imported", "partial")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_fhir_round_trip__generated_records_lose_nothing(record: PatientRecord) -> None:
    back, _, report = _round_trip(record)
    assert back.model_dump(mode="json") == record.model_dump(mode="json")
    assert back == record
    assert not [e for e in report if e.status == "not_imported"], report


def test_fhir_export__phq9_scores_carry_loinc_and_derived_from() -> None:
    record = load_record(next(p for p in EXAMPLES if p.stem == "trd-with-genotypes"))
    bundle = json.loads(render_fhir(assess(record), record))
    scores = [
        o
        for o in _resources(bundle, "Observation")
        if _has(o["code"], "http://loinc.org", "44261-6")
    ]
    assert len(scores) == 3
    responses = {
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    }
    for score in scores:
        assert score["valueQuantity"]["code"] == "{score}"
        assert score["derivedFrom"][0]["reference"] in responses
    answers = _resources(bundle, "QuestionnaireResponse")[0]["item"][0]["answer"][0]["valueCoding"]
    assert answers["system"] == "http://loinc.org" and answers["code"].startswith("LA")


def test_fhir_export__diagnosis_trd_and_pgx_resources() -> None:
    record = load_record(next(p for p in EXAMPLES if p.stem == "trd-with-genotypes"))
    assessment = assess(record)
    bundle = json.loads(render_fhir(assessment, record))
    conditions = [c for c in _resources(bundle, "Condition") if "verificationStatus" in c]
    icd = [
        c
        for c in conditions
        if _has(
            c["code"], "http://hl7.org/fhir/sid/icd-10-cm", assessment.diagnosis.mdd.icd10cm or ""
        )
    ]
    assert icd and icd[0]["verificationStatus"]["coding"][0]["code"] == "provisional"
    local = "https://trdkit.invalid/fhir/CodeSystem/trdkit"
    status = next(
        o for o in _resources(bundle, "Observation") if _has(o["code"], local, "trd-status")
    )
    assert _has(status["valueCodeableConcept"], local, f"trd-status-{assessment.trd.status.value}")
    failed = [e["valueReference"]["reference"] for e in status.get("extension", [])]
    statements = {
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationStatement"
    }
    assert len(failed) == assessment.trd.adequate_failed_trials and set(failed) <= statements
    tbd = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs"
    implications = [
        o
        for o in _resources(bundle, "Observation")
        if _has(o["code"], tbd, "therapeutic-implication")
    ]
    assert implications
    assert not any(
        _has(c["code"], "http://loinc.org", "53040-2")
        for o in implications
        for c in o.get("component", [])
    )
    genotypes = [
        o
        for o in _resources(bundle, "Observation")
        if _has(o["code"], "http://loinc.org", "84413-4")
    ]
    assert {g["valueCodeableConcept"]["text"] for g in genotypes} >= {
        "CYP2C19 *1/*17",
        "CYP2D6 *1/*4",
    }
    report = _resources(bundle, "DiagnosticReport")[0]
    assert len(report["result"]) >= len(implications) + 1


def test_assessment_bundle__validates_as_r4b_bundle() -> None:
    from fhir.resources.R4B.bundle import Bundle

    record = load_record(EXAMPLES[0])
    bundle = assessment_bundle(assess(record), record)
    again = Bundle.model_validate_json(bundle.model_dump_json(exclude_none=True))
    assert again.type == "collection" and len(again.entry) == len(bundle.entry)
    urls = [e.fullUrl for e in again.entry]
    assert len(urls) == len(set(urls))


def test_assessment_bundle__refuses_a_foreign_record() -> None:
    first, second = (load_record(p) for p in EXAMPLES[:2])
    with pytest.raises(ValueError, match="not made from this record"):
        assessment_bundle(assess(first), second)
