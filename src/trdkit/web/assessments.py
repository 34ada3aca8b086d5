"""Assessment pages: run an assessment, the stored history, and one assessment in full.

Running and reading go through the API's assessment routes (stored with the knowledge stamp,
audited); the report downloads are the API's report route, which the session cookie signs in.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from trdkit.api.problems import ProblemError
from trdkit.api.routes import assessments as api_assessments
from trdkit.api.routes._common import POLICY_PATTERN
from trdkit.assessment import Assessment
from trdkit.knowledge.policies import load_policy_table
from trdkit.web.assessment_view import assessment_view
from trdkit.web.common import ClinicalCtx, patient_of
from trdkit.web.templating import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/patients/{patient_id}/assessments")
def assessments(request: Request, patient_id: str, ctx: ClinicalCtx) -> Response:
    """The form to run an assessment and the stored ones, newest first."""
    history = api_assessments.history(patient_id, ctx)
    return render(
        request,
        "assessments.html.j2",
        ctx,
        title="Assessment",
        section="patients",
        patient=patient_of(ctx, patient_id),
        history=history,
        policies=list(load_policy_table().policies.values()),
    )


@router.post("/patients/{patient_id}/assessments")
def run(
    request: Request,
    patient_id: str,
    ctx: ClinicalCtx,
    policy: Annotated[str | None, Form(pattern=POLICY_PATTERN)] = None,
) -> Response:
    """Assess the stored record now, store the result and show it."""
    out = api_assessments.run(patient_id, ctx, policy or None, None)
    return redirect(request, f"/patients/{patient_id}/assessments/{out.id}")


@router.get("/patients/{patient_id}/assessments/{assessment_id}")
def show(request: Request, patient_id: str, assessment_id: str, ctx: ClinicalCtx) -> Response:
    """One stored assessment: suicide risk first, the research tier apart, with downloads."""
    out = api_assessments.read(patient_id, assessment_id, ctx)
    try:
        assessment = Assessment.model_validate(out.assessment)
    except ValueError:
        raise ProblemError(
            409,
            "this assessment was stored by another trdkit version and cannot be shown here; "
            "download it as JSON from the API, or run a new assessment",
        ) from None
    return render(
        request,
        "assessment.html.j2",
        ctx,
        title=f"Assessment of {assessment.assessed_on}",
        section="patients",
        patient=patient_of(ctx, patient_id),
        a=assessment,
        v=assessment_view(assessment),
        assessment_id=out.id,
        stored_at=out.created_at.strftime("%Y-%m-%d %H:%M UTC"),
    )
