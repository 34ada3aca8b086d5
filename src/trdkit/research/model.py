"""Output models of the research tier: one ``ResearchMarker`` per marker the record has data for.

The contract keys of ``research_markers`` (``id``, ``value``, ``grade``, ``statement``,
``citations``, ``verified``) come first; the rest lets a face show the card honestly: the banner,
the evidence with population and n, cautions, and what is not yet verified.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit.knowledge.research_markers import EvidenceGrade

__all__ = ["MarkerEvidence", "ResearchMarker"]


class MarkerEvidence(BaseModel):
    """One line of evidence behind a marker, as graded by the research notes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    context: str = Field(description="What was studied, e.g. 'antidepressant response'.")
    design: str
    population: str = Field(description="Who, where, and how many.")
    n: int | None = Field(description="Total people in the main sample(s); null when pooled.")
    year: int
    finding: str
    replication: str | None
    grade: EvidenceGrade | None = Field(description="Null for guideline consensus.")
    grade_label: str = Field(description="The grade as the notes write it, ranges included.")
    sources: list[str] = Field(min_length=1, description="Source keys of the knowledge table.")


class ResearchMarker(BaseModel):
    """A research-tier marker for one patient: shown apart, never used to choose treatment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable marker id, e.g. 'bdnf_rs6265'.")
    value: str | float = Field(description="The value as recorded (genotype text or number).")
    grade: EvidenceGrade = Field(description="Headline evidence grade, E0 (weakest) to E8.")
    statement: str = Field(description="What this value means in the literature; research only.")
    citations: list[str] = Field(min_length=1, description="Full citations.")
    verified: bool = Field(
        description="False when a detail behind this marker is not verified (see 'unverified')."
    )
    title: str
    gene: str
    unit: str | None = Field(default=None, description="Unit of a numeric value.")
    reading: str | None = Field(
        default=None, description="How the value was read, e.g. 'Val/Met'; null when not read."
    )
    grade_label: str = Field(description="The grade as the notes write it, e.g. 'E7 -> E5'.")
    evidence: list[MarkerEvidence] = Field(min_length=1)
    caution: list[str] = Field(default_factory=list)
    unverified: list[str] = Field(
        default_factory=list, description="Details not yet verified; their content is not shown."
    )
    because: list[str] = Field(min_length=1)
    banner: str
    research_only: Literal[True] = True
    reviewed_on: dt.date
    review_due: dt.date
