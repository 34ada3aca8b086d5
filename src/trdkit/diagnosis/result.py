"""Output models of the diagnosis rules (the ``diagnosis`` object of ``trdkit.assessment/1``).

Every conclusion is three-valued where the record can be incomplete: ``True``/``False`` when the
recorded data decide it, ``None`` when missing data leave it open (the contract's ``undecided``
list then says what is missing). Every model carries ``because``: reasons that name the rule and
its source.

References
----------
trdkit contract ``trdkit.assessment/1`` (shared/contract/assessment-output.md), ``diagnosis``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AdditionalCode",
    "CodeResult",
    "Course",
    "Diagnosis",
    "MddResult",
    "MdeResult",
    "PsychoticType",
    "RemissionState",
    "SeverityLevel",
]

Course = Literal["single", "recurrent"]
SeverityLevel = Literal["mild", "moderate", "severe"]
PsychoticType = Literal["mood_congruent", "mood_incongruent"]
RemissionState = Literal["none", "partial", "full"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MdeResult(_Out):
    """The current major depressive episode, DSM-5-TR criteria A-C."""

    met: bool | None = Field(description="A, B and C all hold; None when missing data decide.")
    criterion_a_count: int = Field(ge=0, le=9, description="Criterion A symptoms recorded true.")
    criterion_a_unknown: int = Field(ge=0, le=9, description="Criterion A symptoms not recorded.")
    core_symptom: bool | None = Field(description="A1 depressed mood or A2 anhedonia present.")
    criteria: dict[Literal["A", "B", "C"], bool | None]
    because: list[str] = Field(default_factory=list)


class AdditionalCode(_Out):
    """A code recorded beside the MDD code (e.g. F06.1 for catatonia)."""

    code: str
    system: Literal["icd10cm"] = "icd10cm"
    display: str


class MddResult(_Out):
    """Major depressive disorder: criteria D and E, course, status, codes and DSM label."""

    met: bool | None
    course: Course | None = None
    severity: SeverityLevel | None = None
    psychotic_features: bool | None = None
    psychotic_type: PsychoticType | None = None
    additional_codes: list[AdditionalCode] = Field(default_factory=list)
    remission: RemissionState | None = None
    icd10cm: str | None = Field(default=None, description="DSM-5-TR ICD-10-CM code.")
    dsm5_icd9cm: str | None = Field(default=None, description="Legacy DSM-5 (2013) ICD-9-CM code.")
    label: str | None = Field(default=None, description="DSM diagnosis name in recording order.")
    specifiers: list[str] = Field(
        default_factory=list, description="Specifier ids in the label, in recording order."
    )
    criteria: dict[Literal["D", "E"], bool | None]
    because: list[str] = Field(default_factory=list)


class CodeResult(_Out):
    """A code in one classification (WHO ICD-10 or ICD-11) with its title."""

    code: str | None = None
    title: str | None = None
    because: list[str] = Field(default_factory=list)


class Diagnosis(_Out):
    """The whole diagnosis section."""

    mde: MdeResult
    mdd: MddResult
    icd10: CodeResult
    icd11: CodeResult
    undecided: list[str] = Field(
        default_factory=list, description="What missing data left open, one entry per gap."
    )
