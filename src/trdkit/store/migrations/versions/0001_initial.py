"""The first schema: users, tokens, patients and their parts, genotypes, assessments, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _entry_columns(table: str) -> list[sa.Column[object] | sa.PrimaryKeyConstraint]:
    return [
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column(
            "patient_id",
            sa.String(36),
            sa.ForeignKey(
                "patients.id", ondelete="CASCADE", name=f"fk_{table}_patient_id_patients"
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    """Create every table of the first release."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("care_team", sa.String(64), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('clinician', 'researcher', 'admin')", name="ck_users_role"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "auth_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_auth_tokens_user_id_users"),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('bearer', 'session')", name="ck_auth_tokens_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_auth_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_auth_tokens_token_hash"),
    )
    op.create_index("ix_auth_tokens_user_id", "auth_tokens", ["user_id"])
    op.create_table(
        "patients",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("care_team", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("profile", _JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_patients"),
        sa.UniqueConstraint("care_team", "record_id", name="uq_patients_team_record"),
    )
    op.create_index("ix_patients_care_team", "patients", ["care_team"])
    op.create_table(
        "episodes",
        *_entry_columns("episodes"),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.CheckConstraint("kind IN ('current', 'prior')", name="ck_episodes_kind"),
    )
    op.create_table(
        "scale_administrations",
        *_entry_columns("scale_administrations"),
        sa.Column("instrument", sa.String(32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
    )
    op.create_table(
        "treatment_trials",
        *_entry_columns("treatment_trials"),
        sa.Column("treatment", sa.String(64), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
    )
    for table in ("episodes", "scale_administrations", "treatment_trials"):
        op.create_index(f"ix_{table}_patient_id", table, ["patient_id"])
    op.create_table(
        "genotype_files",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column(
            "patient_id",
            sa.String(36),
            sa.ForeignKey(
                "patients.id", ondelete="CASCADE", name="fk_genotype_files_patient_id_patients"
            ),
            nullable=False,
        ),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sample", sa.String(255), nullable=False),
        sa.Column("assembly", sa.String(8), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_genotype_files"),
    )
    op.create_index("ix_genotype_files_patient_id", "genotype_files", ["patient_id"])
    op.create_table(
        "genotype_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "file_id",
            sa.String(36),
            sa.ForeignKey(
                "genotype_files.id",
                ondelete="CASCADE",
                name="fk_genotype_calls_file_id_genotype_files",
            ),
            nullable=False,
        ),
        sa.Column("gene", sa.String(16), nullable=False),
        sa.Column("diplotype", sa.String(64), nullable=True),
        sa.Column("phenotype", sa.String(64), nullable=True),
        sa.Column("data", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_genotype_calls"),
        sa.UniqueConstraint("file_id", "gene", name="uq_genotype_calls_file_gene"),
    )
    op.create_index("ix_genotype_calls_file_id", "genotype_calls", ["file_id"])
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column(
            "patient_id",
            sa.String(36),
            sa.ForeignKey(
                "patients.id", ondelete="CASCADE", name="fk_assessments_patient_id_patients"
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("knowledge_version", sa.String(64), nullable=False),
        sa.Column("knowledge_digest", sa.String(128), nullable=False),
        sa.Column("trdkit_version", sa.String(32), nullable=False),
        sa.Column("policy_id", sa.String(64), nullable=False),
        sa.Column("trd_status", sa.String(32), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
    )
    op.create_index("ix_assessments_patient_id", "assessments", ["patient_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(36), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=True),
        sa.Column("detail", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_resource", "audit_events", ["resource_type", "resource_id"])


def downgrade() -> None:
    """Drop every table (the data goes with them)."""
    for table in (
        "audit_events",
        "assessments",
        "genotype_calls",
        "genotype_files",
        "treatment_trials",
        "scale_administrations",
        "episodes",
        "patients",
        "auth_tokens",
        "users",
    ):
        op.drop_table(table)
