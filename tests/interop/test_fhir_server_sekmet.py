"""FHIR R4 against a real server process (sekmet-fhir, ``fhir_server_fixtures.py``).

A synthetic patient (ICD-10-CM conditions, two antidepressant orders with RxNorm codes and dosage
periods, PHQ-9 scores on several dates, a CYP2C19 Genomics Reporting genotype) is loaded through
the REST API, fetched back with ``fetch_patient_resources``, imported, assessed and exported; the
export is written back in a transaction and read again by search. Public bundles go through the
same path. Server quirks met here are listed in docs/fhir.md ("Testing against a FHIR server").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fhir_server_data import (
    SYNTHEA,
    ids,
    put_all,
    synthetic_patient,
    tag,
    without_meta_versions,
    write_back,
)

from conftest import EXAMPLES
from trdkit import assess, load_record
from trdkit.assessment import Assessment
from trdkit.interop import import_fhir
from trdkit.interop.fhir_client import fetch_patient_resources
from trdkit.interop.fhir_codes import local_system, tag_system
from trdkit.interop.fhir_import import FhirImport
from trdkit.render.fhir import render_fhir

if TYPE_CHECKING:  # imported by pytest as a plugin; importing it here first defeats that
    from fhir_server_fixtures import SekmetServer

pytest_plugins = ["fhir_server_fixtures"]


@dataclass
class Loaded:
    """The synthetic patient after one trip: fetched, imported, assessed, exported, written back."""

    pid: str
    fetched: list[dict[str, Any]]
    local: FhirImport  # the resources imported directly, without the server
    imported: FhirImport
    assessment: Assessment
    export: dict[str, Any]
    written: list[dict[str, Any]]


@pytest.fixture(scope="module")
def loaded(sekmet: SekmetServer) -> Loaded:
    pid = "trd-synthetic-1"
    resources = synthetic_patient(pid)
    answer = put_all(sekmet, resources)
    assert {e["response"]["status"] for e in answer["entry"]} == {"201 Created"}
    fetched = fetch_patient_resources(sekmet.base_url, pid, token=sekmet.token)
    imported = import_fhir(fetched, source=f"{sekmet.base_url}/Patient/{pid}")
    assessment = assess(imported.record)
    export = json.loads(render_fhir(assessment, imported.record))
    written = write_back(sekmet, export, pid)
    return Loaded(pid, fetched, import_fhir(resources), imported, assessment, export, written)


def test_sekmet__answers_r4_metadata_and_needs_the_token(sekmet: SekmetServer) -> None:
    meta = httpx.get(f"{sekmet.base_url}/metadata", timeout=10).json()
    assert (meta["resourceType"], meta["fhirVersion"]) == ("CapabilityStatement", "4.0.1")
    assert httpx.get(f"{sekmet.base_url}/Patient", timeout=10).status_code == 401


def test_sekmet__rejects_an_r5_shaped_medication_request(sekmet: SekmetServer) -> None:
    r5 = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "medication": {"concept": {"text": "sertraline"}},
        "subject": {"reference": "Patient/x"},
    }
    response = sekmet.request("POST", "MedicationRequest", r5)
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


def test_fhir_server_sekmet__fetched_patient_imports_like_the_resources_themselves(
    loaded: Loaded,
) -> None:
    assert ids(loaded.fetched) >= ids(synthetic_patient(loaded.pid))
    record = loaded.imported.record
    assert record == loaded.local.record
    assert [(t.drug, t.dose_mg_per_day, str(t.start), str(t.end)) for t in record.treatments] == [
        ("sertraline", 150, "2023-09-01", "2023-11-24"),
        ("paroxetine", 40, "2023-12-01", "2024-02-23"),
    ]
    assert [
        (s.instrument.value, str(s.date), s.total or sum(s.items or [])) for s in record.scales
    ] == [
        ("phq9", "2023-08-25", 21),
        ("phq9", "2023-11-20", 18),
        ("phq9", "2024-02-20", 19),
        ("phq9", "2024-03-05", 20),
    ]
    assert record.genetics is not None and record.genetics.diplotypes == {"CYP2C19": "*2/*2"}
    assert {("icd10cm", "F33.2"), ("icd10cm", "F41.1")} <= {
        (d.system, d.code) for d in record.history.diagnoses
    }
    assert (str(record.assessed_on), record.age) == ("2024-03-05", 44)


def test_fhir_server_sekmet__written_back_export_reads_back_equal(
    sekmet: SekmetServer, loaded: Loaded
) -> None:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for kind in ("Condition", "MedicationStatement", "Observation", "DiagnosticReport"):
        found |= {(kind, r["id"]): r for r in sekmet.search(kind, patient=loaded.pid)}
    for kind, rid in ids(loaded.written) - set(found):
        # sekmet has no search parameters for QuestionnaireResponse: read it by id
        assert kind == "QuestionnaireResponse"
        found[(kind, rid)] = sekmet.request("GET", f"{kind}/{rid}").json()
    for resource in loaded.written:
        back = found[(resource["resourceType"], resource["id"])]
        assert without_meta_versions(back) == resource
    status = sekmet.search("Observation", patient=loaded.pid, code=f"{local_system()}|trd-status")
    assert [without_meta_versions(r) for r in status] == [
        r
        for r in loaded.written
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "trd-status"
    ]
    value = status[0]["valueCodeableConcept"]["coding"][0]["code"]
    assert value == f"trd-status-{loaded.assessment.trd.status.value}"
    conclusions = sekmet.search(
        "Observation", patient=loaded.pid, _tag=f"{tag_system()}|conclusion"
    )
    assert ids(conclusions) == {
        (r["resourceType"], r["id"])
        for r in loaded.written
        if r["resourceType"] == "Observation" and tag(r) == "conclusion"
    }
    genotype_links = [
        ref["reference"]
        for r in conclusions
        for ref in r.get("derivedFrom", [])
        if ref["reference"].startswith("Observation/")
    ]
    for ref in genotype_links:  # every reference the server rewrote resolves
        assert sekmet.request("GET", ref).status_code == 200


def test_fhir_server_sekmet__reading_again_skips_the_written_conclusions(
    sekmet: SekmetServer, loaded: Loaded
) -> None:
    again = import_fhir(fetch_patient_resources(sekmet.base_url, loaded.pid, token=sekmet.token))
    ignored = {i for e in again.report if e.status == "ignored" for i in e.ids}
    fetched_kinds = {"Condition", "Observation", "MedicationStatement", "QuestionnaireResponse"}
    assert {
        r["id"]
        for r in loaded.written
        if tag(r) == "conclusion" and r["resourceType"] in fetched_kinds
    } <= ignored
    assert again.record.genetics == loaded.imported.record.genetics
    assert assess(again.record).trd.status == loaded.assessment.trd.status


def test_fhir_server_sekmet__trdkit_export_round_trips_through_the_server(
    sekmet: SekmetServer,
) -> None:
    record = load_record(next(p for p in EXAMPLES if p.stem == "trd-with-genotypes"))
    export = json.loads(render_fhir(assess(record), record))
    entries = [
        {
            "fullUrl": e["fullUrl"],
            "resource": e["resource"],
            "request": {
                "method": "PUT",
                "url": f"{e['resource']['resourceType']}/{e['resource']['id']}",
            },
        }
        for e in export["entry"]
    ]
    sekmet.transaction(entries)
    pid = next(
        e["resource"]["id"] for e in export["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    back = import_fhir(fetch_patient_resources(sekmet.base_url, pid, token=sekmet.token))
    # The server lists QuestionnaireResponses after Observations; the export states each
    # administration's place in the record, so the scales still come back in the record's order.
    assert back.record == record
    assert assess(back.record).trd.status.value == "trd"


def test_fhir_server_sekmet__synthea_bundle_reads_back_like_the_file(
    sekmet: SekmetServer, shared_dir: Path
) -> None:
    bundle = json.loads((shared_dir / SYNTHEA).read_text(encoding="utf-8"))
    response = sekmet.request("POST", "", bundle)
    assert response.status_code == 200, response.text[:2000]
    statuses = [e["response"]["status"] for e in response.json()["entry"]]
    assert statuses == ["201 Created"] * len(bundle["entry"])
    pid = next(
        e["resource"]["id"]
        for e in response.json()["entry"]
        if e["resource"]["resourceType"] == "Patient"
    )
    fetched = fetch_patient_resources(sekmet.base_url, pid, token=sekmet.token)
    wanted = {"Condition", "MedicationRequest", "Observation"}
    expected = sum(e["resource"]["resourceType"] in wanted for e in bundle["entry"])
    assert sum(r["resourceType"] in wanted for r in fetched) == expected
    via_server = import_fhir(fetched).record
    direct = import_fhir(bundle).record
    assert via_server.model_copy(update={"id": direct.id}) == direct
    assert [t.drug for t in via_server.treatments] == ["fluoxetine"]
    assert assess(via_server).trd.status == assess(direct).trd.status
