"""The audit trail: who did what to which resource, when, and with what outcome.

Every read and write of patient data records one event in the same transaction as the work, so
an acknowledged write always has its event and a rolled-back one has none. An event names the
resource by its opaque id only; ``detail`` accepts a closed set of keys whose values cannot carry
patient data (counts, formats, policy ids, fixed reasons), so nothing a clinician typed about a
patient can reach the trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from trdkit.store.models import AuditEvent

__all__ = [
    "ANONYMOUS",
    "AUDIT_TABLE",
    "Actor",
    "AuditAction",
    "AuditDetail",
    "AuditOutcome",
    "Reason",
    "event_values",
    "list_events",
    "record_event",
]


class AuditAction(StrEnum):
    """What was done."""

    read = "read"
    list = "list"
    create = "create"
    update = "update"
    delete = "delete"
    import_record = "import"
    export_record = "export"
    assess = "assess"
    report = "report"
    upload = "upload"
    export_deidentified = "export_deidentified"
    login = "login"
    logout = "logout"
    issue_token = "issue_token"


class AuditOutcome(StrEnum):
    """How it ended."""

    success = "success"
    denied = "denied"
    not_found = "not_found"
    invalid = "invalid"


Reason = Literal[
    "no_credentials",
    "bad_credentials",
    "expired",
    "role",
    "other_team",
    "csrf",
    "duplicate",
    "validation",
    "renderer_missing",
]


class AuditDetail(BaseModel):
    """The only details an event may carry; none of them can hold patient data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int | None = Field(default=None, ge=0)
    format: Literal["json", "yaml", "html", "pdf", "vcf"] | None = None
    policy: str | None = Field(default=None, pattern=r"^[a-z0-9_]{1,64}$")
    reason: Reason | None = None
    role: Literal["clinician", "researcher", "admin"] | None = None


@dataclass(frozen=True)
class Actor:
    """The signed-in user an event is attributed to (``id`` is ``None`` when nobody is)."""

    id: int | None
    username: str
    role: str | None = None


ANONYMOUS = Actor(id=None, username="anonymous")


def event_values(
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    resource_id: str | None = None,
    *,
    outcome: AuditOutcome = AuditOutcome.success,
    request_id: str | None = None,
    detail: AuditDetail | None = None,
) -> dict[str, Any]:
    """The column values of one audit event (its time is set when it is inserted).

    Parameters
    ----------
    resource_type
        ``patient``, ``scale``, ``trial``, ``genotype``, ``assessment``, ``record``, ``user``,
        ``session``, ``cohort``.
    resource_id
        The opaque id of the resource (never a record id, name or file name).
    """
    return {
        "actor_id": actor.id,
        "actor": actor.username,
        "action": action.value,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "outcome": outcome.value,
        "request_id": request_id,
        "detail": (detail or AuditDetail()).model_dump(exclude_none=True),
    }


def record_event(
    session: Session,
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    resource_id: str | None = None,
    *,
    outcome: AuditOutcome = AuditOutcome.success,
    request_id: str | None = None,
    detail: AuditDetail | None = None,
) -> AuditEvent:
    """Add one audit event to the session's transaction (the caller commits).

    The arguments are those of :func:`event_values`.
    """
    event = AuditEvent(
        **event_values(
            actor,
            action,
            resource_type,
            resource_id,
            outcome=outcome,
            request_id=request_id,
            detail=detail,
        )
    )
    session.add(event)
    return event


#: The table audit events are appended to (for :meth:`trdkit.store.Store.append`).
AUDIT_TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]


def list_events(
    session: Session,
    *,
    resource_id: str | None = None,
    actor_id: int | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEvent]:
    """Events newest first, optionally for one resource or one user, ``limit`` at most."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if resource_id is not None:
        query = query.where(AuditEvent.resource_id == resource_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(session.scalars(query))
