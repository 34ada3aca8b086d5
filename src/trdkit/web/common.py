"""What the page modules share: the signed-in clinician, the submitted form, field errors.

Pages use the API's own dependency (``clinical_ctx``): the same session check, CSRF check on
every change, role check and care-team rule, each refusal audited the same way. They call the
API's route functions for the work itself, so a page view or a form audits exactly what the
matching API request would.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request

from trdkit.api.auth import clinical_ctx
from trdkit.api.deps import Ctx
from trdkit.api.problems import ProblemError
from trdkit.record import FieldIssue
from trdkit.store.audit import AuditAction
from trdkit.store.models import Patient
from trdkit.web.fields import FieldErrors, FormField, errors_by_field

__all__ = [
    "ClinicalCtx",
    "FormValues",
    "field_errors",
    "patient_of",
    "problem_issues",
    "submitted",
]

ClinicalCtx = Annotated[Ctx, Depends(clinical_ctx)]


async def submitted(request: Request) -> dict[str, str]:
    """The text fields of the submitted form (files are read by the routes that take them)."""
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


FormValues = Annotated[dict[str, str], Depends(submitted)]


def patient_of(ctx: Ctx, patient_id: str) -> Patient:
    """The patient for a page's heading, after the API call that audited the page's read.

    Raises the audited 404 of the API for another team's or a missing patient.
    """
    patient = ctx.patient(patient_id, AuditAction.read)
    # End the transaction: on SQLite it holds the write lock while the page renders otherwise.
    ctx.db.commit()
    return patient


def problem_issues(exc: ProblemError, field: str = "") -> list[FieldIssue]:
    """A refused request's problems as field issues (its own field list, else its message)."""
    if exc.errors:
        return [FieldIssue(e.field.removeprefix("query."), e.message) for e in exc.errors]
    return [FieldIssue(field, exc.detail)]


def field_errors(
    issues: list[FieldIssue], fields: Iterable[FormField]
) -> tuple[FieldErrors, list[str]]:
    """Messages beside each field of the form, and the rest for the summary."""
    return errors_by_field(issues, [f.name for f in fields])
