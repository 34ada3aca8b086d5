"""Feedback: accepted and overridden cards are stored with their reasons, and audited."""

from __future__ import annotations

from typing import Any

from cds_ehr import MockEhr
from cds_patients import draft_order, hook_body, patient_resources, prefetch_for

from trdkit.store.cds_feedback import list_feedback
from trdkit.store.models import AuditEvent

pytest_plugins = ["cds_fixtures", "api_fixtures", "store_fixtures"]

SELECT = "trdkit-order-select"


def _cards(ehr: MockEhr) -> list[dict[str, Any]]:
    patient_id, resources = patient_resources("phenelzine")
    order = draft_order("mr-fb", patient_id, "citalopram", 20)
    body = hook_body(
        "order-select",
        patient_id,
        prefetch=prefetch_for(resources),
        orders=[order],
        selections=["MedicationRequest/mr-fb"],
    )
    response = ehr.call(SELECT, body)
    assert response.status_code == 200
    cards: list[dict[str, Any]] = response.json()["cards"]
    return cards


def test_feedback__stored_and_audited(ehr_db: MockEhr) -> None:
    card = next(c for c in _cards(ehr_db) if c.get("suggestions"))
    other = next(c for c in _cards(ehr_db) if c["overrideReasons"])
    reason = other["overrideReasons"][1]
    items = [
        {
            "card": card["uuid"],
            "outcome": "accepted",
            "acceptedSuggestions": [{"id": card["suggestions"][0]["uuid"]}],
            "outcomeTimestamp": "2026-11-28T10:15:00Z",
        },
        {
            "card": other["uuid"],
            "outcome": "overridden",
            "overrideReason": {"reason": reason, "userComment": "washout already planned"},
            "outcomeTimestamp": "2026-11-28T10:16:00Z",
        },
    ]
    response = ehr_db.feedback(SELECT, items)
    assert response.status_code == 200, response.text
    with ehr_db.api.store.transaction() as session:
        rows = {r.card_uuid: r for r in list_feedback(session)}
        accepted, overridden = rows[card["uuid"]], rows[other["uuid"]]
        assert accepted.outcome == "accepted" and accepted.service_id == SELECT
        assert accepted.accepted_suggestions == [card["suggestions"][0]["uuid"]]
        assert accepted.card_kind == card["source"]["topic"]["code"]
        assert accepted.client == "cds:ehr-one"
        assert accepted.outcome_timestamp.isoformat() == "2026-11-28T10:15:00+00:00"
        assert overridden.override_reason == {
            "system": reason["system"],
            "code": reason["code"],
            "display": reason["display"],
        }
        assert overridden.override_comment == "washout already planned"
        events = session.query(AuditEvent).filter_by(resource_type="cds_feedback").all()
        assert sorted(e.resource_id for e in events) == sorted(r.id for r in rows.values())
        assert {(e.actor, e.action, e.outcome) for e in events} == {
            ("cds:ehr-one", "create", "success")
        }
        assert all("washout" not in str(e.detail) for e in events)


def test_feedback__accepted_needs_suggestions(ehr: MockEhr) -> None:
    items = [{"card": "c-1", "outcome": "accepted", "outcomeTimestamp": "2026-11-28T10:15:00Z"}]
    response = ehr.feedback(SELECT, items)
    assert response.status_code == 422
    assert "acceptedSuggestions" in response.text


def test_feedback__unknown_outcome_refused(ehr: MockEhr) -> None:
    items = [{"card": "c-1", "outcome": "ignored", "outcomeTimestamp": "2026-11-28T10:15:00Z"}]
    assert ehr.feedback(SELECT, items).status_code == 422


def test_feedback__needs_a_token_for_the_feedback_endpoint(ehr: MockEhr) -> None:
    items = [{"card": "c-1", "outcome": "overridden", "outcomeTimestamp": "2026-11-28T10:15:00Z"}]
    wrong = ehr.feedback(SELECT, items, aud="https://trdkit.test/cds-services/other/feedback")
    assert wrong.status_code == 401
    response = ehr.api.client.post(f"/cds-services/{SELECT}/feedback", json={"feedback": items})
    assert response.status_code == 401


def test_feedback__service_url_audience_also_accepted(ehr: MockEhr) -> None:
    items = [{"card": "c-2", "outcome": "overridden", "outcomeTimestamp": "2026-11-28T10:15:00"}]
    response = ehr.feedback(SELECT, items, aud=f"https://trdkit.test/cds-services/{SELECT}")
    assert response.status_code == 200
    with ehr.api.store.transaction() as session:
        (row,) = list_feedback(session, card_uuid="c-2")
        assert row.card_kind is None
        assert row.outcome_timestamp.tzinfo is not None
