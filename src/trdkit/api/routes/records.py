"""Import and export of whole patient records in the contract format (``trdkit.patient/1``)."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import yaml
from fastapi import APIRouter, Depends, Query, Request, Response

from trdkit.api.auth import clinical_ctx
from trdkit.api.deps import Ctx
from trdkit.api.problems import ProblemError
from trdkit.api.routes._common import ERRORS, problem_responses
from trdkit.api.routes.patients import create_from_record, patient_out
from trdkit.api.schemas import PatientOut
from trdkit.record import parse_record_text
from trdkit.store.audit import AuditAction, AuditDetail
from trdkit.store.records import record_document
from trdkit.store.repository import patient_record

__all__ = ["router"]

router = APIRouter(prefix="/patients", tags=["records"], responses=ERRORS)
ClinicalCtx = Annotated[Ctx, Depends(clinical_ctx)]
_YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
_RECORD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            media: {"schema": {"type": "string", "description": "A trdkit.patient/1 record."}}
            for media in ("application/json", *_YAML_TYPES)
        },
    }
}


async def _raw_body(request: Request) -> bytes:
    return await request.body()


@router.post(
    "/import",
    status_code=201,
    summary="Import a record file (YAML or JSON) as a new patient",
    openapi_extra=_RECORD_BODY,
    responses=problem_responses(409, 415),
)
def import_record(
    request: Request,
    body: Annotated[bytes, Depends(_raw_body)],
    ctx: ClinicalCtx,
    care_team: Annotated[
        str | None, Query(max_length=64, description="Admins only: the patient's care team.")
    ] = None,
) -> PatientOut:
    """Parse and validate a ``trdkit.patient/1`` document and store it as a new patient."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ("application/json", *_YAML_TYPES):
        raise ProblemError(415, "send the record as application/json or application/yaml")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProblemError(422, "the record is not UTF-8 text", kind="validation") from None
    data = parse_record_text(text, None)
    patient, record = create_from_record(ctx, data, care_team, AuditAction.import_record)
    return patient_out(patient, record)


@router.get(
    "/{patient_id}/export",
    summary="Export the patient's record (YAML or JSON)",
    response_class=Response,
    responses={
        200: {
            "description": "The trdkit.patient/1 record.",
            "content": {"application/json": {}, "application/yaml": {}},
        }
    },
)
def export_record(
    patient_id: str,
    ctx: ClinicalCtx,
    format: Annotated[Literal["yaml", "json"], Query(description="File format.")] = "yaml",
) -> Response:
    """The whole record, as ``trdkit assess`` reads it."""
    patient = ctx.patient(patient_id, AuditAction.export_record)
    document = record_document(patient_record(patient))
    ctx.audit(AuditAction.export_record, "record", patient.id, detail=AuditDetail(format=format))
    ctx.db.commit()
    if format == "json":
        text, media = json.dumps(document, indent=2, ensure_ascii=False) + "\n", "application/json"
    else:
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
        media = "application/yaml"
    return Response(
        text.encode("utf-8"),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="patient-{patient.id}.{format}"'},
    )
