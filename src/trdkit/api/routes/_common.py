"""Pieces the routers share: documented error responses and model conversions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trdkit.api.deps import Ctx
from trdkit.api.problems import FieldProblem, Problem, ProblemError
from trdkit.api.schemas import EntryOut, UserOut
from trdkit.knowledge.policies import PolicyDefinition, load_policy_table
from trdkit.policy import resolve_policy
from trdkit.store.audit import AuditAction, AuditDetail, AuditOutcome
from trdkit.store.models import ScaleRow, TrialRow, User

__all__ = [
    "ERRORS",
    "POLICY_PATTERN",
    "entries_out",
    "problem_responses",
    "reject_entry",
    "resolve_named_policy",
    "user_out",
]

_DESCRIPTIONS = {
    400: "The request body cannot be parsed (e.g. malformed JSON or form data).",
    401: "Not signed in, or the token or session is no longer valid.",
    403: "Signed in, but the role does not allow this, or the CSRF token is missing.",
    404: "No such resource in the caller's care team.",
    406: "The requested report format cannot be produced here.",
    409: "Conflicts with stored data.",
    413: "The upload is too large.",
    415: "The body's media type is not accepted.",
    422: "Invalid input; `errors` names each field.",
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for problem-details responses with these status codes."""
    return {
        code: {
            "model": Problem,
            "description": _DESCRIPTIONS[code],
            "content": {"application/problem+json": {}},
        }
        for code in codes
    }


ERRORS = problem_responses(400, 401, 403, 404, 422)


def user_out(user: User) -> UserOut:
    """A user as the API shows it."""
    return UserOut.model_validate(user, from_attributes=True)


def entries_out(rows: Sequence[ScaleRow] | Sequence[TrialRow]) -> list[EntryOut]:
    """Entries with their ids, in record order."""
    return [EntryOut(id=r.id, position=r.position, data=r.data) for r in rows]


def reject_entry(
    ctx: Ctx, resource_type: str, patient_id: str, action: AuditAction = AuditAction.create
) -> None:
    """Roll back a rejected entry and record the rejection (the caller re-raises)."""
    ctx.db.rollback()
    ctx.audit(
        action,
        resource_type,
        patient_id,
        outcome=AuditOutcome.invalid,
        detail=AuditDetail(reason="validation"),
    )
    ctx.db.commit()


POLICY_PATTERN = r"^[a-z0-9_]{1,64}$"


def resolve_named_policy(policy: str | None) -> PolicyDefinition:
    """A policy by id only (a file path would let a client read server files)."""
    if policy is None:
        return resolve_policy(None)
    if policy not in load_policy_table().policies:
        allowed = ", ".join(load_policy_table().policies)
        raise ProblemError(
            422,
            "unknown policy",
            kind="validation",
            errors=[
                FieldProblem(field="query.policy", message=f"unknown policy (allowed: {allowed})")
            ],
        )
    return resolve_policy(policy)
