"""Output models of the resistance engine: per-trial verdicts, TRD status and stages.

These are the interface between the adequacy rules (``adequacy.py``), the TRD status
(``status.py``), the staging models (``staging/``) and the false-TRD screen (``screen.py``); the
``trd`` key of ``trdkit.assessment/1`` is a ``TrdResult``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit.record.vocab import Episode, Optimised, Outcome, Role

__all__ = [
    "MaudsleyStage",
    "StageBreakdown",
    "Stages",
    "TrdResult",
    "TrdStatus",
    "TrialCategory",
    "TrialVerdict",
    "Verdict",
]


class TrdStatus(StrEnum):
    """TRD status, in the contract's order of precedence (assessment-output.md)."""

    not_applicable = "not_applicable"
    insufficient_data = "insufficient_data"
    trd = "trd"
    pseudo_resistant = "pseudo_resistant"
    not_trd = "not_trd"


class TrialCategory(StrEnum):
    """What kind of treatment a trial is, for counting rules."""

    antidepressant = "antidepressant"  # an antidepressant given as monotherapy
    augmentation = "augmentation"  # an agent added to an antidepressant
    combination = "combination"  # two antidepressants together
    neuromodulation = "neuromodulation"  # ECT, rTMS, iTBS, VNS, DBS
    rapid_acting = "rapid_acting"  # esketamine, IV ketamine
    psychotherapy = "psychotherapy"
    other = "other"  # light therapy, non-antidepressant monotherapy


class Verdict(StrEnum):
    """The single verdict shown for a trial; ``counts_as_failure`` is true only for the first."""

    adequate_failure = "adequate_failure"
    inadequate_dose = "inadequate_dose"
    inadequate_duration = "inadequate_duration"
    inadequate_adherence = "inadequate_adherence"
    early_stop = "early_stop"  # stopped before week 4 without evidence of non-response
    intolerance = "intolerance"  # intolerance is not resistance
    response = "response"  # responded or remitted
    response_lost = "response_lost"  # responded, then lost the response: not a failure
    ongoing = "ongoing"
    outcome_unknown = "outcome_unknown"
    adequacy_undecided = "adequacy_undecided"  # failed, but dose or duration not recorded
    prior_episode = "prior_episode"  # informs history, not TRD counting
    not_counted = "not_counted"  # the policy does not count this kind of treatment


class TrialVerdict(BaseModel):
    """One trial of the record judged under the policy (``trd.trials[]``)."""

    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0, description="Position of the trial in the record's treatments.")
    treatment: str = Field(description="Catalogue drug id or procedure name.")
    category: TrialCategory
    drug_class: str | None = None
    role: Role = Role.monotherapy
    episode: Episode = Episode.current
    outcome: Outcome
    start: str | None = None
    end: str | None = None
    dose_mg_per_day: float | None = None
    min_dose_mg_per_day: float | None = Field(
        default=None, description="Minimum adequate dose under the policy's dose table."
    )
    weeks: float | None = None
    min_weeks: float | None = None
    improvement_pct: float | None = None
    optimised: Optimised | None = None
    adequate: bool | None = Field(
        description="Adequate dose, duration and adherence; None if undecided."
    )
    failed_outcome: bool = Field(description="The outcome is a failure (no or partial response).")
    naive_failure: bool = Field(
        description="Counted by a naive count: a failed outcome, adequacy aside."
    )
    counts_as_failure: bool
    verdict: Verdict
    because: list[str] = Field(min_length=1)
    missing: list[str] = Field(
        default_factory=list, description="What the record lacks to judge this trial's adequacy."
    )


class StageBreakdown(BaseModel):
    """The items behind one staging model's result, with reasons."""

    model_config = ConfigDict(extra="forbid")

    items: dict[str, float | int | str | None] = Field(default_factory=dict)
    because: list[str] = Field(default_factory=list)
    source: str


class MaudsleyStage(BaseModel):
    """Maudsley Staging Method total, band and items (Fekadu 2009; 2018)."""

    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=3, le=15)
    band: Literal["mild", "moderate", "severe"]
    items: dict[str, int]
    because: list[str] = Field(default_factory=list)


class Stages(BaseModel):
    """Every staging model's result; ``breakdown`` holds each model's items and reasons."""

    model_config = ConfigDict(extra="forbid")

    thase_rush: int | None = Field(default=None, ge=0, le=5)
    european: str | None = Field(
        default=None, description="non_responder | TRD1..TRD5 | CRD | null"
    )
    mgh_s: float | None = Field(default=None, ge=0)
    maudsley: MaudsleyStage | None = None
    breakdown: dict[str, StageBreakdown] = Field(default_factory=dict)


class TrdResult(BaseModel):
    """The ``trd`` section: status under the policy, trial verdicts and stages."""

    model_config = ConfigDict(extra="forbid")

    status: TrdStatus
    definition: str = Field(description="Id of the TRD policy applied.")
    adequate_failed_trials: int = Field(ge=0)
    naive_failed_trials: int = Field(ge=0)
    trials: list[TrialVerdict] = Field(default_factory=list)
    stages: Stages = Field(default_factory=Stages)
    missing: list[str] = Field(
        default_factory=list, description="What missing data kept the status from being decided."
    )
    because: list[str] = Field(min_length=1)
