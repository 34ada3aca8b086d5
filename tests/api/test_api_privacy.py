"""Every read and write of patient data is an audit event, and no patient data reaches the
audit trail, the logs or an error response."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Api
from store_records import example_data, phq9

pytest_plugins = ["api_fixtures", "store_fixtures"]

VCF = "data/pgx/examples/pcat_docs_example/input.vcf"
FILE_NAME = "Jane_Q_Public_genome.vcf"


def _record() -> dict[str, Any]:
    data = example_data()
    data["id"] = "MRN-9731-JQP"
    data["allergies"] = ["penicillin"]
    data["history"]["diagnoses"] = [{"system": "icd10cm", "code": "F33.2", "display": "Jane Q"}]
    return data


def _patient_strings(data: dict[str, Any]) -> set[str]:
    """Distinctive values of the record that must not leak (ids, names, dates, drugs)."""
    values = {data["id"], "Jane", "penicillin", FILE_NAME, "Sample_1"}
    values |= {s["date"] for s in data["scales"]}
    values |= {t["drug"] for t in data["treatments"] if "drug" in t}
    values |= {t["start"] for t in data["treatments"] if "start" in t}
    return values


def _workflow(api: Api, shared_dir: Path) -> tuple[list[tuple[str, str]], str]:
    """Run every patient-data route once as alice; returns (method+path, request id) pairs."""
    alice = api.auth("alice")
    seen: list[tuple[str, str]] = []

    def call(method: str, path: str, **kw: Any) -> Any:
        response = api.client.request(
            method, path, headers={**alice, **kw.pop("headers", {})}, **kw
        )
        assert response.status_code < 300, (method, path, response.text)
        seen.append((f"{method} {path}", response.headers["x-request-id"]))
        return response

    pid = call("POST", "/api/patients", json=_record()).json()["id"]
    call("GET", "/api/patients")
    call("GET", f"/api/patients/{pid}")
    call("PUT", f"/api/patients/{pid}", json=_record())
    sid = call("POST", f"/api/patients/{pid}/scales", json=phq9("2026-11-01")).json()["id"]
    call("GET", f"/api/patients/{pid}/scales")
    call("DELETE", f"/api/patients/{pid}/scales/{sid}")
    tid = call("POST", f"/api/patients/{pid}/trials", json={"drug": "bupropion"}).json()["id"]
    call(
        "PUT", f"/api/patients/{pid}/trials/{tid}", json={"drug": "bupropion", "outcome": "ongoing"}
    )
    call("GET", f"/api/patients/{pid}/trials")
    call("DELETE", f"/api/patients/{pid}/trials/{tid}")
    vcf = (shared_dir / VCF).read_bytes()
    call("POST", f"/api/patients/{pid}/genotypes", files={"file": (FILE_NAME, vcf, "text/plain")})
    call("GET", f"/api/patients/{pid}/genotypes")
    aid = call("POST", f"/api/patients/{pid}/assessments").json()["id"]
    call("GET", f"/api/patients/{pid}/assessments")
    call("GET", f"/api/patients/{pid}/assessments/{aid}")
    call("GET", f"/api/patients/{pid}/assessments/{aid}/report?format=json")
    call("GET", f"/api/patients/{pid}/export")
    call("POST", "/api/assess", json=_record())
    other = {**_record(), "id": "MRN-1111-JQP"}
    call(
        "POST",
        "/api/patients/import",
        content=json.dumps(other),
        headers={"content-type": "application/json"},
    )
    call("DELETE", f"/api/patients/{pid}")
    return seen, pid


def test_audit__every_patient_data_request_has_its_event(api: Api, shared_dir: Path) -> None:
    seen, _ = _workflow(api, shared_dir)
    by_request = {e.request_id: e for e in api.events() if e.request_id}
    missing = [what for what, rid in seen if rid not in by_request]
    assert missing == []
    assert all(by_request[rid].actor == "alice" for _, rid in seen)
    assert all(by_request[rid].outcome == "success" for _, rid in seen)
    actions = {by_request[rid].action for _, rid in seen}
    assert {
        "create",
        "list",
        "read",
        "update",
        "delete",
        "upload",
        "assess",
        "report",
        "export",
        "import",
    } <= actions


def test_audit__trail_holds_no_patient_data(api: Api, shared_dir: Path) -> None:
    _workflow(api, shared_dir)
    api.client.get("/api/patients/MRN-9731-JQP", headers=api.auth("bob"))  # an id typed in a URL
    trail = json.dumps(
        [
            [e.actor, e.action, e.resource_type, e.resource_id, e.outcome, e.detail]
            for e in api.events()
        ]
    )
    leaked = sorted(s for s in _patient_strings(_record()) if s in trail)
    assert leaked == []


def test_logs__hold_no_patient_data(
    api: Api, shared_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _workflow(api, shared_dir)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert sorted(s for s in _patient_strings(_record()) if s in text) == []


def test_unexpected_error__500_problem_without_message_or_traceback(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from trdkit.api.routes import patients

    pid = api.new_patient(data=_record())

    def explode(_patient: object) -> object:
        raise ValueError("cannot read MRN-9731-JQP (Jane Q, penicillin)")

    monkeypatch.setattr(patients, "patient_record", explode)
    caplog.set_level(logging.DEBUG)
    response = api.client.get(f"/api/patients/{pid}", headers=api.auth("alice"))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["request_id"] == response.headers["x-request-id"]
    assert "MRN" not in response.text and "Jane" not in response.text
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert f"unhandled ValueError in request {body['request_id']}" in logged
    assert "MRN" not in logged and "Jane" not in logged
    assert all(r.exc_info is None for r in caplog.records)
