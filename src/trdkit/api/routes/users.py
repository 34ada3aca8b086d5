"""``/api/users`` and ``/api/audit``: user management and the audit trail (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from trdkit.api.auth import admin_ctx
from trdkit.api.deps import Ctx
from trdkit.api.problems import FieldProblem, ProblemError
from trdkit.api.routes._common import ERRORS, problem_responses, user_out
from trdkit.api.schemas import AuditEventOut, UserIn, UserOut
from trdkit.store.accounts import AccountError, create_user
from trdkit.store.audit import AuditAction, AuditDetail, list_events
from trdkit.store.models import User

__all__ = ["router"]

router = APIRouter(tags=["admin"], responses=ERRORS)
AdminCtx = Annotated[Ctx, Depends(admin_ctx)]


@router.get("/users", summary="Every user")
def list_users(ctx: AdminCtx) -> list[UserOut]:
    """Users without their password hashes."""
    users = ctx.db.query(User).order_by(User.id).all()
    ctx.audit(AuditAction.list, "user", detail=AuditDetail(count=len(users)))
    ctx.db.commit()
    return [user_out(u) for u in users]


@router.post("/users", status_code=201, summary="Create a user", responses=problem_responses(409))
def add_user(body: UserIn, ctx: AdminCtx) -> UserOut:
    """Create a clinician (with a care team), researcher or admin."""
    try:
        user = create_user(ctx.db, body.username, body.password, body.role, body.care_team)
    except AccountError as exc:
        ctx.db.rollback()
        status = 409 if exc.field == "username" and "taken" in str(exc) else 422
        raise ProblemError(
            status,
            str(exc),
            kind="validation",
            errors=[FieldProblem(field=exc.field, message=str(exc))],
        ) from None
    ctx.audit(AuditAction.create, "user", str(user.id), detail=AuditDetail(role=user.role))
    ctx.db.commit()
    return user_out(user)


@router.get("/audit", summary="The audit trail, newest first")
def audit_trail(
    ctx: AdminCtx,
    resource_id: Annotated[str | None, Query(max_length=36)] = None,
    actor_id: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
    before_id: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEventOut]:
    """Who did what, when; events carry ids and outcomes, never patient data."""
    events = list_events(
        ctx.db, resource_id=resource_id, actor_id=actor_id, limit=limit, before_id=before_id
    )
    ctx.db.commit()
    return [AuditEventOut.model_validate(e, from_attributes=True) for e in events]
