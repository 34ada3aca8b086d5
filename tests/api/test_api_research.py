"""The researcher's de-identified export, and health and admin routes."""

from __future__ import annotations

from api_helpers import PASSWORD, Api
from store_records import example_data

pytest_plugins = ["api_fixtures", "store_fixtures"]


def test_deidentified__researcher_gets_every_team_pseudonymised(api: Api) -> None:
    api.new_patient("alice")
    other = example_data("first-episode")
    api.new_patient("bob", other)
    response = api.client.get("/api/export/deidentified", headers=api.auth("rita"))
    assert response.status_code == 200
    body = response.json()
    assert body["format"] == "trdkit.deidentified-export/1"
    ids = [r["id"] for r in body["records"]]
    assert len(ids) == 2 and all(i.startswith("P-") for i in ids)
    text = response.text
    assert "demo-trd-01" not in text and other["id"] not in text
    # Each record's own dates moved (one patient's shifted date may equal another's real one).
    originals = {len(r["treatments"]): r for r in (example_data(), other)}
    for exported in body["records"]:
        original = originals[len(exported["treatments"])]
        real = [s["date"] for s in original["scales"]]
        moved = [s["date"] for s in exported["scales"]]
        assert len(moved) == len(real) and all(a != b for a, b in zip(moved, real, strict=True))
    last = api.events()[-1]
    assert (last.action, last.actor, last.detail) == ("export_deidentified", "rita", {"count": 2})


def test_deidentified__pseudonyms_stable_between_exports(api: Api) -> None:
    api.new_patient()
    first = api.client.get("/api/export/deidentified", headers=api.auth("rita")).json()
    second = api.client.get("/api/export/deidentified", headers=api.auth("root")).json()
    assert first["records"] == second["records"]


def test_health__needs_no_login(api: Api) -> None:
    body = api.client.get("/api/health").json()
    assert body["status"] == "ok" and body["schema_revision"] == "0002"
    assert body["database"] in ("sqlite", "postgresql")


def test_users__admin_lists_and_creates(api: Api) -> None:
    root = api.auth("root")
    assert {u["username"] for u in api.client.get("/api/users", headers=root).json()} == {
        "alice",
        "bob",
        "root",
        "rita",
    }
    new = {"username": "carol", "password": PASSWORD, "role": "clinician", "care_team": "team-a"}
    created = api.client.post("/api/users", json=new, headers=root)
    assert created.status_code == 201 and "password" not in created.text
    again = api.client.post("/api/users", json=new, headers=root)
    assert again.status_code == 409
    no_team = api.client.post(
        "/api/users", json={**new, "username": "dan", "care_team": None}, headers=root
    )
    assert no_team.status_code == 422 and no_team.json()["errors"][0]["field"] == "care_team"
    token = api.client.post("/api/auth/token", json={"username": "carol", "password": PASSWORD})
    assert token.status_code == 200


def test_audit__admin_reads_trail_filtered_by_resource(api: Api) -> None:
    pid = api.new_patient()
    api.client.get(f"/api/patients/{pid}", headers=api.auth("alice"))
    rows = api.client.get(f"/api/audit?resource_id={pid}", headers=api.auth("root")).json()
    assert [r["action"] for r in rows] == ["read", "create"]
    assert all(r["actor"] == "alice" for r in rows)
