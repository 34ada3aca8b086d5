"""Genotype pages: upload a VCF or raw file and see the stored calls.

The upload goes through the API's genotype route: the file is stored under an opaque name, the
genes are called outside any transaction, and the file with its calls is recorded and audited,
or removed when it cannot be called.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, Response, UploadFile

from trdkit.api.deps import Ctx
from trdkit.api.problems import ProblemError
from trdkit.api.routes import genotypes as api_genotypes
from trdkit.web.common import ClinicalCtx, patient_of
from trdkit.web.templating import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    ctx: Ctx,
    patient_id: str,
    *,
    error: str | None = None,
    saved: str | None = None,
    status: int = 200,
) -> Response:
    files = api_genotypes.list_files(patient_id, ctx)
    return render(
        request,
        "genotypes.html.j2",
        ctx,
        status=status,
        title="Genotypes",
        section="patients",
        patient=patient_of(ctx, patient_id),
        files=files,
        error=error,
        saved=saved,
    )


@router.get("/patients/{patient_id}/genotypes")
def genotypes(request: Request, patient_id: str, ctx: ClinicalCtx) -> Response:
    """The upload form and every stored file with its calls, newest first."""
    return _page(request, ctx, patient_id)


@router.post("/patients/{patient_id}/genotypes")
def upload(
    request: Request,
    patient_id: str,
    ctx: ClinicalCtx,
    file: Annotated[UploadFile | None, File()] = None,
    sample: Annotated[str, Form(max_length=255)] = "",
    assembly: Annotated[Literal["GRCh38", "GRCh37"], Form()] = "GRCh38",
    assume_reference: Annotated[bool, Form()] = False,
) -> Response:
    """Store the file and its calls (through the API's upload)."""
    if file is None or not file.filename:
        patient_of(ctx, patient_id)
        return _page(request, ctx, patient_id, error="Choose a file to upload.", status=422)
    try:
        api_genotypes.upload(
            patient_id, ctx, file, sample.strip() or None, assembly, assume_reference
        )
    except ProblemError as exc:
        if exc.status not in (413, 422):
            raise
        return _page(request, ctx, patient_id, error=exc.detail, status=422)
    return redirect(request, f"/patients/{patient_id}/genotypes")
