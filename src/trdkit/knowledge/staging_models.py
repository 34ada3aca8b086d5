"""Row models of ``staging.yaml``: every value of the staging models with its source and tag.

Each cited row names a header source key and a confidence tag (V, S, K, U as in
``scale_scoring.yaml``); the table loader (``staging.py``) checks the keys and the consistency of
stage chains and bands.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit.knowledge.drugs import DrugClass
from trdkit.knowledge.scale_scoring import Confidence

__all__ = [
    "Category",
    "ChainStep",
    "Cited",
    "CitedBool",
    "CitedCategories",
    "CitedCount",
    "CitedLevel",
    "CitedPoints",
    "ClassGroup",
    "ClinicianSeverity",
    "CountBand",
    "CrdRule",
    "DurationBand",
    "EctRule",
    "EuropeanLevel",
    "EuropeanRules",
    "MaudsleyBand",
    "MaudsleyRules",
    "MghItem",
    "MghPoints",
    "MghSRules",
    "Row",
    "ScaleRange",
    "ScaleSeverity",
    "SeverityLevel",
    "SeverityPoints",
    "ThaseRushRules",
    "TotalBand",
]

Category = Literal[
    "antidepressant",
    "augmentation",
    "combination",
    "neuromodulation",
    "rapid_acting",
    "psychotherapy",
    "other",
]
"""Trial categories of the resistance engine (``TrialCategory`` values)."""

SeverityLevel = Literal[
    "subsyndromal", "mild", "moderate", "severe_without_psychosis", "severe_with_psychosis"
]
"""Maudsley symptom-severity categories (Fekadu 2018 Table 3)."""

MaudsleyBand = Literal["mild", "moderate", "severe"]
"""Bands of the MSM total (Fekadu 2018 Table 3)."""

MghItem = Literal[
    "adequate_failed_trial",
    "dose_optimisation",
    "duration_optimisation",
    "augmentation_or_combination",
    "ect_course",
]
"""Items of the MGH-s score (Fava 2003)."""


class Row(BaseModel):
    """A frozen row that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(Row):
    """A row that names its source key and confidence tag."""

    source: str
    confidence: Confidence


class CitedBool(Cited):
    """A cited yes/no setting."""

    value: bool


class CitedCount(Cited):
    """A cited count; ``None`` means no limit."""

    value: int | None = Field(ge=0)


class CitedPoints(Cited):
    """A cited point value."""

    value: int = Field(ge=0)


class CitedCategories(Cited):
    """The trial categories a rule reads."""

    value: tuple[Category, ...] = Field(min_length=1)


class CitedLevel(Cited):
    """A cited Maudsley severity level."""

    value: SeverityLevel


class ClassGroup(Cited):
    """A catalogue drug class read as one class of the staging models."""

    drug_class: DrugClass
    group: str


class EctRule(Row):
    """What makes an ECT course count as failed."""

    min_sessions: CitedCount


class ChainStep(Cited):
    """One Thase-Rush stage: what it adds to the stage before."""

    stage: int = Field(ge=1, le=5)
    needs: Literal["any_class", "different_class", "class_group", "bilateral_ect"]
    group: str | None = None
    text: str


class ThaseRushRules(Row):
    """Thase-Rush: the trials counted and the stage chain (Thase & Rush 1997)."""

    sources: tuple[str, ...] = Field(min_length=1)
    counted_categories: CitedCategories
    own_trial_per_stage: CitedBool
    stages: tuple[ChainStep, ...] = Field(min_length=1)


class EuropeanLevel(Cited):
    """One ESM category: the failures that map to it and its treatment-week band."""

    category: str
    failures: int = Field(ge=1)
    min_weeks: float = Field(ge=0)
    max_weeks: float = Field(ge=0)


class CrdRule(Cited):
    """Chronic resistant depression: long resistance including a failed augmentation."""

    min_treatment_weeks: float = Field(gt=0)
    augmentation_requires_adequate: bool


