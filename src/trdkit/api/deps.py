"""Per-request dependencies: the database session and the request context of a signed-in user.

A route gets a :class:`Ctx`: the session, the user, the care team it may see, and ``audit`` /
``deny`` helpers. A route commits once, after its audit event is added, so the work and its
event are written together; a route that raises commits nothing but the denial it records. A
route whose only write is its audit event gets a :class:`Caller` instead: no session is kept
open for it, and its event shares a commit (and its fsync) with concurrent requests' events.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, NoReturn

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from trdkit.api.problems import ProblemError
from trdkit.api.settings import Settings
from trdkit.store.audit import (
    AUDIT_TABLE,
    Actor,
    AuditAction,
    AuditDetail,
    AuditOutcome,
    Reason,
    event_values,
    record_event,
)
from trdkit.store.models import AuthToken, Patient, User
from trdkit.store.repository import NotFoundError, get_patient
from trdkit.store.session import Store

__all__ = ["Caller", "Ctx", "DbSession", "Principal", "get_db", "get_settings", "get_store"]


def get_store(request: Request) -> Store:
    """The application's store."""
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A session for this request; whatever it did not commit is rolled back at the end.

    A session connects only when first used, so it is made in the event loop; it is closed
    there too when no transaction is left open (every route that commits), which saves two
    trips to a worker thread per request. Otherwise the rollback, database work, runs on a
    worker thread, shielded from cancellation so that the connection always goes back.
    """
    session = get_store(request).sessions()
    try:
        yield session
    finally:
        if session.in_transaction():
            with CancelScope(shield=True):
                # Its own limiter: a full thread pool must not keep the connection from its pool.
                await anyio.to_thread.run_sync(session.close, limiter=CapacityLimiter(1))
        else:
            session.close()


DbSession = Annotated[Session, Depends(get_db)]


@dataclass(frozen=True)
class Principal:
    """A signed-in user and how they signed in (``bearer`` or ``session``)."""

    user: User
    via: str
    token: AuthToken

    @property
    def actor(self) -> Actor:
        """The user as an audit actor."""
        return Actor(id=self.user.id, username=self.user.username, role=self.user.role)


def request_id(request: Request) -> str | None:
    """The id ``RequestIdMiddleware`` gave this request."""
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def action_of(method: str) -> AuditAction:
    """The audit action an HTTP method stands for."""
    return {
        "POST": AuditAction.create,
        "PUT": AuditAction.update,
        "PATCH": AuditAction.update,
        "DELETE": AuditAction.delete,
    }.get(method.upper(), AuditAction.read)


@dataclass(frozen=True)
class Caller:
    """A signed-in user of a route whose only write is its audit event (no session held)."""

    request: Request
    store: Store
    principal: Principal

    async def audit(
        self,
        action: AuditAction,
        resource_type: str,
        resource_id: str | None = None,
        *,
        outcome: AuditOutcome = AuditOutcome.success,
        detail: AuditDetail | None = None,
    ) -> None:
        """Commit the audit event; return once it is durable (its commit may be shared)."""
        values = event_values(
            self.principal.actor,
            action,
            resource_type,
            resource_id,
            outcome=outcome,
            request_id=request_id(self.request),
            detail=detail,
        )
        await self.store.append_async(AUDIT_TABLE, values)


@dataclass
class Ctx:
    """What a route needs to do audited work for one signed-in user."""

    request: Request
    db: Session
    store: Store
    settings: Settings
    principal: Principal

    @property
    def user(self) -> User:
        """The signed-in user."""
        return self.principal.user

    @property
    def team(self) -> str | None:
        """The care team whose patients this user may see (``None``: all, for an admin)."""
        if self.user.role == "admin":
            return None
        return self.user.care_team or ""

    def audit(
        self,
        action: AuditAction,
        resource_type: str,
        resource_id: str | None = None,
        *,
        outcome: AuditOutcome = AuditOutcome.success,
        detail: AuditDetail | None = None,
    ) -> None:
        """Add an audit event to the current transaction."""
        record_event(
            self.db,
            self.principal.actor,
            action,
            resource_type,
            resource_id,
            outcome=outcome,
            request_id=request_id(self.request),
            detail=detail,
        )

    def deny(
        self,
        action: AuditAction,
        resource_type: str,
        resource_id: str | None,
        *,
        status: int,
        message: str,
        outcome: AuditOutcome = AuditOutcome.denied,
        reason: Reason | None = None,
        kind: str | None = None,
    ) -> NoReturn:
        """Roll back, record the refusal in its own transaction, and answer with a problem."""
        self.db.rollback()
        self.audit(
            action, resource_type, resource_id, outcome=outcome, detail=AuditDetail(reason=reason)
        )
        self.db.commit()
        raise ProblemError(status, message, kind=kind)

    def patient(self, patient_id: str, action: AuditAction, *, for_update: bool = False) -> Patient:
        """The patient, if this user may see it; otherwise an audited 404.

        Another team's patient answers exactly like a missing one, so ids cannot be probed.
        """
        try:
            return get_patient(self.db, patient_id, self.team, for_update=for_update)
        except NotFoundError:
            exists = self.db.get(Patient, patient_id) is not None
            self.deny(
                action,
                "patient",
                patient_id if exists else None,
                status=404,
                message="no such patient in your care team",
                outcome=AuditOutcome.denied if exists else AuditOutcome.not_found,
                reason="other_team" if exists else None,
            )
