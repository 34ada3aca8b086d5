"""Assessment runs, history, stored documents and report downloads; the stateless endpoint."""

from __future__ import annotations

import json

import jsonschema
import pytest
from api_helpers import Api
from store_records import example_data

from conftest import ROOT

pytest_plugins = ["api_fixtures", "store_fixtures"]

SCHEMA = json.loads((ROOT / "docs" / "schema" / "assessment.schema.json").read_text())


def test_run__stores_assessment_with_knowledge_stamp(api: Api) -> None:
    pid = api.new_patient()
    alice = api.auth("alice")
    response = api.client.post(f"/api/patients/{pid}/assessments", headers=alice)
    assert response.status_code == 201
    body = response.json()
    jsonschema.validate(body["assessment"], SCHEMA)
    assert body["trd_status"] == body["assessment"]["trd"]["status"] == "trd"
    assert body["knowledge_version"] == body["assessment"]["knowledge_version"]
    assert body["policy_id"] == "ema_2013"
    stored = api.client.get(f"/api/patients/{pid}/assessments/{body['id']}", headers=alice)
    assert stored.json()["assessment"] == body["assessment"]


def test_run__policy_and_date_are_applied(api: Api) -> None:
    pid = api.new_patient()
    response = api.client.post(
        f"/api/patients/{pid}/assessments?policy=mgh_atrq&assessed_on=2026-11-15",
        headers=api.auth("alice"),
    )
    assert response.status_code == 201
    assert response.json()["assessment"]["policy"]["id"] == "mgh_atrq"
    assert response.json()["assessed_on"] == "2026-11-15"
    assert api.events()[-1].detail == {"policy": "mgh_atrq"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("policy=nonsense", "query.policy"),
        ("policy=../../etc/passwd", "query.policy"),
        ("assessed_on=yesterday", "query.assessed_on"),
    ],
)
def test_run__bad_query_names_the_parameter(api: Api, query: str, field: str) -> None:
    pid = api.new_patient()
    response = api.client.post(
        f"/api/patients/{pid}/assessments?{query}", headers=api.auth("alice")
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert api.counts()["assessments"] == 0


def test_run__assessed_on_before_visits_is_422(api: Api) -> None:
    pid = api.new_patient()
    response = api.client.post(
        f"/api/patients/{pid}/assessments?assessed_on=2020-01-01", headers=api.auth("alice")
    )
    assert response.status_code == 422
    assert "after assessed_on" in response.json()["errors"][0]["message"]


def test_history__newest_first(api: Api) -> None:
    pid = api.new_patient()
    alice = api.auth("alice")
    first = api.client.post(f"/api/patients/{pid}/assessments", headers=alice).json()["id"]
    second = api.client.post(
        f"/api/patients/{pid}/assessments?policy=sforzini_2022", headers=alice
    ).json()["id"]
    rows = api.client.get(f"/api/patients/{pid}/assessments", headers=alice).json()
    assert [r["id"] for r in rows] == [second, first]
    assert "assessment" not in rows[0]


def test_read__unknown_assessment_is_404(api: Api) -> None:
    pid = api.new_patient()
    response = api.client.get(f"/api/patients/{pid}/assessments/nope", headers=api.auth("alice"))
    assert response.status_code == 404


def test_report__json_download_is_the_stored_document(api: Api) -> None:
    pid = api.new_patient()
    alice = api.auth("alice")
    run = api.client.post(f"/api/patients/{pid}/assessments", headers=alice).json()
    response = api.client.get(
        f"/api/patients/{pid}/assessments/{run['id']}/report?format=json", headers=alice
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    assert response.json() == run["assessment"]
    assert api.events()[-1].detail == {"format": "json"}


@pytest.mark.parametrize(
    ("fmt", "media", "magic"), [("html", "text/html", b"<"), ("pdf", "application/pdf", b"%PDF")]
)
def test_report__renders_html_and_pdf(sqlite_api: Api, fmt: str, media: str, magic: bytes) -> None:
    # Rendering does not touch the database: one back end is enough (PDF takes seconds).
    api = sqlite_api
    pid = api.new_patient()
    alice = api.auth("alice")
    aid = api.client.post(f"/api/patients/{pid}/assessments", headers=alice).json()["id"]
    response = api.client.get(
        f"/api/patients/{pid}/assessments/{aid}/report?format={fmt}", headers=alice
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.content.lstrip().startswith(magic)
    assert api.events()[-1].detail == {"format": fmt}


def test_report__missing_renderer_is_406(sqlite_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from trdkit.api.routes import assessments

    api = sqlite_api
    monkeypatch.setitem(assessments._RENDERERS, "pdf", ("trdkit.render.nonexistent", "render_pdf"))
    pid = api.new_patient()
    alice = api.auth("alice")
    aid = api.client.post(f"/api/patients/{pid}/assessments", headers=alice).json()["id"]
    response = api.client.get(
        f"/api/patients/{pid}/assessments/{aid}/report?format=pdf", headers=alice
    )
    assert response.status_code == 406
    assert "format=json" in response.json()["detail"]


def test_stateless_assess__returns_assessment_and_stores_only_the_audit_event(api: Api) -> None:
    before = api.counts()
    events = len(api.events())
    response = api.client.post("/api/assess", json=example_data(), headers=api.auth("alice"))
    assert response.status_code == 200
    jsonschema.validate(response.json(), SCHEMA)
    assert response.json()["patient_id"] == "demo-trd-01"
    assert api.counts() == before
    new = api.events()[events:]
    assert [(e.action, e.resource_type, e.outcome) for e in new] == [
        ("assess", "record", "success")
    ]


def test_stateless_assess__invalid_record_names_field(api: Api) -> None:
    data = example_data()
    data["sex"] = "F"
    response = api.client.post("/api/assess", json=data, headers=api.auth("alice"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sex"
