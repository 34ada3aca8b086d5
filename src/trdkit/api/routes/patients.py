"""``/api/patients``: list, create, read, replace and delete patients of the caller's team."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response
from sqlalchemy import select

from trdkit.api.auth import clinical_ctx
from trdkit.api.deps import Ctx
from trdkit.api.problems import ProblemError
from trdkit.api.routes._common import ERRORS, problem_responses
from trdkit.api.schemas import RECORD_DOC, LastScore, PatientOut, PatientSummary
from trdkit.record import PatientRecord, RecordError, ScaleAdministration, validate_record
from trdkit.record.vocab import Instrument
from trdkit.scales import score_scales
from trdkit.store.audit import AuditAction, AuditDetail, AuditOutcome
from trdkit.store.models import AssessmentRow, Patient
from trdkit.store.records import record_document
from trdkit.store.repository import (
    DuplicatePatientError,
    create_patient,
    delete_patient,
    list_patients,
    patient_record,
    replace_record,
)

__all__ = ["create_from_record", "patient_out", "router"]

router = APIRouter(prefix="/patients", tags=["patients"], responses=ERRORS)
ClinicalCtx = Annotated[Ctx, Depends(clinical_ctx)]
RecordBody = Annotated[dict[str, Any], Body(description=RECORD_DOC)]


def patient_out(patient: Patient, record: PatientRecord) -> PatientOut:
    """A patient with its assembled record."""
    return PatientOut(
        id=patient.id,
        record_id=patient.record_id,
        care_team=patient.care_team,
        created_at=patient.created_at,
        updated_at=patient.updated_at,
        record=record_document(record),
        scale_ids=[s.id for s in patient.scales],
        trial_ids=[t.id for t in patient.trials],
    )


def _team_for_new(ctx: Ctx, care_team: str | None) -> str:
    if ctx.team is not None:
        if care_team not in (None, ctx.team):
            ctx.deny(
                AuditAction.create,
                "patient",
                None,
                status=403,
                message="a clinician creates patients in their own care team only",
                reason="other_team",
            )
        return ctx.team
    if not care_team:
        raise ProblemError(
            422, "an admin must name the care_team of a new patient", kind="validation"
        )
    return care_team


def _validated(ctx: Ctx, action: AuditAction, data: Any, resource_id: str | None) -> PatientRecord:
    try:
        return validate_record(data)
    except RecordError:
        ctx.db.rollback()
        ctx.audit(
            action,
            "patient",
            resource_id,
            outcome=AuditOutcome.invalid,
            detail=AuditDetail(reason="validation"),
        )
        ctx.db.commit()
        raise


def create_from_record(
    ctx: Ctx, data: Any, care_team: str | None, action: AuditAction
) -> tuple[Patient, PatientRecord]:
    """Validate a record, store it as a new patient and audit it (committed)."""
    team = _team_for_new(ctx, care_team)
    record = _validated(ctx, action, data, None)
    try:
        patient = create_patient(ctx.db, record, team)
    except DuplicatePatientError:
        ctx.deny(
            action,
            "patient",
            None,
            status=409,
            reason="duplicate",
            outcome=AuditOutcome.invalid,
            message="this care team already has a patient with this record id",
        )
    ctx.audit(action, "patient", patient.id)
    ctx.db.commit()
    return patient, record


def _last_phq9(patient: Patient) -> LastScore | None:
    rows = [s for s in patient.scales if s.instrument == Instrument.phq9.value]
    if not rows:
        return None
    latest = max(rows, key=lambda s: (s.date, s.position))
    result = score_scales([ScaleAdministration.model_validate(latest.data)])[0]
    return LastScore(date=result.date, total=result.total, band=result.band)


@router.get("", summary="Patients of your care team")
def list_all(ctx: ClinicalCtx) -> list[PatientSummary]:
    """Every patient the caller may see, with the latest TRD status and PHQ-9."""
    patients = list_patients(ctx.db, ctx.team)
    status: dict[str, str] = {}
    if patients:
        rows = ctx.db.execute(
            select(AssessmentRow.patient_id, AssessmentRow.trd_status)
            .where(AssessmentRow.patient_id.in_([p.id for p in patients]))
            .order_by(AssessmentRow.created_at)
        )
        status = {pid: value for pid, value in rows}
    ctx.audit(AuditAction.list, "patient", detail=AuditDetail(count=len(patients)))
    ctx.db.commit()
    return [
        PatientSummary(
            id=p.id,
            record_id=p.record_id,
            care_team=p.care_team,
            age=p.profile.get("age") if isinstance(p.profile.get("age"), int) else None,
            sex=str(p.profile.get("sex", "unknown")),
            updated_at=p.updated_at,
            trd_status=status.get(p.id),
            last_phq9=_last_phq9(p),
        )
        for p in patients
    ]


@router.post(
    "", status_code=201, summary="Create a patient from a record", responses=problem_responses(409)
)
def create(
    data: RecordBody,
    ctx: ClinicalCtx,
    care_team: Annotated[
        str | None, Query(max_length=64, description="Admins only: the patient's care team.")
    ] = None,
) -> PatientOut:
    """Store a new patient from a ``trdkit.patient/1`` record given as JSON."""
    patient, record = create_from_record(ctx, data, care_team, AuditAction.create)
    return patient_out(patient, record)


@router.get("/{patient_id}", summary="A patient with the whole record")
def read(patient_id: str, ctx: ClinicalCtx) -> PatientOut:
    """The patient's record, assembled from what is stored."""
    patient = ctx.patient(patient_id, AuditAction.read)
    record = patient_record(patient)
    ctx.audit(AuditAction.read, "patient", patient.id)
    ctx.db.commit()
    return patient_out(patient, record)


@router.put("/{patient_id}", summary="Replace a patient's record", responses=problem_responses(409))
def replace(patient_id: str, data: RecordBody, ctx: ClinicalCtx) -> PatientOut:
    """Replace the whole record (episodes, scales and trials included)."""
    patient = ctx.patient(patient_id, AuditAction.update, for_update=True)
    record = _validated(ctx, AuditAction.update, data, patient.id)
    try:
        replace_record(ctx.db, patient, record)
    except DuplicatePatientError:
        ctx.deny(
            AuditAction.update,
            "patient",
            patient_id,
            status=409,
            reason="duplicate",
            outcome=AuditOutcome.invalid,
            message="this care team already has a patient with this record id",
        )
    ctx.audit(AuditAction.update, "patient", patient.id)
    ctx.db.commit()
    return patient_out(patient, record)


@router.delete("/{patient_id}", status_code=204, summary="Delete a patient and all their data")
def delete(patient_id: str, ctx: ClinicalCtx) -> Response:
    """Delete the patient, their entries, genotype files and assessments."""
    patient = ctx.patient(patient_id, AuditAction.delete, for_update=True)
    stored = delete_patient(ctx.db, patient)
    ctx.audit(AuditAction.delete, "patient", patient_id)
    ctx.db.commit()
    # Files go after the commit: a crash in between leaves an orphan file, never a dangling row.
    for name in stored:
        (ctx.store.genotype_dir / name).unlink(missing_ok=True)
    return Response(status_code=204)
