"""``POST /api/assess``: assess a record sent in the request; only the audit event is stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response

from trdkit.api.auth import clinical_caller
from trdkit.api.deps import Caller
from trdkit.api.routes._common import ERRORS, POLICY_PATTERN, resolve_named_policy
from trdkit.api.schemas import RECORD_DOC
from trdkit.api.warm import ensure_warm
from trdkit.assessment import Assessment, assess
from trdkit.record import RecordError, validate_record
from trdkit.render import render_json
from trdkit.store.audit import AuditAction, AuditDetail, AuditOutcome

__all__ = ["router"]

router = APIRouter(tags=["assess"], responses=ERRORS)
ClinicalCaller = Annotated[Caller, Depends(clinical_caller)]


@router.post(
    "/assess",
    summary="Assess a record without storing it",
    response_class=Response,
    responses={200: {"model": Assessment, "description": "The trdkit.assessment/1 document."}},
)
async def assess_record(
    data: Annotated[dict[str, Any], Body(description=RECORD_DOC)],
    caller: ClinicalCaller,
    policy: Annotated[
        str | None, Query(pattern=POLICY_PATTERN, description="TRD policy id.")
    ] = None,
) -> Response:
    """Validate the record, assess it and return the assessment; only the audit event is kept.

    It runs in the event loop, not on a worker thread: the work is pure computation of a few
    milliseconds with no I/O but the audit commit, which is awaited. A thread would only add two
    hand-overs and contention for the interpreter lock.
    """
    ensure_warm()
    applied = resolve_named_policy(policy)
    try:
        record = validate_record(data)
    except RecordError:
        await caller.audit(
            AuditAction.assess,
            "record",
            outcome=AuditOutcome.invalid,
            detail=AuditDetail(reason="validation"),
        )
        raise
    body = render_json(assess(record, applied), indent=None)
    # The event is the only write: its commit may be shared with concurrent requests' events.
    await caller.audit(AuditAction.assess, "record", detail=AuditDetail(policy=applied.id))
    return Response(body, media_type="application/json")
