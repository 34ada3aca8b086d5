"""Output models of the pharmacogenomics engine (format ``trdkit.pgx/1``, and ``pgx`` of an
assessment). See ``shared/contract/pgx-output.md``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CPIC_PHENOTYPES",
    "DrugGuidance",
    "GeneCall",
    "GuidanceAlternative",
    "PgxReport",
    "PgxSection",
]

# CPIC phenotype terms (pgx-output.md); Indeterminate when alternatives disagree.
CPIC_PHENOTYPES = (
    "Ultrarapid Metabolizer",
    "Rapid Metabolizer",
    "Normal Metabolizer",
    "Likely Intermediate Metabolizer",
    "Intermediate Metabolizer",
    "Likely Poor Metabolizer",
    "Poor Metabolizer",
    "Indeterminate",
)

CallSource = Literal["vcf", "outside_call", "lab_report", "raw_data"]
Action = Literal[
    "use_standard_dose",
    "reduce_dose",
    "increase_dose",
    "titrate_slowly",
    "consider_alternative",
    "avoid",
    "no_recommendation",
]


class GeneCall(BaseModel):
    """One gene's call for one sample."""

    model_config = ConfigDict(extra="forbid")

    diplotype: str | None = Field(description="Reported diplotype; null when not called.")
    alternatives: list[str] = Field(
        default_factory=list, description="Other diplotypes equally consistent with the data."
    )
    called: bool
    phenotype: str | None = Field(description="CPIC phenotype term, or Indeterminate.")
    activity_score: float | None = None
    functional_phenotype: str | None = Field(
        default=None, description="Phenotype after phenoconversion by current drugs."
    )
    functional_activity_score: float | None = Field(
        default=None, description="CYP2D6 activity score after phenoconversion by current drugs."
    )
    source: CallSource
    missing_positions: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    research_grade: bool = Field(
        default=False, description="True for CYP2D6 called from VCF SNVs/indels only."
    )
    assumed_reference: bool = Field(
        default=False, description="Missing positions were assumed reference (--assume-reference)."
    )
    because: list[str] = Field(default_factory=list)


class GuidanceAlternative(BaseModel):
    """Guidance for one still-possible diplotype (``by_alternative``)."""

    model_config = ConfigDict(extra="forbid")

    diplotypes: dict[str, str]
    lookup: dict[str, str]
    strength: str | None
    actions: list[Action]
    summary: str


class DrugGuidance(BaseModel):
    """CPIC guidance for one drug and this patient's phenotypes."""

    model_config = ConfigDict(extra="forbid")

    guideline: str
    lookup: dict[str, str] = Field(description="Gene -> phenotype (or CYP2D6 activity score).")
    strength: str | None
    actions: list[Action]
    action: Action = Field(description="The principal action (first of actions); pgx-output.md.")
    dose_factor: float | None = Field(
        default=None, description="Starting-dose factor where the guideline gives one (0.5 = 50%)."
    )
    summary: str
    by_alternative: list[GuidanceAlternative] = Field(default_factory=list)
    worst_case: bool = Field(
        default=False, description="actions reflect the worst case across alternatives."
    )
    source: str = Field(description="Citation of the guideline.")
    because: list[str] = Field(
        default_factory=list, description="How the lookup was made: phenotypes, conversions, row."
    )


class PgxSection(BaseModel):
    """The ``pgx`` section of an assessment: calls by gene and guidance by drug."""

    genes: dict[str, GeneCall] = Field(default_factory=dict)
    drugs: dict[str, DrugGuidance] = Field(default_factory=dict)


class PgxReport(BaseModel):
    """The ``trdkit pgx`` output (``trdkit.pgx/1``): calls and guidance per sample."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["trdkit.pgx/1"] = "trdkit.pgx/1"
    knowledge_version: str
    sources: dict[str, str]
    assembly: Literal["GRCh38", "GRCh37"] = "GRCh38"
    assume_reference: bool = False
    samples: dict[str, dict[str, GeneCall]]
    drugs: dict[str, dict[str, DrugGuidance]]
