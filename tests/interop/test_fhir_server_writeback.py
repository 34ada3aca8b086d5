"""Write-back against a real FHIR server (sekmet, ``fhir_server_fixtures.py``).

The synthetic patient is loaded, imported, then assessed with ``trdkit assess --fhir-server URL
--patient ID -f fhir --fhir-write-back`` twice. Reading the patient again gives the same record
as the first import (no duplicate trials or scales), the server holds exactly one set of
conclusions (the second run replaced the first), and every reference of the conclusions resolves
to the EHR's own resources. A conclusion of the same assessment that a run no longer produces is
deleted; a trdkit export used as the EHR's data gets its failed trials linked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from fhir_server_data import ids, put_all, references, synthetic_patient, tag
from typer.testing import CliRunner, Result

from conftest import EXAMPLES
from trdkit import assess, load_record
from trdkit.cli import app
from trdkit.interop import import_fhir
from trdkit.interop.fhir_client import fetch_patient_resources
from trdkit.interop.fhir_codes import tag_system
from trdkit.interop.fhir_import import FhirImport
from trdkit.interop.fhir_write import post_write_back
from trdkit.render.fhir import render_fhir

if TYPE_CHECKING:  # imported by pytest as a plugin; importing it here first defeats that
    from fhir_server_fixtures import SekmetServer

pytest_plugins = ["fhir_server_fixtures"]

runner = CliRunner()
PID = "trd-writeback-1"
KINDS = ("Condition", "DiagnosticReport", "Observation")


@dataclass
class Trip:
    """The synthetic patient: first import, two write-back runs, and the import after them."""

    first: FhirImport
    runs: list[Result]
    again: FhirImport

    @property
    def bundle(self) -> dict[str, Any]:
        sent: dict[str, Any] = json.loads(self.runs[-1].stdout)
        return sent


def _write_back(server: SekmetServer, pid: str) -> Result:
    args = ["assess", "--fhir-server", server.base_url, "--patient", pid, "-f", "fhir"]
    return runner.invoke(app, [*args, "--fhir-write-back", "--fhir-token", server.token])


def _read(server: SekmetServer, pid: str) -> FhirImport:
    return import_fhir(fetch_patient_resources(server.base_url, pid, token=server.token))


def _conclusions(server: SekmetServer, pid: str) -> list[dict[str, Any]]:
    wanted = f"{tag_system()}|conclusion"
    return [r for kind in KINDS for r in server.search(kind, patient=pid, _tag=wanted)]


@pytest.fixture(scope="module")
def trip(sekmet: SekmetServer) -> Trip:
    put_all(sekmet, synthetic_patient(PID))
    first = _read(sekmet, PID)
    runs = [_write_back(sekmet, PID) for _ in range(2)]
    return Trip(first, runs, _read(sekmet, PID))


def test_fhir_server_writeback__second_run_replaces_the_first(trip: Trip) -> None:
    first, second = trip.runs
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert first.stdout == second.stdout
    entries = len(trip.bundle["entry"])
    assert f"wrote {entries} conclusion resource(s) for Patient/{PID}" in first.stderr
    assert f"{entries} x 201 Created" in first.stderr
    assert f"{entries} x 200 OK" in second.stderr
    assert "deleted" not in second.stderr


def test_fhir_server_writeback__reimport_gives_the_first_record(trip: Trip) -> None:
    assert trip.again.record == trip.first.record
    assert len(trip.again.record.treatments) == 2
    assert len(trip.again.record.scales) == 4
    ignored = {i for e in trip.again.report if e.status == "ignored" for i in e.ids}
    observations = {
        e["resource"]["id"]
        for e in trip.bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    assert observations <= ignored
    assert assess(trip.again.record).trd == assess(trip.first.record).trd


def test_fhir_server_writeback__server_holds_exactly_one_set(
    sekmet: SekmetServer, trip: Trip
) -> None:
    stored = _conclusions(sekmet, PID)
    assert ids(stored) == ids([e["resource"] for e in trip.bundle["entry"]])
    assert sum(r["resourceType"] == "DiagnosticReport" for r in stored) == 1
    record_copies = [
        r for kind in KINDS for r in sekmet.search(kind, patient=PID) if tag(r) == "record"
    ]
    assert record_copies == []


def test_fhir_server_writeback__references_resolve_to_the_ehr_resources(
    sekmet: SekmetServer, trip: Trip
) -> None:
    stored = _conclusions(sekmet, PID)
    own = {f"{r['resourceType']}/{r['id']}" for r in stored}
    ehr = {f"{r['resourceType']}/{r['id']}" for r in synthetic_patient(PID)}
    targets = {ref for r in stored for ref in references(r)}
    assert not {t for t in targets if t.startswith("urn:")}
    assert targets - own <= ehr
    assert {
        f"QuestionnaireResponse/{PID}-phq9-qr",
        f"Observation/{PID}-cyp2c19",
        f"Patient/{PID}",
    } <= targets
    for ref in sorted(targets):
        response = sekmet.request("GET", ref)
        assert response.status_code == 200, ref
        assert (tag(response.json()) == "conclusion") == (ref in own), ref


def test_fhir_server_writeback__stale_conclusion_of_the_same_assessment_is_deleted(
    sekmet: SekmetServer, trip: Trip
) -> None:
    written = [e["resource"] for e in trip.bundle["entry"]]
    template = next(r for r in written if r["resourceType"] == "Observation")
    stale = {**template, "id": "trdkit-stale-1"}
    assert sekmet.request("PUT", "Observation/trdkit-stale-1", stale).status_code == 201
    ehr_before = [r for r in sekmet.search("Observation", patient=PID) if tag(r) is None]
    outcome = post_write_back(sekmet.base_url, trip.bundle, token=sekmet.token)
    deleted = [(m, u, s[:1]) for m, u, s in outcome.entries if m == "DELETE"]
    assert deleted == [("DELETE", "Observation/trdkit-stale-1", "2")]  # sekmet answers 200 OK
    assert sekmet.request("GET", "Observation/trdkit-stale-1").status_code in (404, 410)
    assert ids(_conclusions(sekmet, PID)) == ids([e["resource"] for e in trip.bundle["entry"]])
    assert [r for r in sekmet.search("Observation", patient=PID) if tag(r) is None] == ehr_before


def test_fhir_server_writeback__trdkit_export_as_ehr_data_links_failed_trials(
    sekmet: SekmetServer,
) -> None:
    record = load_record(next(p for p in EXAMPLES if p.stem == "trd-with-genotypes"))
    export = json.loads(render_fhir(assess(record), record))
    sekmet.transaction(
        [
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
    )
    pid = next(
        e["resource"]["id"] for e in export["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    result = _write_back(sekmet, pid)
    assert result.exit_code == 0, result.output
    status = next(
        r
        for r in sekmet.search("Observation", patient=pid, _tag=f"{tag_system()}|conclusion")
        if r["code"]["coding"][0]["code"] == "trd-status"
        and r["id"] in {e["resource"]["id"] for e in json.loads(result.stdout)["entry"]}
    )
    failed = [e["valueReference"]["reference"] for e in status["extension"]]
    assert len(failed) == 3
    for ref in failed:
        trial = sekmet.request("GET", ref).json()
        assert (trial["resourceType"], tag(trial)) == ("MedicationStatement", "record")
    assert _read(sekmet, pid).record == record