class EuropeanRules(Row):
    """European Staging Method: counted trials, levels and CRD (Souery 1999)."""

    sources: tuple[str, ...] = Field(min_length=1)
    counted_categories: CitedCategories
    count_ect: CitedBool
    require_different_classes: CitedBool
    level_from_failures: CitedBool
    levels: tuple[EuropeanLevel, ...] = Field(min_length=2)
    crd: CrdRule


class MghPoints(Cited):
    """Points of one MGH-s item (Fava 2003)."""

    item: MghItem
    points: float = Field(ge=0)


class MghSRules(Row):
    """MGH-s: item points and the trial categories each item reads (Fava 2003)."""

    sources: tuple[str, ...] = Field(min_length=1)
    points: tuple[MghPoints, ...]
    trial_categories: CitedCategories
    augmentation_categories: CitedCategories
    optimisation_categories: CitedCategories

    def item(self, name: MghItem) -> MghPoints:
        """Return the points row of ``name``."""
        return next(p for p in self.points if p.item == name)


class DurationBand(Cited):
    """An MSM episode-duration band; ``max_months`` ``None`` is open-ended."""

    max_months: float | None = Field(default=None, gt=0)
    points: int = Field(ge=1)
    label: str


class SeverityPoints(Cited):
    """Points of one MSM severity level."""

    level: SeverityLevel
    points: int = Field(ge=1)


class CountBand(Cited):
    """An MSM failed-antidepressant band; ``max_count`` ``None`` is open-ended."""

    max_count: int | None = Field(default=None, ge=1)
    points: int = Field(ge=1)


class TotalBand(Cited):
    """An MSM total band with inclusive bounds."""

    band: MaudsleyBand
    lower: int
    upper: int


class ClinicianSeverity(Cited):
    """The MSM level of a clinician severity rating."""

    severity: Literal["mild", "moderate", "severe"]
    level: SeverityLevel


class ScaleRange(Row):
    """Inclusive range of a scale total and its MSM level."""

    lower: int
    upper: int
    level: SeverityLevel


class ScaleSeverity(Cited):
    """How one instrument's total maps to a Maudsley severity level."""

    instrument: str
    ranges: tuple[ScaleRange, ...] = Field(min_length=1)

    def level_for(self, total: int) -> SeverityLevel | None:
        """Return the level holding ``total``, if any."""
        return next((r.level for r in self.ranges if r.lower <= total <= r.upper), None)


class MaudsleyRules(Row):
    """Maudsley Staging Method: items, bands and how the record maps to them."""

    sources: tuple[str, ...] = Field(min_length=1)
    duration_bands: tuple[DurationBand, ...] = Field(min_length=1)
    severity_levels: tuple[SeverityPoints, ...] = Field(min_length=5, max_length=5)
    antidepressant_bands: tuple[CountBand, ...] = Field(min_length=1)
    augmentation_points: CitedPoints
    ect_points: CitedPoints
    total_bands: tuple[TotalBand, ...] = Field(min_length=1)
    antidepressant_categories: CitedCategories
    augmentation_categories: CitedCategories
    augmentation_requires_adequate: CitedBool
    ect_requires_adequate: CitedBool
    psychotic_features_level: CitedLevel
    clinician_severity: tuple[ClinicianSeverity, ...]
    scale_severity: tuple[ScaleSeverity, ...]

    def severity_points(self, level: SeverityLevel) -> SeverityPoints:
        """Return the points row of a severity level."""
        return next(s for s in self.severity_levels if s.level == level)

    def total_range(self) -> tuple[int, int]:
        """Lowest and highest total the items can reach."""
        per_item = [
            [b.points for b in self.duration_bands],
            [s.points for s in self.severity_levels],
            [b.points for b in self.antidepressant_bands],
        ]
        extra = self.augmentation_points.value + self.ect_points.value
        return sum(map(min, per_item)), sum(map(max, per_item)) + extra
