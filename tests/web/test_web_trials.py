"""The treatment timeline editor: add, correct and remove trials, with and without HTMX."""

from __future__ import annotations

from web_a11y import a11y_problems
from web_helpers import Web

pytest_plugins = ["web_fixtures", "api_fixtures", "store_fixtures"]

TRIAL = {
    "drug": "Zoloft",
    "dose_mg_per_day": "150",
    "start": "2026-01-05",
    "end": "2026-03-20",
    "adherence": "good",
    "outcome": "no_response",
    "role": "monotherapy",
    "episode": "current",
}


def _trials(web: Web, pid: str) -> list[dict[str, object]]:
    response = web.api.client.get(f"/api/patients/{pid}/trials", headers=web.api.auth("alice"))
    return list(response.json())


def test_page__lists_trials_with_catalogue_datalist(web: Web) -> None:
    pid = web.patient()
    response = web.browser("alice").get(f"/patients/{pid}/trials")
    assert response.status_code == 200
    assert '<datalist id="drug-names">' in response.text
    assert '<option value="sertraline">' in response.text
    assert 'list="drug-names"' in response.text
    assert a11y_problems(response.text) == []
    assert ("read", "trial") in [(e.action, e.resource_type) for e in web.api.events()]


def test_add__brand_name_resolves_and_is_audited(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    response = client.post(
        f"/patients/{pid}/trials", data={**TRIAL, "csrf_token": web.csrf(client)}
    )
    assert response.status_code == 303
    added = _trials(web, pid)[-1]["data"]
    assert added == {
        "drug": "sertraline",
        "dose_mg_per_day": 150,
        "start": "2026-01-05",
        "end": "2026-03-20",
        "adherence": "good",
        "outcome": "no_response",
        "role": "monotherapy",
        "episode": "current",
    }
    assert ("create", "trial") in [(e.action, e.resource_type) for e in web.api.events()]


def test_add__unknown_drug_suggests_close_names_beside_the_field(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    before = _trials(web, pid)
    data = {**TRIAL, "drug": "sertralinn", "csrf_token": web.csrf(client)}
    response = client.post(f"/patients/{pid}/trials", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "<html" not in response.text
    assert 'id="f-drug-error"' in response.text and "did you mean" in response.text
    assert _trials(web, pid) == before
    assert a11y_problems(response.text, fragment=True) == []


def test_add__end_before_start_names_the_end_field(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    data = {**TRIAL, "end": "2025-01-01", "csrf_token": web.csrf(client)}
    response = client.post(f"/patients/{pid}/trials", data=data)
    assert response.status_code == 422 and 'id="f-end-error"' in response.text


def test_edit__form_is_prefilled_and_save_keeps_other_fields(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    first = _trials(web, pid)[0]
    page = client.get(f"/patients/{pid}/trials?edit={first['id']}", headers={"HX-Request": "true"})
    assert page.status_code == 200 and "Edit trial 1" in page.text
    assert f'value="{first["data"]["start"]}"' in page.text
    data = {**TRIAL, "csrf_token": web.csrf(client)}
    response = client.post(f"/patients/{pid}/trials/{first['id']}", data=data)
    assert response.status_code == 303
    saved = _trials(web, pid)[0]
    assert saved["id"] == first["id"] and saved["data"]["drug"] == "sertraline"
    kept = {k: v for k, v in first["data"].items() if k not in {f for f in TRIAL} | {"with"}}
    assert all(saved["data"][k] == v for k, v in kept.items())
    assert ("update", "trial") in [(e.action, e.resource_type) for e in web.api.events()]


def test_remove__htmx_returns_the_updated_section(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    before = _trials(web, pid)
    response = client.post(
        f"/patients/{pid}/trials/{before[-1]['id']}/delete",
        data={"csrf_token": web.csrf(client)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "The trial was removed." in response.text
    assert len(_trials(web, pid)) == len(before) - 1


def test_remove__unknown_trial_is_a_404_page(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    response = client.post(
        f"/patients/{pid}/trials/no-such-trial/delete", data={"csrf_token": web.csrf(client)}
    )
    assert response.status_code == 404 and "no such trial" in response.text
