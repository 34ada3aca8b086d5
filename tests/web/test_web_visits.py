"""Visit pages: scale forms built from the knowledge tables, entering and deleting scales."""

from __future__ import annotations

import re

import pytest
from web_a11y import a11y_problems
from web_helpers import Web

from trdkit.knowledge.instruments import load_instruments
from trdkit.web.scale_forms import scale_data, scale_form

pytest_plugins = ["web_fixtures", "api_fixtures", "store_fixtures"]

PHQ9 = {f"items[{i}]": str(v) for i, v in enumerate([2, 2, 1, 2, 1, 1, 1, 1, 0])}


def _scales(web: Web, pid: str) -> list[dict[str, object]]:
    response = web.api.client.get(f"/api/patients/{pid}/scales", headers=web.api.auth("alice"))
    return [e["data"] for e in response.json()]


@pytest.mark.parametrize("instrument", sorted(load_instruments().instruments))
def test_form__every_instrument_from_the_table(web: Web, instrument: str) -> None:
    spec = load_instruments()[instrument]
    pid = web.patient()
    response = web.browser("alice").get(f"/patients/{pid}/visits?instrument={instrument}")
    assert response.status_code == 200
    assert a11y_problems(response.text) == []
    for i, top in enumerate(spec.item_max):
        values = set(re.findall(rf'name="items\[{i}\]" value="(\d*)"', response.text))
        assert values == {str(v) for v in range(top + 1)} | {""}, (instrument, i)
    assert ('name="total"' in response.text) == spec.accepts_total
    for extra in spec.extra:
        assert f'name="{extra}' in response.text


def test_form__htmx_fragment_for_another_instrument(web: Web) -> None:
    pid = web.patient()
    response = web.browser("alice").get(
        f"/patients/{pid}/visits/form?instrument=hamd17", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="scale-form"' in response.text
    assert 'name="items[16]"' in response.text
    assert a11y_problems(response.text, fragment=True) == []


def test_form__unknown_instrument_names_the_allowed_ones(web: Web) -> None:
    pid = web.patient()
    response = web.browser("alice").get(f"/patients/{pid}/visits?instrument=bdi")
    assert response.status_code == 422 and "phq9" in response.text


def test_add__phq9_item_by_item_is_stored_and_audited(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    data = {"instrument": "phq9", "date": "2026-11-01", **PHQ9, "difficulty": "2"}
    response = client.post(f"/patients/{pid}/visits", data={**data, "csrf_token": web.csrf(client)})
    assert response.status_code == 303
    assert response.headers["location"] == f"/patients/{pid}/visits?instrument=phq9"
    assert _scales(web, pid)[-1] == {
        "instrument": "phq9",
        "date": "2026-11-01",
        "items": [2, 2, 1, 2, 1, 1, 1, 1, 0],
        "difficulty": 2,
    }
    page = client.get(response.headers["location"]).text
    assert "2026-11-01" in page and ">11<" in page
    events = [(e.action, e.resource_type, e.outcome) for e in web.api.events()]
    assert ("create", "scale", "success") in events


def test_add__unanswered_items_are_null_and_total_alone_is_accepted(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    token = web.csrf(client)
    partial = {**PHQ9, "items[8]": ""}
    client.post(
        f"/patients/{pid}/visits",
        data={"instrument": "phq9", "date": "2026-11-02", **partial, "csrf_token": token},
    )
    client.post(
        f"/patients/{pid}/visits",
        data={"instrument": "madrs", "date": "2026-11-02", "total": "31", "csrf_token": token},
    )
    stored = _scales(web, pid)
    assert stored[-2]["items"] == [2, 2, 1, 2, 1, 1, 1, 1, None]
    assert stored[-1] == {"instrument": "madrs", "date": "2026-11-02", "total": 31}


def test_add__out_of_range_answer_is_shown_beside_the_item(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    before = _scales(web, pid)
    data = {"instrument": "phq9", "date": "2026-11-01", **PHQ9, "items[3]": "5"}
    response = client.post(f"/patients/{pid}/visits", data={**data, "csrf_token": web.csrf(client)})
    assert response.status_code == 422
    assert 'id="f-items-3-error"' in response.text
    assert "Item 4: 5 is not an allowed answer for PHQ-9 item 4 (allowed: 0-3" in response.text
    assert _scales(web, pid) == before
    events = [(e.action, e.resource_type, e.outcome) for e in web.api.events()]
    assert ("create", "scale", "invalid") in events
    assert a11y_problems(response.text) == []


def test_add__htmx_swaps_the_section_with_the_new_row(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    data = {"instrument": "phq9", "date": "2026-11-03", **PHQ9, "csrf_token": web.csrf(client)}
    response = client.post(f"/patients/{pid}/visits", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="visits"')
    assert "Saved the PHQ-9 of 2026-11-03." in response.text


def test_delete__removes_the_administration(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    entries = web.api.client.get(
        f"/api/patients/{pid}/scales", headers=web.api.auth("alice")
    ).json()
    response = client.post(
        f"/patients/{pid}/visits/{entries[0]['id']}/delete", data={"csrf_token": web.csrf(client)}
    )
    assert response.status_code == 303
    assert len(_scales(web, pid)) == len(entries) - 1
    assert ("delete", "scale") in [(e.action, e.resource_type) for e in web.api.events()]


def test_scale_data__not_a_number_goes_to_the_model() -> None:
    form = scale_form("phq9")
    data = scale_data(form, {"date": "2026-01-01", "items[0]": "x"})
    assert data == {"instrument": "phq9", "date": "2026-01-01", "items": ["x", *[None] * 8]}
