"""``/api/patients/{id}/genotypes``: upload a VCF or raw-data file; its gene calls are stored.

The file is written under the data directory by an opaque name (fsynced), called with the PGx
engine (``trdkit.pgx.call.call_genotypes``) outside any database transaction, and then recorded
with its calls in one transaction. A file that cannot be called is removed and nothing is stored.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile

from trdkit.api.auth import clinical_ctx
from trdkit.api.deps import Ctx
from trdkit.api.problems import ProblemError
from trdkit.api.routes._common import ERRORS, problem_responses
from trdkit.api.schemas import GenotypeFileOut
from trdkit.pgx.call import call_genotypes
from trdkit.pgx.errors import PgxInputError
from trdkit.pgx.read import list_samples
from trdkit.store.audit import AuditAction, AuditDetail, AuditOutcome
from trdkit.store.models import GenotypeFile, new_id
from trdkit.store.results import add_genotype_file, genotype_files

__all__ = ["router"]

router = APIRouter(prefix="/patients/{patient_id}/genotypes", tags=["genotypes"], responses=ERRORS)
ClinicalCtx = Annotated[Ctx, Depends(clinical_ctx)]
_SUFFIXES = (".vcf.gz", ".vcf.bgz", ".vcf", ".bcf", ".txt", ".csv", ".tsv", ".gz")
_CHUNK = 1 << 20


def _suffix(filename: str) -> str:
    lower = filename.lower()
    return next((s for s in _SUFFIXES if lower.endswith(s)), "")


def _file_out(row: GenotypeFile) -> GenotypeFileOut:
    return GenotypeFileOut(
        id=row.id,
        filename=row.original_name,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        sample=row.sample,
        assembly="GRCh37" if row.assembly == "GRCh37" else "GRCh38",
        uploaded_at=row.uploaded_at,
        calls={c.gene: c.data for c in row.calls},
    )


def _save(upload: UploadFile, target: Path, limit: int) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := upload.file.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise ProblemError(413, f"the file is larger than {limit} bytes")
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def _reject(ctx: Ctx, patient_id: str, status: int, message: str) -> ProblemError:
    ctx.db.rollback()
    ctx.audit(
        AuditAction.upload,
        "genotype",
        patient_id,
        outcome=AuditOutcome.invalid,
        detail=AuditDetail(reason="validation", format="vcf"),
    )
    ctx.db.commit()
    return ProblemError(status, message, kind="validation")


@router.get("", summary="The patient's genotype files and their calls")
def list_files(patient_id: str, ctx: ClinicalCtx) -> list[GenotypeFileOut]:
    """Uploaded files, newest first; the newest one's calls feed the assessment."""
    patient = ctx.patient(patient_id, AuditAction.read)
    files = genotype_files(ctx.db, patient.id)
    ctx.audit(AuditAction.read, "genotype", patient.id, detail=AuditDetail(count=len(files)))
    ctx.db.commit()
    return [_file_out(f) for f in files]


@router.post(
    "", status_code=201, summary="Upload a VCF or raw-data file", responses=problem_responses(413)
)
def upload(
    patient_id: str,
    ctx: ClinicalCtx,
    file: Annotated[UploadFile, File(description="VCF (.vcf, .vcf.gz), BCF or raw data.")],
    sample: Annotated[str | None, Form(max_length=255)] = None,
    assembly: Annotated[Literal["GRCh38", "GRCh37"], Form()] = "GRCh38",
    assume_reference: Annotated[bool, Form()] = False,
) -> GenotypeFileOut:
    """Store the file and the CYP2B6, CYP2C19 and CYP2D6 calls made from it for one sample."""
    ctx.patient(patient_id, AuditAction.upload)
    ctx.db.commit()  # the write lock is not held while the file is read and called
    original = file.filename or "upload"
    stored = new_id() + _suffix(original)
    path = ctx.store.genotype_dir / stored
    try:
        sha256, size = _save(file, path, ctx.settings.max_upload_bytes)
        samples = list_samples(path)
        if sample is None and len(samples) != 1:
            raise _reject(
                ctx, patient_id, 422, f"the file has {len(samples)} samples; name one in `sample`"
            )
        chosen = sample if sample is not None else samples[0]
        calls = call_genotypes(
            path, sample=chosen, assembly=assembly, assume_reference=assume_reference
        )
    except PgxInputError as exc:
        path.unlink(missing_ok=True)
        message = str(exc).replace(str(path), "the upload").replace(stored, "the upload")
        raise _reject(ctx, patient_id, 422, message) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    try:
        patient = ctx.patient(patient_id, AuditAction.upload, for_update=True)
        row = add_genotype_file(
            ctx.db,
            patient,
            original_name=original,
            stored_name=stored,
            sha256=sha256,
            size_bytes=size,
            sample=chosen,
            assembly=assembly,
            calls=calls.get(chosen, next(iter(calls.values()), {})),
            uploaded_by=ctx.user.id,
        )
        ctx.audit(AuditAction.upload, "genotype", patient.id, detail=AuditDetail(format="vcf"))
        ctx.db.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _file_out(row)
