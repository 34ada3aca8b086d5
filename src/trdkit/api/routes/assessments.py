"""``/api/patients/{id}/assessments``: run an assessment, read the history and reports."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from trdkit.api.auth import clinical_ctx
from trdkit.api.deps import Ctx
from trdkit.api.problems import ProblemError
from trdkit.api.routes._common import (
    ERRORS,
    POLICY_PATTERN,
    problem_responses,
    resolve_named_policy,
)
from trdkit.api.schemas import AssessmentOut, AssessmentSummary
from trdkit.api.warm import ensure_warm
from trdkit.assessment import Assessment, assess
from trdkit.record import PatientRecord, validate_record
from trdkit.store.audit import AuditAction, AuditDetail, AuditOutcome
from trdkit.store.models import AssessmentRow
from trdkit.store.records import record_document
from trdkit.store.repository import NotFoundError, patient_record
from trdkit.store.results import get_assessment, latest_calls, list_assessments, save_assessment

__all__ = ["router"]

router = APIRouter(
    prefix="/patients/{patient_id}/assessments", tags=["assessments"], responses=ERRORS
)
ClinicalCtx = Annotated[Ctx, Depends(clinical_ctx)]
ReportFormat = Literal["json", "html", "pdf"]
_MEDIA = {"json": "application/json", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}
_RENDERERS = {
    "html": ("trdkit.render.html", "render_html"),
    "pdf": ("trdkit.render.pdf", "render_pdf"),
}


def _summary_fields(row: AssessmentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "created_at": row.created_at,
        "assessed_on": row.assessed_on,
        "policy_id": row.policy_id,
        "trd_status": row.trd_status,
        "knowledge_version": row.knowledge_version,
        "knowledge_digest": row.knowledge_digest,
        "trdkit_version": row.trdkit_version,
    }


def _out(row: AssessmentRow, assessment: Assessment | None = None) -> AssessmentOut:
    document = (
        assessment.model_dump(mode="json", by_alias=True)
        if assessment is not None
        else Assessment.model_validate_json(row.document).model_dump(mode="json", by_alias=True)
    )
    return AssessmentOut(**_summary_fields(row), assessment=document)


def _as_of(record: PatientRecord, day: dt.date | None) -> PatientRecord:
    if day is None:
        return record
    return validate_record({**record_document(record), "assessed_on": day.isoformat()})


@router.post("", status_code=201, summary="Assess the patient now and store the result")
def run(
    patient_id: str,
    ctx: ClinicalCtx,
    policy: Annotated[
        str | None, Query(pattern=POLICY_PATTERN, description="TRD policy id.")
    ] = None,
    assessed_on: Annotated[
        dt.date | None, Query(description="Assess as of this date (default: the record's).")
    ] = None,
) -> AssessmentOut:
    """Assess the stored record with the newest genotype file's calls, and store it."""
    applied = resolve_named_policy(policy)
    patient = ctx.patient(patient_id, AuditAction.assess)
    record = _as_of(patient_record(patient), assessed_on)
    calls = latest_calls(ctx.db, patient.id)
    ctx.db.commit()  # no lock is held while the rules run
    ensure_warm()
    assessment = assess(record, applied, vcf_calls=calls or None)
    patient = ctx.patient(patient_id, AuditAction.assess)
    row = save_assessment(ctx.db, patient, assessment, ctx.user.id)
    ctx.audit(AuditAction.assess, "assessment", patient.id, detail=AuditDetail(policy=applied.id))
    ctx.db.commit()
    return _out(row, assessment)


@router.get("", summary="The patient's assessment history (newest first)")
def history(patient_id: str, ctx: ClinicalCtx) -> list[AssessmentSummary]:
    """Stored assessments without their documents."""
    patient = ctx.patient(patient_id, AuditAction.read)
    rows = list_assessments(ctx.db, patient.id)
    ctx.audit(AuditAction.read, "assessment", patient.id, detail=AuditDetail(count=len(rows)))
    ctx.db.commit()
    return [AssessmentSummary(**_summary_fields(r)) for r in rows]


def _stored(ctx: Ctx, patient_id: str, assessment_id: str, action: AuditAction) -> AssessmentRow:
    patient = ctx.patient(patient_id, action)
    try:
        return get_assessment(ctx.db, patient.id, assessment_id)
    except NotFoundError:
        ctx.deny(
            action,
            "assessment",
            patient.id,
            status=404,
            outcome=AuditOutcome.not_found,
            message="the patient has no such assessment",
        )


@router.get("/{assessment_id}", summary="One stored assessment")
def read(patient_id: str, assessment_id: str, ctx: ClinicalCtx) -> AssessmentOut:
    """A stored assessment with its ``trdkit.assessment/1`` document."""
    row = _stored(ctx, patient_id, assessment_id, AuditAction.read)
    ctx.audit(AuditAction.read, "assessment", patient_id)
    ctx.db.commit()
    return AssessmentOut(**_summary_fields(row), assessment=_document(row))


def _document(row: AssessmentRow) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(row.document)
    return value


@router.get(
    "/{assessment_id}/report",
    summary="Download the report (JSON, HTML or PDF)",
    response_class=Response,
    responses={
        200: {
            "description": "The report.",
            "content": {"application/json": {}, "text/html": {}, "application/pdf": {}},
        },
        **problem_responses(406, 409),
    },
)
def report(
    patient_id: str,
    assessment_id: str,
    ctx: ClinicalCtx,
    format: Annotated[ReportFormat, Query(description="Report format.")] = "json",
) -> Response:
    """The stored assessment as a file, stamped with its knowledge version and date."""
    row = _stored(ctx, patient_id, assessment_id, AuditAction.report)
    if format == "json":
        body: bytes = row.document.encode("utf-8")
    else:
        body = _render(ctx, row, format)
    ctx.audit(AuditAction.report, "assessment", patient_id, detail=AuditDetail(format=format))
    ctx.db.commit()
    name = f"assessment-{row.assessed_on.isoformat()}-{row.id[:8]}.{format}"
    return Response(
        body,
        media_type=_MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _render(ctx: Ctx, row: AssessmentRow, format: Literal["html", "pdf"]) -> bytes:
    module_name, function = _RENDERERS[format]
    try:
        renderer = getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError):
        ctx.deny(
            AuditAction.report,
            "assessment",
            row.patient_id,
            status=406,
            outcome=AuditOutcome.invalid,
            reason="renderer_missing",
            message=f"{format.upper()} reports are not available in this installation "
            "(the renderer is missing); download format=json",
        )
    try:
        assessment = Assessment.model_validate_json(row.document)
    except ValueError:
        raise ProblemError(
            409,
            "this assessment was stored by another trdkit version and cannot be rendered "
            "here; download format=json",
            kind="stale-assessment",
        ) from None
    out = renderer(assessment)
    return out.encode("utf-8") if isinstance(out, str) else bytes(out)
