"""SQLAlchemy models of the stored data.

A patient's record is kept in parts that clinicians add to over months: the patient row holds the
record's fixed fields (``profile``), and episodes, scale administrations and treatment trials are
rows of their own, so a visit adds a row instead of rewriting the record. Each part keeps the
record's own JSON form, so the assembled record is validated by the same models as a file.

Audit events have no foreign key to users or patients: they outlive both. The Alembic migrations
in ``trdkit/store/migrations`` create exactly these tables (a test compares them).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

__all__ = [
    "ROLES",
    "AssessmentRow",
    "AuditEvent",
    "AuthToken",
    "Base",
    "CdsFeedback",
    "EpisodeRow",
    "GenotypeCallRow",
    "GenotypeFile",
    "Patient",
    "ScaleRow",
    "TrialRow",
    "User",
    "new_id",
    "utcnow",
]

ROLES = ("clinician", "researcher", "admin")

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A random opaque id (UUID4 text): safe in URLs and audit events, says nothing."""
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    """The current time in UTC, aware."""
    return dt.datetime.now(dt.UTC)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as naive UTC and read back aware (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be time-zone aware")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


JsonDoc = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (migrations depend on them)."""

    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UtcDateTime,
        dict[str, Any]: JsonDoc,
    }


class User(Base):
    """A person who signs in. ``care_team`` limits a clinician to that team's patients."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    care_team: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuthToken(Base):
    """A bearer token or a web session; only the SHA-256 of the secret is stored."""

    __tablename__ = "auth_tokens"
    __table_args__ = (CheckConstraint("kind IN ('bearer', 'session')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class Patient(Base):
    """A patient of one care team; ``profile`` is the record without its repeated parts."""

    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("care_team", "record_id", name="uq_patients_team_record"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    care_team: Mapped[str] = mapped_column(String(64), index=True)
    record_id: Mapped[str] = mapped_column(String(128))
    profile: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    episodes: Mapped[list[EpisodeRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EpisodeRow.position"
    )
    scales: Mapped[list[ScaleRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ScaleRow.position"
    )
    trials: Mapped[list[TrialRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="TrialRow.position"
    )


class _Entry:
    """Columns shared by the rows that make up a record's lists."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    position: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EpisodeRow(_Entry, Base):
    """The current episode (``kind='current'``) or one prior episode."""

    __tablename__ = "episodes"
    __table_args__ = (CheckConstraint("kind IN ('current', 'prior')", name="kind"),)

    patient_id: Mapped[str] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)


class ScaleRow(_Entry, Base):
    """One administration of one rating scale."""

    __tablename__ = "scale_administrations"

    patient_id: Mapped[str] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    instrument: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date)


class TrialRow(_Entry, Base):
    """One treatment trial (a drug or a procedure)."""

    __tablename__ = "treatment_trials"

    patient_id: Mapped[str] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    treatment: Mapped[str] = mapped_column(String(64))
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)


class GenotypeFile(Base):
    """An uploaded VCF or raw-data file, stored under the data directory by an opaque name."""

    __tablename__ = "genotype_files"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    patient_id: Mapped[str] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sample: Mapped[str] = mapped_column(String(255))
    assembly: Mapped[str] = mapped_column(String(8))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(Integer)

    calls: Mapped[list[GenotypeCallRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="GenotypeCallRow.gene"
    )


class GenotypeCallRow(Base):
    """One gene's call from one genotype file (the ``GeneCall`` JSON)."""

    __tablename__ = "genotype_calls"
    __table_args__ = (UniqueConstraint("file_id", "gene", name="uq_genotype_calls_file_gene"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[str] = mapped_column(
        ForeignKey("genotype_files.id", ondelete="CASCADE"), index=True
    )
    gene: Mapped[str] = mapped_column(String(16))
    diplotype: Mapped[str | None] = mapped_column(String(64))
    phenotype: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]


class AssessmentRow(Base):
    """A stored assessment: the exact ``trdkit.assessment/1`` JSON and its knowledge stamp."""

    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    patient_id: Mapped[str] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(Integer)
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    knowledge_version: Mapped[str] = mapped_column(String(64))
    knowledge_digest: Mapped[str] = mapped_column(String(128))
    trdkit_version: Mapped[str] = mapped_column(String(32))
    policy_id: Mapped[str] = mapped_column(String(64))
    trd_status: Mapped[str] = mapped_column(String(32))
    document: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """Who did what to which resource, when, with what outcome. Never patient data."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_resource", "resource_type", "resource_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str | None] = mapped_column(String(36))
    outcome: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict[str, Any]]


class CdsFeedback(Base):
    """What a clinician did with one CDS Hooks card: accepted (which suggestions) or overridden
    (with the coded reason and comment). No patient reference: a card id says nothing."""

    __tablename__ = "cds_feedback"
    __table_args__ = (CheckConstraint("outcome IN ('accepted', 'overridden')", name="outcome"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    client: Mapped[str] = mapped_column(String(64))
    service_id: Mapped[str] = mapped_column(String(64))
    card_uuid: Mapped[str] = mapped_column(String(64), index=True)
    card_kind: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    outcome_timestamp: Mapped[dt.datetime]
    accepted_suggestions: Mapped[list[str]] = mapped_column(JsonDoc)
    override_reason: Mapped[dict[str, Any] | None]
    override_comment: Mapped[str | None] = mapped_column(Text)
