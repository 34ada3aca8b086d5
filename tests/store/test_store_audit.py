"""Audit events: attributed, ordered, and unable to carry free text."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trdkit.store import Actor, AuditAction, AuditDetail, AuditOutcome, Store, record_event
from trdkit.store.audit import list_events

pytest_plugins = ["store_fixtures"]


def test_audit_detail__rejects_keys_outside_the_closed_set() -> None:
    with pytest.raises(ValidationError):
        AuditDetail.model_validate({"note": "Jane Doe, MRN 12345"})


def test_audit_detail__policy_must_be_an_id() -> None:
    with pytest.raises(ValidationError):
        AuditDetail(policy="Jane Doe's policy")
    assert AuditDetail(policy="ema_2013").policy == "ema_2013"


def test_record_event__stored_with_actor_and_newest_first(store: Store) -> None:
    alice = Actor(id=7, username="alice", role="clinician")
    with store.transaction() as session:
        record_event(session, alice, AuditAction.read, "patient", "p-1", request_id="r1")
        record_event(
            session,
            alice,
            AuditAction.delete,
            "patient",
            "p-2",
            outcome=AuditOutcome.denied,
            detail=AuditDetail(reason="other_team"),
        )
    with store.transaction() as session:
        events = list_events(session)
        only_p1 = list_events(session, resource_id="p-1")
        mine = list_events(session, actor_id=7, limit=1)
    assert [e.action for e in events] == ["delete", "read"]
    assert events[0].detail == {"reason": "other_team"}
    assert events[0].outcome == "denied"
    assert events[1].request_id == "r1" and events[1].actor == "alice"
    assert [e.resource_id for e in only_p1] == ["p-1"]
    assert len(mine) == 1
    assert events[0].at.tzinfo is not None
