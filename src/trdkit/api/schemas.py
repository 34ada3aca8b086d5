"""Request and response bodies of the API (the OpenAPI document is generated from these)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AssessmentOut",
    "AssessmentSummary",
    "AuditEventOut",
    "Credentials",
    "DeidentifiedExport",
    "EntryOut",
    "GenotypeFileOut",
    "LastScore",
    "LoginOut",
    "PatientOut",
    "PatientSummary",
    "TokenOut",
    "UserIn",
    "UserOut",
]

RECORD_DOC = "A trdkit.patient/1 record (docs/schema/patient-record.schema.json)."
ASSESSMENT_DOC = "A trdkit.assessment/1 document (docs/schema/assessment.schema.json)."


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(BaseModel):
    """A username and password."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class UserOut(_Out):
    """A user, without secrets."""

    id: int
    username: str
    role: Literal["clinician", "researcher", "admin"]
    care_team: str | None
    is_active: bool
    created_at: dt.datetime


class UserIn(BaseModel):
    """A user to create (admin only)."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8, max_length=1024)
    role: Literal["clinician", "researcher", "admin"]
    care_team: str | None = Field(default=None, max_length=64)


class TokenOut(_Out):
    """A bearer token: send it as ``Authorization: Bearer <access_token>``."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime
    user: UserOut


class LoginOut(_Out):
    """A web session: the cookie is set; send ``csrf_token`` with every change."""

    csrf_token: str
    expires_at: dt.datetime
    user: UserOut


class LastScore(_Out):
    """The latest administration of one scale."""

    date: dt.date
    total: int | None
    band: str | None


class PatientSummary(_Out):
    """A line of the patient list."""

    id: str = Field(description="Opaque patient id used in URLs.")
    record_id: str = Field(description="The record's own id (may identify the patient).")
    care_team: str
    age: int | None
    sex: str
    updated_at: dt.datetime
    trd_status: str | None = Field(description="Status of the latest stored assessment.")
    last_phq9: LastScore | None


class EntryOut(_Out):
    """A scale administration or treatment trial with its id (``data`` as in the record)."""

    id: str
    position: int
    data: dict[str, Any]


class PatientOut(_Out):
    """A patient with the whole record and the ids of its entries (in record order)."""

    id: str
    record_id: str
    care_team: str
    created_at: dt.datetime
    updated_at: dt.datetime
    record: dict[str, Any] = Field(description=RECORD_DOC)
    scale_ids: list[str]
    trial_ids: list[str]


class GenotypeFileOut(_Out):
    """An uploaded genotype file and the gene calls made from it."""

    id: str
    filename: str
    sha256: str
    size_bytes: int
    sample: str
    assembly: Literal["GRCh38", "GRCh37"]
    uploaded_at: dt.datetime
    calls: dict[str, dict[str, Any]] = Field(description="Gene -> GeneCall (pgx-output.md).")


class AssessmentSummary(_Out):
    """A stored assessment in the history."""

    id: str
    created_at: dt.datetime
    assessed_on: dt.date
    policy_id: str
    trd_status: str
    knowledge_version: str
    knowledge_digest: str
    trdkit_version: str


class AssessmentOut(AssessmentSummary):
    """A stored assessment with its document."""

    assessment: dict[str, Any] = Field(description=ASSESSMENT_DOC)


class DeidentifiedExport(_Out):
    """De-identified records of every stored patient (docs/privacy-and-audit.md)."""

    format: Literal["trdkit.deidentified-export/1"] = "trdkit.deidentified-export/1"
    created_at: dt.datetime
    method: list[str]
    records: list[dict[str, Any]] = Field(description=RECORD_DOC)


class AuditEventOut(_Out):
    """One audit event."""

    id: int
    at: dt.datetime
    actor: str
    actor_id: int | None
    action: str
    resource_type: str
    resource_id: str | None
    outcome: str
    request_id: str | None
    detail: dict[str, Any]
