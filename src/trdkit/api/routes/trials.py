"""``/api/patients/{id}/trials``: enter, list, correct and delete treatment trials."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response

from trdkit.api.auth import clinical_ctx
from trdkit.api.deps import Ctx
from trdkit.api.routes._common import ERRORS, entries_out, reject_entry
from trdkit.api.schemas import EntryOut
from trdkit.record import RecordError
from trdkit.store.audit import AuditAction
from trdkit.store.entries import add_trial, delete_entry, replace_trial
from trdkit.store.repository import NotFoundError

__all__ = ["router"]

router = APIRouter(prefix="/patients/{patient_id}/trials", tags=["trials"], responses=ERRORS)
ClinicalCtx = Annotated[Ctx, Depends(clinical_ctx)]
TrialBody = Annotated[
    dict[str, Any],
    Body(
        description="One trial as in the record's `treatments` list, e.g. "
        '{"drug": "sertraline", "dose_mg_per_day": 150, "start": "2025-02-01", '
        '"end": "2025-04-20", "adherence": "good", "outcome": "no_response"}.'
    ),
]


@router.get("", summary="The patient's treatment trials")
def list_trials(patient_id: str, ctx: ClinicalCtx) -> list[EntryOut]:
    """Every trial with its id, in record order."""
    patient = ctx.patient(patient_id, AuditAction.read)
    ctx.audit(AuditAction.read, "trial", patient.id)
    ctx.db.commit()
    return entries_out(patient.trials)


@router.post("", status_code=201, summary="Enter a treatment trial")
def add(patient_id: str, data: TrialBody, ctx: ClinicalCtx) -> EntryOut:
    """Validate one trial (drug names resolve through the catalogue) and store it."""
    patient = ctx.patient(patient_id, AuditAction.create, for_update=True)
    try:
        row = add_trial(ctx.db, patient, data)
    except RecordError:
        reject_entry(ctx, "trial", patient.id)
        raise
    ctx.audit(AuditAction.create, "trial", patient.id)
    ctx.db.commit()
    return EntryOut(id=row.id, position=row.position, data=row.data)


@router.put("/{trial_id}", summary="Correct a treatment trial (e.g. record its outcome)")
def replace(patient_id: str, trial_id: str, data: TrialBody, ctx: ClinicalCtx) -> EntryOut:
    """Replace one trial; it keeps its place in the record."""
    patient = ctx.patient(patient_id, AuditAction.update, for_update=True)
    try:
        row = replace_trial(ctx.db, patient, trial_id, data)
    except NotFoundError:
        ctx.deny(
            AuditAction.update,
            "trial",
            patient.id,
            status=404,
            message="the patient has no such trial",
        )
    except RecordError:
        reject_entry(ctx, "trial", patient.id, AuditAction.update)
        raise
    ctx.audit(AuditAction.update, "trial", patient.id)
    ctx.db.commit()
    return EntryOut(id=row.id, position=row.position, data=row.data)


@router.delete("/{trial_id}", status_code=204, summary="Delete a treatment trial")
def remove(patient_id: str, trial_id: str, ctx: ClinicalCtx) -> Response:
    """Delete one trial."""
    patient = ctx.patient(patient_id, AuditAction.delete, for_update=True)
    try:
        delete_entry(ctx.db, patient, "trial", trial_id)
    except NotFoundError:
        ctx.deny(
            AuditAction.delete,
            "trial",
            patient.id,
            status=404,
            message="the patient has no such trial",
        )
    ctx.audit(AuditAction.delete, "trial", patient.id)
    ctx.db.commit()
    return Response(status_code=204)
