"""Pages of patients: the care team's list, a new patient, the overview and the intake form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response

from trdkit.api.deps import Ctx
from trdkit.api.problems import ProblemError
from trdkit.api.routes import assessments as api_assessments
from trdkit.api.routes import patients as api_patients
from trdkit.record import FieldIssue, RecordError, ScaleAdministration
from trdkit.scales import ScaleResult, score_scales
from trdkit.store.audit import AuditAction
from trdkit.store.models import Patient
from trdkit.store.records import record_document
from trdkit.store.repository import patient_record
from trdkit.web.common import ClinicalCtx, FormValues, field_errors, patient_of, problem_issues
from trdkit.web.fields import FormField
from trdkit.web.intake import (
    CARE_TEAM_FIELD,
    EPISODE_FIELDS,
    HISTORY_FIELDS,
    PATIENT_FIELDS,
    SYMPTOM_FIELDS,
    intake_fields,
    intake_values,
    merge_intake,
)
from trdkit.web.templating import redirect, render
from trdkit.web.trial_forms import drug_options

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/patients")
def patient_list(request: Request, ctx: ClinicalCtx, fhir_patient: str | None = None) -> Response:
    """Every patient of the care team with the latest TRD status and PHQ-9.

    ``?fhir_patient=ID`` is where a CDS Hooks card links to: a FHIR import keeps the EHR's
    Patient id as the record id, so one match in the care team opens that patient directly;
    otherwise the list is narrowed to the matches (none: an empty list, never another team's).
    """
    rows = api_patients.list_all(ctx)
    if fhir_patient is not None:
        rows = [r for r in rows if r.record_id == fhir_patient]
        if len(rows) == 1:
            return redirect(request, f"/patients/{rows[0].id}")
    return render(request, "patients.html.j2", ctx, title="Patients", section="patients", rows=rows)


def _intake_page(
    request: Request,
    ctx: Ctx,
    *,
    patient: Patient | None,
    fields: tuple[FormField, ...],
    values: dict[str, str],
    issues: list[FieldIssue] | None = None,
) -> Response:
    """The intake form; with ``issues`` (a rejected save) each beside its field, status 422."""
    errors, general = field_errors(issues, fields) if issues else ({}, [])
    names = {f.name for f in fields}
    team = (CARE_TEAM_FIELD,) if CARE_TEAM_FIELD.name in names else ()
    groups = {
        "patient": team + PATIENT_FIELDS,
        "episode": EPISODE_FIELDS,
        "symptoms": SYMPTOM_FIELDS,
        "history": HISTORY_FIELDS,
        "prior": tuple(f for f in fields if f.name.startswith("history.prior_episodes")),
    }
    return render(
        request,
        "intake.html.j2",
        ctx,
        status=422 if issues else 200,
        title="Intake" if patient else "New patient",
        section="patients",
        patient=patient,
        action=f"/patients/{patient.id}/intake" if patient else "/patients",
        fields=fields,
        groups=groups,
        values=values,
        errors=errors,
        general=general,
        drugs=drug_options(),
    )


@router.get("/patients/new")
def new_patient(request: Request, ctx: ClinicalCtx) -> Response:
    """A blank intake form."""
    fields = intake_fields(admin=ctx.team is None)
    return _intake_page(
        request, ctx, patient=None, fields=fields, values=intake_values(None, dt.date.today())
    )


@router.post("/patients")
def create_patient(request: Request, ctx: ClinicalCtx, values: FormValues) -> Response:
    """Create the patient (through the API's create, so validated and audited alike)."""
    fields = intake_fields(admin=ctx.team is None)
    document = merge_intake(None, values, fields)
    team = values.get(CARE_TEAM_FIELD.name, "").strip() or None
    try:
        created = api_patients.create(document, ctx, team)
    except RecordError as exc:
        return _intake_page(
            request, ctx, patient=None, fields=fields, values=values, issues=exc.issues
        )
    except ProblemError as exc:
        if exc.status not in (409, 422):
            raise
        field = "id" if exc.status == 409 else CARE_TEAM_FIELD.name
        return _intake_page(
            request,
            ctx,
            patient=None,
            fields=fields,
            values=values,
            issues=problem_issues(exc, field),
        )
    return redirect(request, f"/patients/{created.id}")


def _latest_scores(scales: list[dict[str, Any]]) -> list[ScaleResult]:
    latest: dict[str, ScaleResult] = {}
    for data in scales:
        result = score_scales([ScaleAdministration.model_validate(data)])[0]
        known = latest.get(result.instrument.value)
        if known is None or known.date <= result.date:
            latest[result.instrument.value] = result
    return list(latest.values())


@router.get("/patients/{patient_id}")
def overview(request: Request, patient_id: str, ctx: ClinicalCtx) -> Response:
    """The patient's record at a glance, latest scores and assessment."""
    out = api_patients.read(patient_id, ctx)
    history = api_assessments.history(patient_id, ctx)
    record = out.record
    episode = record.get("current_episode") or {}
    symptoms = episode.get("symptoms") or {}
    criterion_a = [f.name.rsplit(".", 1)[1] for f in SYMPTOM_FIELDS[:9]]
    return render(
        request,
        "patient.html.j2",
        ctx,
        title=f"Patient {out.record_id}",
        section="patients",
        patient=patient_of(ctx, patient_id),
        record=record,
        episode=episode,
        symptoms_present=sum(symptoms.get(s) is True for s in criterion_a),
        symptoms_unknown=sum(symptoms.get(s) in (None, "unknown") for s in criterion_a),
        trial_count=len(out.trial_ids),
        latest=_latest_scores(record.get("scales", [])),
        last_assessment=history[0] if history else None,
    )


@router.get("/patients/{patient_id}/intake")
def intake(request: Request, patient_id: str, ctx: ClinicalCtx) -> Response:
    """The intake form filled in from the stored record."""
    out = api_patients.read(patient_id, ctx)
    patient = patient_of(ctx, patient_id)
    return _intake_page(
        request,
        ctx,
        patient=patient,
        fields=intake_fields(out.record),
        values=intake_values(out.record, dt.date.today()),
    )


@router.post("/patients/{patient_id}/intake")
def save_intake(
    request: Request, patient_id: str, ctx: ClinicalCtx, values: FormValues
) -> Response:
    """Apply the form to the stored record and replace it (through the API's replace)."""
    patient = ctx.patient(patient_id, AuditAction.update, for_update=True)
    stored = record_document(patient_record(patient))
    fields = intake_fields(stored)
    try:
        api_patients.replace(patient_id, merge_intake(stored, values, fields), ctx)
    except RecordError as exc:
        return _intake_page(
            request, ctx, patient=patient, fields=fields, values=values, issues=exc.issues
        )
    except ProblemError as exc:
        if exc.status != 409:
            raise
        return _intake_page(
            request,
            ctx,
            patient=patient,
            fields=fields,
            values=values,
            issues=problem_issues(exc, "id"),
        )
    return redirect(request, f"/patients/{patient_id}")
