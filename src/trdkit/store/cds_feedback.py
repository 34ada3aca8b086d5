"""CDS Hooks feedback: store what a clinician did with a card, and read it back.

One row per card outcome: the calling EHR (its audit label), the service, the card's uuid and
kind (when the service still remembers the card), accepted or overridden, when, which
suggestions were accepted, and the override reason (a Coding) with the clinician's comment. The
caller records the audit event and commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdkit.store.models import CdsFeedback

__all__ = ["list_feedback", "save_feedback"]


def save_feedback(
    session: Session,
    *,
    client: str,
    service_id: str,
    card_uuid: str,
    outcome: str,
    outcome_timestamp: dt.datetime,
    accepted_suggestions: Sequence[str] = (),
    override_reason: dict[str, Any] | None = None,
    override_comment: str | None = None,
    card_kind: str | None = None,
) -> CdsFeedback:
    """Add one feedback row to the session (the caller commits).

    A naive ``outcome_timestamp`` is read as UTC, as the specification states its timestamps.
    """
    when = outcome_timestamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    row = CdsFeedback(
        client=client[:64],
        service_id=service_id[:64],
        card_uuid=card_uuid,
        card_kind=card_kind,
        outcome=outcome,
        outcome_timestamp=when,
        accepted_suggestions=list(accepted_suggestions),
        override_reason=override_reason,
        override_comment=override_comment,
    )
    session.add(row)
    session.flush()
    return row


def list_feedback(
    session: Session, *, card_uuid: str | None = None, limit: int = 100
) -> list[CdsFeedback]:
    """Feedback rows, newest first, optionally for one card."""
    query = select(CdsFeedback).order_by(CdsFeedback.received_at.desc()).limit(limit)
    if card_uuid is not None:
        query = query.where(CdsFeedback.card_uuid == card_uuid)
    return list(session.scalars(query))
