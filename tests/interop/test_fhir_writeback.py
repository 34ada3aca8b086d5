"""The write-back export (``render_fhir(..., mode="write_back")``) without a server: conclusions
only, R4B-valid, references to the EHR's own resources by ``Type/id``, stable ids; the import's
provenance behind it; scales in an order that does not depend on the input's order."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fhir_server_data import LOINC, references, synthetic_patient
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from trdkit import assess, load_record
from trdkit.interop import import_fhir
from trdkit.interop.fhir_codes import assessment_tag_system, local_system, tag_system
from trdkit.interop.fhir_import import FhirImport
from trdkit.interop.fhir_provenance import Provenance, SourceRef
from trdkit.render.fhir import assessment_bundle, render_fhir

PID = "wb-1"


def write_back(imported: FhirImport) -> dict[str, Any]:
    assessment = assess(imported.record)
    text = render_fhir(
        assessment, imported.record, mode="write_back", provenance=imported.provenance
    )
    bundle: dict[str, Any] = json.loads(text)
    return bundle


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"]]


def coded(resource: dict[str, Any], code: str) -> bool:
    return any(c.get("code") == code for c in resource.get("code", {}).get("coding", []))


@pytest.fixture(scope="module")
def synthetic() -> tuple[FhirImport, dict[str, Any]]:
    imported = import_fhir(synthetic_patient(PID))
    return imported, write_back(imported)


def test_provenance__names_the_source_resources_of_each_record_part(
    synthetic: tuple[FhirImport, dict[str, Any]],
) -> None:
    prov = synthetic[0].provenance
    assert prov.patient == SourceRef("Patient", PID)
    assert prov.references("treatments[0]") == [f"MedicationRequest/{PID}-sertraline"]
    assert prov.references("treatments[1]") == [f"MedicationRequest/{PID}-paroxetine"]
    assert prov.references("scales[3]") == [f"QuestionnaireResponse/{PID}-phq9-qr"]
    assert prov.references("genetics.diplotypes.CYP2C19") == [f"Observation/{PID}-cyp2c19"]
    assert prov.references("history.diagnoses[0]", "Condition") == [f"Condition/{PID}-mdd"]
    assert prov.references("history.diagnoses[0]", "Observation") == []


def test_provenance__merged_orders_are_all_sources_of_one_trial() -> None:
    first, *rest = synthetic_patient(PID)
    order = next(r for r in rest if r["id"] == f"{PID}-sertraline")
    refill = copy.deepcopy(order)
    refill["id"] = f"{PID}-sertraline-refill"
    bounds = refill["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]
    bounds |= {"start": "2023-11-25", "end": "2023-11-30"}
    refill["authoredOn"] = "2023-11-25"
    imported = import_fhir([first, *rest, refill])
    assert [t.drug for t in imported.record.treatments] == ["sertraline", "paroxetine"]
    assert imported.provenance.references("treatments[0]") == [
        f"MedicationRequest/{PID}-sertraline",
        f"MedicationRequest/{PID}-sertraline-refill",
    ]


def test_provenance__from_report_skips_unread_and_idless_resources() -> None:
    imported = import_fhir(
        [
            {"resourceType": "Patient", "id": "p9"},
            {"resourceType": "Observation", "status": "final", "code": {"text": "no id"}},
        ]
    )
    rebuilt = Provenance.from_report(imported.report)
    assert rebuilt.patient == SourceRef("Patient", "p9")
    assert all(s.id != "?" for sources in rebuilt.fields.values() for s in sources)


def test_write_back__is_a_valid_r4b_transaction_of_conclusions_only(
    synthetic: tuple[FhirImport, dict[str, Any]],
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    bundle = synthetic[1]
    assert Bundle.model_validate(bundle).type == "transaction"
    kinds = {r["resourceType"] for r in resources(bundle)}
    assert kinds <= {"Observation", "Condition", "DiagnosticReport"}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        tags = {(t["system"], t["code"]) for t in resource["meta"]["tag"]}
        assert (tag_system(), "conclusion") in tags
        assert (tag_system(), "record") not in tags
        assert any(system == assessment_tag_system() for system, _ in tags)
        url = f"{resource['resourceType']}/{resource['id']}"
        assert entry["request"] == {"method": "PUT", "url": url}
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        assert resource["subject"] == {"reference": f"Patient/{PID}"}


def test_write_back__references_point_at_the_ehr_resources(
    synthetic: tuple[FhirImport, dict[str, Any]],
) -> None:
    bundle = synthetic[1]
    ehr = {f"{r['resourceType']}/{r['id']}" for r in synthetic_patient(PID)}
    own = {e["fullUrl"] for e in bundle["entry"]}
    for resource in resources(bundle):
        for ref in references(resource):
            assert ref in ehr or ref in own, ref
    scores = [r for r in resources(bundle) if coded(r, "44261-6")]
    # Only the item-level PHQ-9 needs a computed total; the three EHR totals are referenced.
    assert len(scores) == 1
    assert references(scores[0]["derivedFrom"]) == [f"QuestionnaireResponse/{PID}-phq9-qr"]
    assert scores[0]["valueQuantity"]["value"] == 20
    totals = {f"Observation/{PID}-phq9-{d}" for d in ("2023-08-25", "2023-11-20", "2024-02-20")}
    all_scores = totals | {f"urn:uuid:{scores[0]['id']}"}
    report = next(r for r in resources(bundle) if r["resourceType"] == "DiagnosticReport")
    assert all_scores < set(references(report["result"]))
    status = next(r for r in resources(bundle) if coded(r, "trd-status"))
    assert set(references(status["derivedFrom"])) == all_scores
    implications = [r for r in resources(bundle) if coded(r, "therapeutic-implication")]
    assert implications
    for implication in implications:
        assert references(implication["derivedFrom"]) == [f"Observation/{PID}-cyp2c19"]


def test_write_back__ids_are_stable_and_keyed_by_patient_date_and_policy(
    synthetic: tuple[FhirImport, dict[str, Any]],
) -> None:
    imported, bundle = synthetic
    assert write_back(imported) == bundle
    other = assess(imported.record, "mgh_atrq")
    again = json.loads(
        render_fhir(other, imported.record, mode="write_back", provenance=imported.provenance)
    )
    assert not {r["id"] for r in resources(again)} & {r["id"] for r in resources(bundle)}
    full = json.loads(render_fhir(assess(imported.record), imported.record))
    assert not {r["id"] for r in resources(full)} & {r["id"] for r in resources(bundle)}


def test_write_back__an_ehr_total_of_the_response_is_referenced_not_recomputed() -> None:
    derived = {
        "resourceType": "Observation",
        "id": f"{PID}-phq9-qr-total",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "44261-6"}]},
        "subject": {"reference": f"Patient/{PID}"},
        "effectiveDateTime": "2024-03-05",
        "valueInteger": 20,
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{PID}-phq9-qr"}],
    }
    same_day = {**derived, "id": f"{PID}-phq9-same-day"}
    del same_day["derivedFrom"]
    for extra in (derived, same_day):
        imported = import_fhir([*synthetic_patient(PID), extra])
        assert len(imported.record.scales) == 4
        bundle = write_back(imported)
        assert not [r for r in resources(bundle) if coded(r, "44261-6")]
        report = next(r for r in resources(bundle) if r["resourceType"] == "DiagnosticReport")
        assert f"Observation/{extra['id']}" in references(report["result"])


def test_write_back__trdkit_export_as_ehr_data_links_failed_trials_and_the_chart() -> None:
    record = load_record(next(p for p in EXAMPLES if p.stem == "trd-with-genotypes"))
    full = json.loads(render_fhir(assess(record), record))
    ids = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in full["entry"]}
    imported = import_fhir(full)
    assessment = assess(imported.record)
    bundle = write_back(imported)
    own = {e["fullUrl"] for e in bundle["entry"]}
    for resource in resources(bundle):
        assert set(references(resource)) <= ids | own
    status = next(r for r in resources(bundle) if coded(r, "trd-status"))
    failed = [e["valueReference"]["reference"] for e in status["extension"]]
    assert len(failed) == assessment.trd.adequate_failed_trials == 3
    assert all(f.startswith("MedicationStatement/") for f in failed)
    trd = next(r for r in resources(bundle) if coded(r, "trd"))
    assert set(failed) < set(references(trd["evidence"]))
    # The chart already holds F33.2: no second MDD Condition, the report names the chart's.
    assert not [r for r in resources(bundle) if coded(r, "F33.2")]
    report = next(r for r in resources(bundle) if r["resourceType"] == "DiagnosticReport")
    assert report["conclusionCode"][0]["coding"][0]["code"] == "F33.2"
    assert "already in the chart as Condition/" in report["conclusion"]


def test_write_back__needs_provenance_with_a_patient() -> None:
    record = load_record(EXAMPLES[0])
    assessment = assess(record)
    with pytest.raises(ValueError, match="provenance"):
        assessment_bundle(assessment, record, mode="write_back")
    with pytest.raises(ValueError, match="Patient"):
        assessment_bundle(assessment, record, mode="write_back", provenance=Provenance())


def test_write_back__local_codes_use_the_trdkit_system(
    synthetic: tuple[FhirImport, dict[str, Any]],
) -> None:
    status = next(r for r in resources(synthetic[1]) if coded(r, "trd-status"))
    assert status["code"]["coding"][0]["system"] == local_system()


_CONDITIONS = [r for r in synthetic_patient(PID) if r["resourceType"] == "Condition"]
_OTHERS = [r for r in synthetic_patient(PID) if r["resourceType"] != "Condition"]


@settings(max_examples=15, deadline=None)
@given(st.permutations(_OTHERS))
def test_fhir_import__record_does_not_depend_on_resource_order(
    shuffled: list[dict[str, Any]],
) -> None:
    # Coded diagnoses keep the order they are read in (not in scope here): Conditions stay put.
    expected = import_fhir(synthetic_patient(PID))
    again = import_fhir([*_CONDITIONS, *shuffled])
    assert again.record == expected.record
    assert [(s.date.isoformat(), s.instrument.value) for s in again.record.scales] == sorted(
        (s.date.isoformat(), s.instrument.value) for s in again.record.scales
    )
    assert again.provenance == expected.provenance
