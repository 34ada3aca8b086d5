"""Prefetch left out: the patient is read from fhirServer with the EHR's token, or 412."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
from cds_ehr import FHIR_BASE, FHIR_TOKEN, MockEhr, assert_cards_valid
from cds_patients import hook_body, patient_resources, prefetch_for

from trdkit.cdshooks.prefetch import render_template
from trdkit.store.models import AuditEvent

pytest_plugins = ["cds_fixtures", "api_fixtures", "store_fixtures"]

SERVICE = "trdkit-patient-view"


def _kinds(cards: list[dict[str, object]]) -> list[object]:
    return [c["source"]["topic"]["code"] for c in cards]  # type: ignore[index]


def test_no_prefetch__fetched_from_fhir_server_with_token(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("phenelzine")
    ehr.server.patients[patient_id] = resources
    body = hook_body("patient-view", patient_id, fhir_server=FHIR_BASE, token=FHIR_TOKEN)
    response = ehr.call(SERVICE, body)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert_cards_valid(cards)
    assert _kinds(cards)[:2] == ["suicide_risk", "trd_status"]
    assert cards[0]["indicator"] == "critical"
    sent = ehr.server.fhir_requests()
    assert sent and all(r.headers["authorization"] == f"Bearer {FHIR_TOKEN}" for r in sent)
    paths = [urlsplit(str(r.url)).path for r in sent]
    assert paths[0] == f"/r4/Patient/{patient_id}"
    # Four MedicationStatements, two a page: the next link was followed.
    assert paths.count("/r4/MedicationStatement") == 2


def test_partial_prefetch__only_missing_data_triggers_fetch(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("phenelzine")
    ehr.server.patients[patient_id] = resources
    prefetch = prefetch_for(resources, leave_out=("observations",))
    body = hook_body(
        "patient-view", patient_id, prefetch=prefetch, fhir_server=FHIR_BASE, token=FHIR_TOKEN
    )
    cards = ehr.call(SERVICE, body).json()["cards"]
    assert ehr.server.fhir_requests()
    assert "data_gap" not in _kinds(cards)
    assert cards[0]["indicator"] == "critical"


def test_full_prefetch__fhir_server_not_called(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("phenelzine")
    body = hook_body(
        "patient-view",
        patient_id,
        prefetch=prefetch_for(resources),
        fhir_server=FHIR_BASE,
        token=FHIR_TOKEN,
    )
    assert ehr.call(SERVICE, body).status_code == 200
    assert ehr.server.fhir_requests() == []


def test_server_unreachable__cards_from_prefetch_with_data_gap(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("phenelzine")
    prefetch = prefetch_for(resources, leave_out=("medication_requests",))
    body = hook_body(
        "patient-view",
        patient_id,
        prefetch=prefetch,
        fhir_server="https://down.test/fhir",
        token=FHIR_TOKEN,
    )
    response = ehr.call(SERVICE, body)
    assert response.status_code == 200
    cards = response.json()["cards"]
    assert _kinds(cards)[0] == "suicide_risk"
    gap = cards[-1]
    assert gap["source"]["topic"]["code"] == "data_gap"
    assert "medication_requests" in gap["detail"] and "not reachable" in gap["detail"]


def test_server_unreachable_and_no_prefetch__412(ehr_db: MockEhr) -> None:
    body = hook_body("patient-view", "p-412", fhir_server="https://down.test/fhir", token="t")
    response = ehr_db.call(SERVICE, body)
    assert response.status_code == 412
    problem = response.json()
    assert problem["status"] == 412 and "could not be obtained" in problem["detail"]
    assert response.headers["access-control-allow-origin"] == "*"
    with ehr_db.api.store.transaction() as session:
        (event,) = session.query(AuditEvent).filter_by(resource_type="cds:patient-view").all()
        assert event.outcome == "invalid" and event.actor == "cds:ehr-one"


def test_no_prefetch_and_no_fhir_server__412(ehr: MockEhr) -> None:
    response = ehr.call(SERVICE, hook_body("patient-view", "p-none"))
    assert response.status_code == 412
    assert "no fhirServer" in response.json()["detail"]


def test_wrong_fhir_token__412_not_500(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("phenelzine")
    ehr.server.patients[patient_id] = resources
    body = hook_body("patient-view", patient_id, fhir_server=FHIR_BASE, token="stale")
    response = ehr.call(SERVICE, body)
    assert response.status_code == 412
    assert "401" in response.json()["detail"]


def test_plain_http_fhir_server__not_read(ehr: MockEhr) -> None:
    body = hook_body("patient-view", "p-http", fhir_server="http://fhir.test/r4", token="t")
    response = ehr.call(SERVICE, body)
    assert response.status_code == 412
    assert "not https" in response.json()["detail"]
    assert ehr.server.fhir_requests() == []


def test_success__audited_with_hashed_patient(ehr_db: MockEhr) -> None:
    patient_id, resources = patient_resources("phenelzine")
    body = hook_body("patient-view", patient_id, prefetch=prefetch_for(resources))
    assert ehr_db.call(SERVICE, body).status_code == 200
    assert ehr_db.call(SERVICE, body).status_code == 200
    with ehr_db.api.store.transaction() as session:
        events = session.query(AuditEvent).filter_by(resource_type="cds:patient-view").all()
    assert [(e.actor, e.action, e.outcome) for e in events] == [
        ("cds:ehr-one", "assess", "success")
    ] * 2
    first, second = events
    assert first.resource_id == second.resource_id and len(first.resource_id or "") == 32
    assert patient_id not in (first.resource_id or "")
    assert first.detail["count"] >= 3


def _read_all(http: httpx.Client, url: str | None) -> dict[str, Any] | None:
    """What an EHR does for a prefetch key: the whole search, pages joined."""
    headers = {"Authorization": f"Bearer {FHIR_TOKEN}"}
    joined: dict[str, Any] | None = None
    while url is not None:
        answer = http.get(url, headers=headers)
        if answer.status_code != 200:
            return None
        page = answer.json()
        if page["resourceType"] != "Bundle":
            return dict(page)
        if joined is None:
            joined = {"resourceType": "Bundle", "type": "searchset", "entry": []}
        joined["entry"] += page.get("entry", [])
        url = next((x["url"] for x in page.get("link", []) if x["relation"] == "next"), None)
    return joined


def test_paged_prefetch__rest_read_from_fhir_server(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("phenelzine")
    ehr.server.patients[patient_id] = resources
    prefetch = prefetch_for(resources)
    prefetch["medication_statements"]["link"] = [
        {
            "relation": "next",
            "url": f"{FHIR_BASE}/MedicationStatement?patient={patient_id}&_offset=2",
        }
    ]
    body = hook_body(
        "patient-view", patient_id, prefetch=prefetch, fhir_server=FHIR_BASE, token=FHIR_TOKEN
    )
    assert ehr.call(SERVICE, body).status_code == 200
    assert ehr.server.fhir_requests()


def test_mock_ehr__resolves_discovery_templates_into_prefetch(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("fluoxetine")
    ehr.server.patients[patient_id] = resources
    services = ehr.api.client.get("/cds-services").json()["services"]
    templates = next(s for s in services if s["id"] == SERVICE)["prefetch"]
    context = {"patientId": patient_id, "userId": "Practitioner/dr-1"}
    prefetch: dict[str, Any] = {}
    with httpx.Client(transport=httpx.MockTransport(ehr.server)) as http:
        for key, template in templates.items():
            query = render_template(template, context)
            assert query is not None
            found = _read_all(http, f"{FHIR_BASE}/{query}")
            if found is not None:
                prefetch[key] = found
    asked = len(ehr.server.fhir_requests())
    body = hook_body("patient-view", patient_id, prefetch=prefetch, fhir_server=FHIR_BASE)
    response = ehr.call(SERVICE, body)
    assert response.status_code == 200
    assert _kinds(response.json()["cards"])[:2] == ["suicide_risk", "trd_status"]
    assert len(ehr.server.fhir_requests()) == asked
