"""Scale and trial entry: validated one by one, each a visit in the record."""

from __future__ import annotations

import datetime as dt

from api_helpers import Api
from store_records import phq9

pytest_plugins = ["api_fixtures", "store_fixtures"]


def test_scales__add_list_delete(api: Api) -> None:
    pid = api.new_patient()
    alice = api.auth("alice")
    added = api.client.post(f"/api/patients/{pid}/scales", json=phq9("2026-11-01"), headers=alice)
    assert added.status_code == 201
    entry = added.json()
    assert entry["data"]["instrument"] == "phq9" and entry["position"] == 8
    listed = api.client.get(f"/api/patients/{pid}/scales", headers=alice).json()
    assert listed[-1]["id"] == entry["id"]
    gone = api.client.delete(f"/api/patients/{pid}/scales/{entry['id']}", headers=alice)
    assert gone.status_code == 204
    assert len(api.client.get(f"/api/patients/{pid}/scales", headers=alice).json()) == 8


def test_scales__later_visit_moves_assessed_on(api: Api) -> None:
    pid = api.new_patient()
    alice = api.auth("alice")
    day = min(dt.date.today(), dt.date(2026, 11, 20)).isoformat()
    api.client.post(f"/api/patients/{pid}/scales", json=phq9(day), headers=alice)
    record = api.client.get(f"/api/patients/{pid}", headers=alice).json()["record"]
    assert record["assessed_on"] == day


def test_scales__invalid_answer_names_the_item_and_writes_nothing(api: Api) -> None:
    pid = api.new_patient()
    before = api.counts()
    response = api.client.post(
        f"/api/patients/{pid}/scales",
        json=phq9("2026-10-01", [0, 0, 0, 0, 0, 0, 0, 0, 5]),
        headers=api.auth("alice"),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "items[8]",
            "message": "5 is not an allowed answer for PHQ-9 item 9 (allowed: 0-3, or null "
            "when missing)",
        }
    ]
    assert api.counts() == before
    assert api.events()[-1].outcome == "invalid"


def test_scales__unknown_key_and_future_date(api: Api) -> None:
    pid = api.new_patient()
    alice = api.auth("alice")
    typo = {**phq9("2026-10-01"), "itmes": [1]}
    response = api.client.post(f"/api/patients/{pid}/scales", json=typo, headers=alice)
    assert response.status_code == 422
    assert "did you mean 'items'" in response.json()["errors"][0]["message"]
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = api.client.post(f"/api/patients/{pid}/scales", json=phq9(future), headers=alice)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "date"


def test_scales__unknown_entry_is_404(api: Api) -> None:
    pid = api.new_patient()
    response = api.client.delete(f"/api/patients/{pid}/scales/nope", headers=api.auth("alice"))
    assert response.status_code == 404


def test_trials__add_correct_delete(api: Api) -> None:
    pid = api.new_patient()
    alice = api.auth("alice")
    trial = {"drug": "Lexapro", "dose_mg_per_day": 10, "start": "2026-10-01"}
    added = api.client.post(f"/api/patients/{pid}/trials", json=trial, headers=alice)
    assert added.status_code == 201 and added.json()["data"]["drug"] == "escitalopram"
    tid = added.json()["id"]
    fixed = {**added.json()["data"], "outcome": "ongoing", "adherence": "good"}
    put = api.client.put(f"/api/patients/{pid}/trials/{tid}", json=fixed, headers=alice)
    assert put.status_code == 200 and put.json()["data"]["outcome"] == "ongoing"
    assert put.json()["position"] == added.json()["position"]
    assert api.client.delete(f"/api/patients/{pid}/trials/{tid}", headers=alice).status_code == 204
    assert (
        api.client.put(f"/api/patients/{pid}/trials/{tid}", json=fixed, headers=alice).status_code
        == 404
    )


def test_trials__invalid_names_field(api: Api) -> None:
    pid = api.new_patient()
    before = api.counts()
    bad = {"drug": "sertraline", "procedure": "ect"}
    response = api.client.post(f"/api/patients/{pid}/trials", json=bad, headers=api.auth("alice"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "drug"
    assert api.counts() == before


def test_trials__request_body_must_be_object(api: Api) -> None:
    pid = api.new_patient()
    response = api.client.post(
        f"/api/patients/{pid}/trials",
        content=b"[]",
        headers={**api.auth("alice"), "content-type": "application/json"},
    )
    assert response.status_code == 422
