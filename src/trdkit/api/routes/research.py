"""``/api/export/deidentified``: every stored record, de-identified, for the researcher role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from trdkit.api.auth import research_ctx
from trdkit.api.deps import Ctx
from trdkit.api.routes._common import ERRORS
from trdkit.api.schemas import DeidentifiedExport
from trdkit.api.settings import load_secret_key
from trdkit.store.audit import AuditAction, AuditDetail
from trdkit.store.deidentify import AGE_CAP, deidentify_record
from trdkit.store.models import utcnow
from trdkit.store.repository import list_patients, patient_record

__all__ = ["METHOD", "router"]

router = APIRouter(prefix="/export", tags=["research"], responses=ERRORS)
ResearchCtx = Annotated[Ctx, Depends(research_ctx)]

METHOD = [
    "id replaced by a keyed pseudonym (HMAC-SHA-256 under the server key), stable per server",
    "every date shifted by one per-patient offset of 1-365 days (intervals kept)",
    f"ages of {AGE_CAP} and above reported as {AGE_CAP}",
    "coded diagnoses without display text; genotype file path and sample name removed",
    "pseudonymised, not anonymous: still personal data (GDPR)",
]


@router.get("/deidentified", summary="De-identified records of every patient")
def deidentified(ctx: ResearchCtx) -> DeidentifiedExport:
    """All stored records, de-identified (docs/privacy-and-audit.md); read-only."""
    key = load_secret_key(ctx.settings)
    patients = list_patients(ctx.db, None)
    records = [deidentify_record(patient_record(p), key, p.id) for p in patients]
    ctx.audit(AuditAction.export_deidentified, "cohort", detail=AuditDetail(count=len(records)))
    ctx.db.commit()
    return DeidentifiedExport(created_at=utcnow(), method=METHOD, records=records)
