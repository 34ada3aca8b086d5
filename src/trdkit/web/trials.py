"""The treatment timeline editor: list, add, correct and remove trials (HTMX partial updates).

Each change goes through the API's trial routes (validated against the catalogue and the whole
record, audited); with HTMX the section is swapped in place, without it the browser follows a
redirect back to the page, so the editor works with scripts off as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from trdkit.api.deps import Ctx
from trdkit.api.routes import trials as api_trials
from trdkit.api.schemas import EntryOut
from trdkit.record import RecordError
from trdkit.store.audit import AuditAction
from trdkit.web.common import ClinicalCtx, FormValues, field_errors, patient_of
from trdkit.web.fields import flatten
from trdkit.web.templating import is_htmx, redirect, render
from trdkit.web.trial_forms import (
    TRIAL_FIELDS,
    default_values,
    drug_options,
    merge_trial,
    trial_summary,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
EntryId = Annotated[str | None, Query(max_length=36)]


@dataclass(frozen=True)
class Editing:
    """The trial being edited: its id and its number in the list."""

    id: str
    number: int


def _section(
    request: Request,
    ctx: Ctx,
    patient_id: str,
    *,
    edit: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    general: list[str] | None = None,
    saved: str | None = None,
    status: int = 200,
) -> Response:
    entries: list[EntryOut] = api_trials.list_trials(patient_id, ctx)
    editing = None
    for number, entry in enumerate(entries, start=1):
        if entry.id == edit:
            editing = Editing(entry.id, number)
            if values is None:
                values = flatten(entry.data, TRIAL_FIELDS)
    template = "_trials.html.j2" if is_htmx(request) else "trials.html.j2"
    return render(
        request,
        template,
        ctx,
        status=status,
        title="Treatment timeline",
        section="patients",
        patient=patient_of(ctx, patient_id),
        entries=entries,
        editing=editing,
        fields=TRIAL_FIELDS,
        values=values if values is not None else default_values(),
        errors=errors or {},
        general=general or [],
        saved=saved,
        drugs=drug_options(),
    )


@router.get("/patients/{patient_id}/trials")
def trials(request: Request, patient_id: str, ctx: ClinicalCtx, edit: EntryId = None) -> Response:
    """The trials, and the form to add one (or to edit the one named by ``edit``)."""
    return _section(request, ctx, patient_id, edit=edit)


def _rejected(
    request: Request,
    ctx: Ctx,
    patient_id: str,
    exc: RecordError,
    values: dict[str, str],
    edit: str | None = None,
) -> Response:
    errors, general = field_errors(exc.issues, TRIAL_FIELDS)
    return _section(
        request,
        ctx,
        patient_id,
        edit=edit,
        values=values,
        errors=errors,
        general=general,
        status=422,
    )


def _done(request: Request, ctx: Ctx, patient_id: str, message: str) -> Response:
    if not is_htmx(request):
        return redirect(request, f"/patients/{patient_id}/trials")
    return _section(request, ctx, patient_id, saved=message)


@router.post("/patients/{patient_id}/trials")
def add_trial(request: Request, patient_id: str, ctx: ClinicalCtx, values: FormValues) -> Response:
    """Add a trial (through the API's trial entry)."""
    data = merge_trial(None, values)
    try:
        api_trials.add(patient_id, data, ctx)
    except RecordError as exc:
        return _rejected(request, ctx, patient_id, exc, values)
    return _done(request, ctx, patient_id, f"Added {trial_summary(data)}.")


@router.post("/patients/{patient_id}/trials/{trial_id}")
def save_trial(
    request: Request, patient_id: str, trial_id: str, ctx: ClinicalCtx, values: FormValues
) -> Response:
    """Correct a trial; the fields the form does not show are kept."""
    patient = ctx.patient(patient_id, AuditAction.update, for_update=True)
    stored = next((t.data for t in patient.trials if t.id == trial_id), None)
    data = merge_trial(stored, values)
    try:
        api_trials.replace(patient_id, trial_id, data, ctx)
    except RecordError as exc:
        return _rejected(request, ctx, patient_id, exc, values, edit=trial_id)
    return _done(request, ctx, patient_id, f"Saved {trial_summary(data)}.")


@router.post("/patients/{patient_id}/trials/{trial_id}/delete")
def delete_trial(request: Request, patient_id: str, trial_id: str, ctx: ClinicalCtx) -> Response:
    """Remove a trial (through the API's delete)."""
    api_trials.remove(patient_id, trial_id, ctx)
    return _done(request, ctx, patient_id, "The trial was removed.")
