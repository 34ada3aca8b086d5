"""The patient list, a new patient, the overview and the intake form."""

from __future__ import annotations

from web_a11y import a11y_problems
from web_helpers import Api, Web, phq9

from trdkit.store.models import Patient

pytest_plugins = ["web_fixtures", "api_fixtures", "store_fixtures"]

INTAKE = {
    "id": "WEB-001",
    "age": "41",
    "sex": "female",
    "assessed_on": "2026-06-01",
    "current_episode.onset": "2026-01-10",
    "current_episode.symptoms.depressed_mood": "yes",
    "current_episode.symptoms.anhedonia": "yes",
    "current_episode.symptoms.fatigue": "no",
    "current_episode.functional_impairment": "yes",
    "history.prior_episodes[0].start": "2019-03-01",
    "history.prior_episodes[0].end": "2019-09-01",
    "current_medications": "sertraline, Wellbutrin",
}


def _stored(api: Api, patient_id: str) -> dict[str, object]:
    response = api.client.get(f"/api/patients/{patient_id}", headers=api.auth("root"))
    record: dict[str, object] = response.json()["record"]
    return record


def test_list__own_team_with_trd_status_and_last_phq9(web: Web) -> None:
    mine = web.patient("alice")
    web.patient("bob")
    web.api.client.post(f"/api/patients/{mine}/assessments", headers=web.api.auth("alice"))
    response = web.browser("alice").get("/patients")
    assert response.status_code == 200
    assert response.text.count('href="/patients/') - response.text.count("/patients/new") == 1
    assert f"/patients/{mine}" in response.text
    assert ">trd<" in response.text
    assert "19 (moderately severe) on" in response.text and "2026-10-30" in response.text
    assert a11y_problems(response.text) == []
    listed = [e for e in web.api.events() if e.action == "list"]
    assert listed[-1].actor == "alice" and listed[-1].detail == {"count": 1}


def test_new__intake_form_is_accessible_and_names_symptoms_from_the_table(web: Web) -> None:
    response = web.browser("alice").get("/patients/new")
    assert response.status_code == 200
    assert a11y_problems(response.text) == []
    assert "A2 markedly diminished interest or pleasure" in response.text
    assert 'name="care_team"' not in response.text


def test_create__stores_the_record_and_audits(web: Web) -> None:
    client = web.browser("alice")
    response = client.post("/patients", data={**INTAKE, "csrf_token": web.csrf(client)})
    assert response.status_code == 303
    pid = response.headers["location"].rsplit("/", 1)[1]
    record = _stored(web.api, pid)
    assert record["current_medications"] == ["sertraline", "bupropion"]
    episode = record["current_episode"]
    assert isinstance(episode, dict)
    assert episode["symptoms"] == {"depressed_mood": True, "anhedonia": True, "fatigue": False}
    assert record["history"] == {"prior_episodes": [{"start": "2019-03-01", "end": "2019-09-01"}]}
    created = [e for e in web.api.events() if e.action == "create"]
    assert created[-1].resource_type == "patient" and created[-1].resource_id == pid
    with web.api.store.transaction() as session:
        assert session.get(Patient, pid).care_team == "team-a"  # type: ignore[union-attr]


def test_create__validation_errors_name_the_field_and_allowed_values(web: Web) -> None:
    client = web.browser("alice")
    before = web.api.counts()
    data = {**INTAKE, "sex": "alien", "age": "200", "csrf_token": web.csrf(client)}
    response = client.post("/patients", data=data)
    assert response.status_code == 422
    text = response.text
    assert 'id="f-sex-error"' in text and "Sex:" in text and "female" in text and "male" in text
    assert 'id="f-age-error"' in text and "less than or equal to 125" in text
    assert 'aria-invalid="true"' in text and 'href="#f-sex"' in text
    assert 'value="WEB-001"' in text  # what was typed stays in the form
    assert web.api.counts() == before
    assert web.api.events()[-1].outcome == "invalid"
    assert a11y_problems(text) == []


