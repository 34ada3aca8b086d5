"""Genotype files with their gene calls, and stored assessments; the caller commits."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from trdkit.assessment import Assessment
from trdkit.pgx.model import GeneCall
from trdkit.store.models import AssessmentRow, GenotypeCallRow, GenotypeFile, Patient
from trdkit.store.repository import NotFoundError, touch

__all__ = [
    "add_genotype_file",
    "genotype_files",
    "get_assessment",
    "latest_calls",
    "list_assessments",
    "save_assessment",
]


def add_genotype_file(
    session: Session,
    patient: Patient,
    *,
    original_name: str,
    stored_name: str,
    sha256: str,
    size_bytes: int,
    sample: str,
    assembly: str,
    calls: Mapping[str, GeneCall],
    uploaded_by: int | None,
) -> GenotypeFile:
    """Record an uploaded genotype file and the calls made from it."""
    row = GenotypeFile(
        patient_id=patient.id,
        original_name=original_name[:255],
        stored_name=stored_name,
        sha256=sha256,
        size_bytes=size_bytes,
        sample=sample,
        assembly=assembly,
        uploaded_by=uploaded_by,
        calls=[
            GenotypeCallRow(
                gene=gene,
                diplotype=call.diplotype,
                phenotype=call.phenotype,
                data=call.model_dump(mode="json"),
            )
            for gene, call in calls.items()
        ],
    )
    session.add(row)
    touch(patient, patient.profile)
    session.flush()
    return row


def genotype_files(session: Session, patient_id: str) -> list[GenotypeFile]:
    """The patient's genotype files, newest first, with their calls."""
    query = (
        select(GenotypeFile)
        .options(selectinload(GenotypeFile.calls))
        .where(GenotypeFile.patient_id == patient_id)
        .order_by(GenotypeFile.uploaded_at.desc(), GenotypeFile.id)
    )
    return list(session.scalars(query))


def latest_calls(session: Session, patient_id: str) -> dict[str, GeneCall]:
    """The gene calls of the newest genotype file (empty when there is none)."""
    files = genotype_files(session, patient_id)
    if not files:
        return {}
    return {c.gene: GeneCall.model_validate(c.data) for c in files[0].calls}


def save_assessment(
    session: Session, patient: Patient, assessment: Assessment, user_id: int | None
) -> AssessmentRow:
    """Store an assessment as its exact JSON with its knowledge stamp."""
    row = AssessmentRow(
        patient_id=patient.id,
        created_by=user_id,
        assessed_on=assessment.assessed_on,
        knowledge_version=assessment.knowledge_version,
        knowledge_digest=assessment.knowledge_digest,
        trdkit_version=assessment.trdkit_version,
        policy_id=assessment.policy.id,
        trd_status=str(assessment.trd.status.value),
        document=assessment.model_dump_json(by_alias=True),
    )
    session.add(row)
    session.flush()
    return row


def list_assessments(session: Session, patient_id: str) -> list[AssessmentRow]:
    """The patient's stored assessments, newest first."""
    query = (
        select(AssessmentRow)
        .where(AssessmentRow.patient_id == patient_id)
        .order_by(AssessmentRow.created_at.desc(), AssessmentRow.id)
    )
    return list(session.scalars(query))


def get_assessment(session: Session, patient_id: str, assessment_id: str) -> AssessmentRow:
    """One stored assessment of the patient.

    Raises
    ------
    NotFoundError
        When the patient has no such assessment.
    """
    row = session.get(AssessmentRow, assessment_id)
    if row is None or row.patient_id != patient_id:
        raise NotFoundError(assessment_id)
    return row
