"""Visit pages: the scale administrations so far, and entering one scale item by item.

The form of each instrument is built from the knowledge tables (``scale_forms``); entries go
through the API's scale routes, so they are validated against the instrument and the whole
record, and audited, exactly as an API client's would be.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from trdkit.api.deps import Ctx
from trdkit.api.problems import ProblemError
from trdkit.api.routes import scales as api_scales
from trdkit.knowledge.instruments import load_instruments
from trdkit.record import RecordError, ScaleAdministration
from trdkit.record.vocab import Instrument
from trdkit.scales import ScaleResult, score_scales
from trdkit.web.common import ClinicalCtx, FormValues, field_errors, patient_of
from trdkit.web.scale_forms import (
    DATE_FIELD,
    ScaleForm,
    instrument_choices,
    scale_data,
    scale_form,
)
from trdkit.web.templating import is_htmx, redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
InstrumentId = Annotated[str, Query(pattern=r"^[a-z0-9_]{1,32}$")]


@dataclass(frozen=True)
class VisitEntry:
    """One stored administration with its id and its score."""

    id: str
    result: ScaleResult


def _form_of(instrument: str) -> ScaleForm:
    if instrument not in load_instruments().instruments:
        allowed = ", ".join(load_instruments().instruments)
        raise ProblemError(422, f"unknown instrument (allowed: {allowed})", kind="validation")
    return scale_form(instrument)


def _visits(
    request: Request,
    ctx: Ctx,
    patient_id: str,
    scale: ScaleForm,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    general: list[str] | None = None,
    saved: str | None = None,
    status: int = 200,
) -> Response:
    rows = api_scales.list_scales(patient_id, ctx)
    entries = [
        VisitEntry(r.id, score_scales([ScaleAdministration.model_validate(r.data)])[0])
        for r in rows
    ]
    template = "_visits.html.j2" if is_htmx(request) else "visits.html.j2"
    return render(
        request,
        template,
        ctx,
        status=status,
        title="Visits and scales",
        section="patients",
        patient=patient_of(ctx, patient_id),
        entries=entries,
        instruments=instrument_choices(),
        scale=scale,
        date_field=DATE_FIELD,
        values=values if values is not None else {"date": dt.date.today().isoformat()},
        errors=errors or {},
        general=general or [],
        saved=saved,
    )


@router.get("/patients/{patient_id}/visits")
def visits(
    request: Request,
    patient_id: str,
    ctx: ClinicalCtx,
    instrument: InstrumentId = Instrument.phq9.value,
) -> Response:
    """The administrations so far and the form of one instrument (PHQ-9 unless chosen)."""
    return _visits(request, ctx, patient_id, _form_of(instrument))


@router.get("/patients/{patient_id}/visits/form")
def visit_form(
    request: Request, patient_id: str, ctx: ClinicalCtx, instrument: InstrumentId
) -> Response:
    """The form of another instrument (an HTMX fragment; it holds no patient data)."""
    scale = _form_of(instrument)
    return render(
        request,
        "_scale_form.html.j2",
        ctx,
        title=scale.name,
        patient=patient_of(ctx, patient_id),
        scale=scale,
        date_field=DATE_FIELD,
        values={"date": dt.date.today().isoformat()},
        errors={},
        general=[],
    )


@router.post("/patients/{patient_id}/visits")
def add_visit(request: Request, patient_id: str, ctx: ClinicalCtx, values: FormValues) -> Response:
    """Store one administration (through the API's scale entry)."""
    scale = _form_of(values.get("instrument", ""))
    try:
        api_scales.add(patient_id, scale_data(scale, values), ctx)
    except RecordError as exc:
        errors, general = field_errors(exc.issues, scale.fields)
        return _visits(
            request,
            ctx,
            patient_id,
            scale,
            values=values,
            errors=errors,
            general=general,
            status=422,
        )
    if not is_htmx(request):
        return redirect(request, f"/patients/{patient_id}/visits?instrument={scale.instrument}")
    return _visits(
        request, ctx, patient_id, scale, saved=f"Saved the {scale.name} of {values.get('date')}."
    )


@router.post("/patients/{patient_id}/visits/{scale_id}/delete")
def delete_visit(request: Request, patient_id: str, scale_id: str, ctx: ClinicalCtx) -> Response:
    """Delete one administration (through the API's delete)."""
    api_scales.remove(patient_id, scale_id, ctx)
    if not is_htmx(request):
        return redirect(request, f"/patients/{patient_id}/visits")
    return _visits(
        request,
        ctx,
        patient_id,
        scale_form(Instrument.phq9.value),
        saved="The administration was deleted.",
    )