def test_create__duplicate_record_id_is_shown_on_the_id_field(web: Web) -> None:
    client = web.browser("alice")
    client.post("/patients", data={**INTAKE, "csrf_token": web.csrf(client)})
    response = client.post("/patients", data={**INTAKE, "csrf_token": web.csrf(client)})
    assert response.status_code == 422
    assert 'id="f-id-error"' in response.text and "already has a patient" in response.text


def test_create__admin_names_the_care_team(web: Web) -> None:
    client = web.browser("root")
    assert 'name="care_team"' in client.get("/patients/new").text
    response = client.post("/patients", data={**INTAKE, "csrf_token": web.csrf(client)})
    assert response.status_code == 422, response.text
    assert 'id="f-care-team-error"' in response.text, response.text[response.text.find("<main") :]
    data = {**INTAKE, "care_team": "team-b", "csrf_token": web.csrf(client)}
    response = client.post("/patients", data=data)
    assert response.status_code == 303
    assert "WEB-001" in web.browser("bob").get("/patients").text


def test_overview__shows_record_latest_scores_and_audits_the_read(web: Web) -> None:
    pid = web.patient()
    response = web.browser("alice").get(f"/patients/{pid}")
    assert response.status_code == 200
    assert "PHQ-9" in response.text and "Not assessed yet." in response.text
    assert a11y_problems(response.text) == []
    reads = [(e.action, e.resource_type) for e in web.api.events() if e.resource_id == pid]
    assert ("read", "patient") in reads and ("read", "assessment") in reads


def test_intake__edit_changes_the_form_fields_and_keeps_the_rest(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    page = client.get(f"/patients/{pid}/intake")
    assert page.status_code == 200 and a11y_problems(page.text) == []
    assert 'name="history.prior_episodes[0].start"' in page.text
    before = _stored(web.api, pid)
    data = {
        **INTAKE,
        "id": before["id"],
        "assessed_on": before["assessed_on"],
        "current_episode.onset": "",
        "current_episode.duration_months": "14",
        "csrf_token": web.csrf(client),
    }
    response = client.post(f"/patients/{pid}/intake", data=data)
    assert response.status_code == 303, response.text
    after = _stored(web.api, pid)
    assert after["scales"] == before["scales"] and after["treatments"] == before["treatments"]
    assert after["genetics"] == before["genetics"]
    episode = after["current_episode"]
    assert isinstance(episode, dict) and episode["duration_months"] == 14
    assert "onset" not in episode
    ours = [e.action for e in web.api.events() if e.resource_id == pid and e.actor == "alice"]
    assert ours[-1] == "update"


def test_intake__invalid_edit_writes_nothing(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    before = _stored(web.api, pid)
    data = {
        "id": before["id"],
        "assessed_on": "2026-01-01",
        "csrf_token": web.csrf(client),
    }
    response = client.post(f"/patients/{pid}/intake", data=data)
    assert response.status_code == 422
    assert "is after assessed_on" in response.text
    assert _stored(web.api, pid) == before


def test_other_team__pages_answer_404_and_are_audited(web: Web) -> None:
    pid = web.patient("alice")
    client = web.browser("bob")
    for path in ("", "/intake", "/visits", "/trials", "/genotypes", "/assessments"):
        response = client.get(f"/patients/{pid}{path}")
        assert response.status_code == 404, path
        assert "no such patient in your care team" in response.text
    response = client.post(
        f"/patients/{pid}/visits",
        data={**phq9("2026-01-01"), "csrf_token": web.csrf(client)},
    )
    assert response.status_code == 404
    denied = [e for e in web.api.events() if e.outcome == "denied" and e.resource_id == pid]
    assert len(denied) == 7 and all(e.detail == {"reason": "other_team"} for e in denied)
    assert "trd-with" not in client.get("/patients").text


def test_list__fhir_patient_link_opens_own_patient_only(web: Web) -> None:
    mine = web.patient("alice")
    record_id = _stored(web.api, mine)["id"]
    own = web.browser("alice").get(f"/patients?fhir_patient={record_id}", follow_redirects=False)
    assert own.status_code == 303 and own.headers["location"] == f"/patients/{mine}"
    other = web.browser("bob").get(f"/patients?fhir_patient={record_id}", follow_redirects=False)
    assert other.status_code == 200 and f"/patients/{mine}" not in other.text
