"""``/api/patients/{id}/scales``: enter, list and delete rating-scale administrations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response

from trdkit.api.auth import clinical_ctx
from trdkit.api.deps import Ctx
from trdkit.api.routes._common import ERRORS, entries_out, reject_entry
from trdkit.api.schemas import EntryOut
from trdkit.record import RecordError
from trdkit.store.audit import AuditAction
from trdkit.store.entries import add_scale, delete_entry
from trdkit.store.repository import NotFoundError

__all__ = ["router"]

router = APIRouter(prefix="/patients/{patient_id}/scales", tags=["scales"], responses=ERRORS)
ClinicalCtx = Annotated[Ctx, Depends(clinical_ctx)]
ScaleBody = Annotated[
    dict[str, Any],
    Body(
        description="One administration as in the record's `scales` list, e.g. "
        '{"instrument": "phq9", "date": "2025-06-01", "items": [2, 3, 2, 2, 1, 2, 2, 1, 0]}.'
    ),
]


@router.get("", summary="The patient's scale administrations")
def list_scales(patient_id: str, ctx: ClinicalCtx) -> list[EntryOut]:
    """Every administration with its id, in record order."""
    patient = ctx.patient(patient_id, AuditAction.read)
    ctx.audit(AuditAction.read, "scale", patient.id)
    ctx.db.commit()
    return entries_out(patient.scales)


@router.post("", status_code=201, summary="Enter a scale administration")
def add(patient_id: str, data: ScaleBody, ctx: ClinicalCtx) -> EntryOut:
    """Validate one administration against its instrument and the record, then store it.

    A visit dated after the record's ``assessed_on`` moves ``assessed_on`` to that date.
    """
    patient = ctx.patient(patient_id, AuditAction.create, for_update=True)
    try:
        row = add_scale(ctx.db, patient, data)
    except RecordError:
        reject_entry(ctx, "scale", patient.id)
        raise
    ctx.audit(AuditAction.create, "scale", patient.id)
    ctx.db.commit()
    return EntryOut(id=row.id, position=row.position, data=row.data)


@router.delete("/{scale_id}", status_code=204, summary="Delete a scale administration")
def remove(patient_id: str, scale_id: str, ctx: ClinicalCtx) -> Response:
    """Delete one administration (e.g. entered for the wrong patient)."""
    patient = ctx.patient(patient_id, AuditAction.delete, for_update=True)
    try:
        delete_entry(ctx.db, patient, "scale", scale_id)
    except NotFoundError:
        ctx.deny(
            AuditAction.delete,
            "scale",
            patient.id,
            status=404,
            message="the patient has no such scale administration",
        )
    ctx.audit(AuditAction.delete, "scale", patient.id)
    ctx.db.commit()
    return Response(status_code=204)
