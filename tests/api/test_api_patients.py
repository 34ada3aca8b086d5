"""Patients CRUD, care-team isolation and validation that names the field."""

from __future__ import annotations

import pytest
from api_helpers import Api
from store_records import example_data, phq9

pytest_plugins = ["api_fixtures", "store_fixtures"]


def test_create__returns_record_and_entry_ids(api: Api) -> None:
    data = example_data()
    response = api.client.post("/api/patients", json=data, headers=api.auth("alice"))
    assert response.status_code == 201
    body = response.json()
    assert body["care_team"] == "team-a" and body["record_id"] == data["id"]
    assert body["record"]["format"] == "trdkit.patient/1"
    assert len(body["scale_ids"]) == len(data["scales"])
    assert len(body["trial_ids"]) == len(data["treatments"])


def test_list__shows_own_team_with_latest_status_and_phq9(api: Api) -> None:
    pid = api.new_patient("alice")
    api.new_patient("bob")
    api.client.post(f"/api/patients/{pid}/assessments", headers=api.auth("alice"))
    rows = api.client.get("/api/patients", headers=api.auth("alice")).json()
    assert [r["id"] for r in rows] == [pid]
    assert rows[0]["trd_status"] == "trd"
    assert rows[0]["last_phq9"]["date"] == "2026-10-30" and rows[0]["last_phq9"]["total"] == 19
    assert len(api.client.get("/api/patients", headers=api.auth("root")).json()) == 2


def test_read_replace_delete__own_patient(api: Api) -> None:
    pid = api.new_patient()
    alice = api.auth("alice")
    got = api.client.get(f"/api/patients/{pid}", headers=alice).json()
    changed = {**got["record"], "age": 47}
    put = api.client.put(f"/api/patients/{pid}", json=changed, headers=alice)
    assert put.status_code == 200 and put.json()["record"]["age"] == 47
    assert api.client.delete(f"/api/patients/{pid}", headers=alice).status_code == 204
    assert api.client.get(f"/api/patients/{pid}", headers=alice).status_code == 404
    assert all(v == 0 for v in api.counts().values())


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PUT", "", example_data()),
        ("DELETE", "", None),
        ("GET", "/scales", None),
        ("POST", "/scales", phq9("2026-10-01")),
        ("GET", "/trials", None),
        ("POST", "/trials", {"drug": "sertraline"}),
        ("GET", "/genotypes", None),
        ("GET", "/assessments", None),
        ("POST", "/assessments", None),
        ("GET", "/export", None),
    ],
)
def test_cross_team__every_route_answers_404_and_audits_denial(
    api: Api, method: str, suffix: str, body: object
) -> None:
    pid = api.new_patient("alice")
    before = api.counts()
    response = api.client.request(
        method, f"/api/patients/{pid}{suffix}", json=body, headers=api.auth("bob")
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "no such patient in your care team"
    assert api.counts() == before
    last = api.events()[-1]
    assert (last.actor, last.outcome, last.resource_id) == ("bob", "denied", pid)
    assert last.detail == {"reason": "other_team"}


def test_cross_team__entry_routes_of_other_team_refused(api: Api) -> None:
    pid = api.new_patient("alice")
    alice = api.auth("alice")
    scale_id = api.client.get(f"/api/patients/{pid}/scales", headers=alice).json()[0]["id"]
    assert (
        api.client.delete(f"/api/patients/{pid}/scales/{scale_id}", headers=api.auth("bob"))
    ).status_code == 404
    assert len(api.client.get(f"/api/patients/{pid}/scales", headers=alice).json()) == 8


def test_cross_team__unknown_id_is_the_same_404_without_resource(api: Api) -> None:
    response = api.client.get("/api/patients/not-a-patient", headers=api.auth("bob"))
    assert response.status_code == 404
    last = api.events()[-1]
    assert last.outcome == "not_found" and last.resource_id is None


def test_create__clinician_cannot_create_for_another_team(api: Api) -> None:
    response = api.client.post(
        "/api/patients?care_team=team-b", json=example_data(), headers=api.auth("alice")
    )
    assert response.status_code == 403
    assert api.counts()["patients"] == 0


def test_create__admin_must_name_the_team(api: Api) -> None:
    root = api.auth("root")
    missing = api.client.post("/api/patients", json=example_data(), headers=root)
    assert missing.status_code == 422
    ok = api.client.post("/api/patients?care_team=team-b", json=example_data(), headers=root)
    assert ok.status_code == 201 and ok.json()["care_team"] == "team-b"
    bob = api.client.get("/api/patients", headers=api.auth("bob")).json()
    assert [p["id"] for p in bob] == [ok.json()["id"]]


def test_create__duplicate_record_id_is_409(api: Api) -> None:
    api.new_patient()
    response = api.client.post("/api/patients", json=example_data(), headers=api.auth("alice"))
    assert response.status_code == 409
    assert api.counts()["patients"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["scales"][0]["items"].__setitem__(2, 4), "scales[0].items[2]"),
        (lambda d: d.__setitem__("agee", 40), "agee"),
        (lambda d: d["treatments"][1].__setitem__("drug", "notadrug"), "treatments[1].drug"),
        (
            lambda d: d["current_episode"].__setitem__("onset", "2026-02-30"),
            "current_episode.onset",
        ),
    ],
    ids=["item-range", "unknown-key", "unknown-drug", "impossible-date"],
)
def test_create__invalid_record_names_field_and_writes_nothing(
    api: Api, change: object, field: str
) -> None:
    data = example_data()
    change(data)  # type: ignore[operator]
    before = api.counts()
    response = api.client.post("/api/patients", json=data, headers=api.auth("alice"))
    assert response.status_code == 422
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert body["type"] == "urn:trdkit:problem:validation"
    assert field in [e["field"] for e in body["errors"]]
    assert api.counts() == before
    assert api.events()[-1].outcome == "invalid"


def test_replace__invalid_record_keeps_the_old_one(api: Api) -> None:
    pid = api.new_patient()
    alice = api.auth("alice")
    old = api.client.get(f"/api/patients/{pid}", headers=alice).json()["record"]
    bad = {**old, "age": -3}
    response = api.client.put(f"/api/patients/{pid}", json=bad, headers=alice)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "age"
    assert api.client.get(f"/api/patients/{pid}", headers=alice).json()["record"] == old


def test_create__body_not_an_object_is_422(api: Api) -> None:
    response = api.client.post("/api/patients", json=[1, 2], headers=api.auth("alice"))
    assert response.status_code == 422
    assert response.json()["errors"]
