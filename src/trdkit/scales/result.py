"""``ScaleResult``: what scoring one administration of one instrument concludes.

The keys of the contract's ``scales`` array (``trdkit.assessment/1``) are fields here with the same
names and meanings; the other fields are additions the contract allows. A value that could not be
decided is ``None`` rather than a guess, and ``because`` says why.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit.record.vocab import Instrument

__all__ = ["Algorithm", "RiskLevel", "ScaleResult"]

Algorithm = Literal[
    "major_depressive_syndrome", "other_depressive_syndrome", "none", "undetermined"
]
"""Outcome of the PHQ-9 diagnostic algorithm (PHQ manual)."""

RiskLevel = Literal["none", "low", "moderate", "high", "not_determinable"]
"""C-SSRS screener triage level; ``not_determinable`` when missing answers could change it."""


class ScaleResult(BaseModel):
    """The scored result of one scale administration.

    Per-administration fields are set by the instrument's scorer; ``change_from_baseline_pct``,
    ``baseline_date``, ``response``, ``remission`` and ``remission_cutoff`` are set afterwards by
    the series step, which looks at every administration of the same instrument.

    References
    ----------
    trdkit contract ``trdkit.assessment/1``, the ``scales`` array (shared/contract/
    assessment-output.md); scoring rules and sources in ``knowledge/scale_scoring.yaml``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    instrument: Instrument
    name: str = Field(description="Display name of the instrument, e.g. 'PHQ-9'.")
    date: dt.date
    total: int | None = Field(
        default=None, description="Total score; None when it could not be computed (or C-SSRS)."
    )
    band: str | None = Field(default=None, description="Severity band id, e.g. 'moderate'.")
    band_label: str | None = Field(default=None, description="Display text of the band.")
    prorated: bool = Field(default=False, description="The total was prorated for missing items.")
    items_assessed: bool = Field(description="Item-level answers were recorded (not a total only).")
    missing_items: list[int] = Field(
        default_factory=list, description="1-based numbers of the items left unanswered."
    )
    valid: bool = Field(
        default=True,
        description="False when missing answers left the main result (total or risk) undecided.",
    )
    loinc: str | None = Field(
        default=None, description="LOINC code of the total (or risk level); None when local."
    )
    algorithm: Algorithm | None = Field(
        default=None, description="PHQ-9 diagnostic algorithm; None without item answers."
    )
    item9: int | None = Field(
        default=None, description="PHQ-9 item 9 answer; None when missing or not recorded."
    )
    positive: bool | None = Field(
        default=None, description="Screen result (PHQ-2, GAD-7, MDQ, HCL-32, Bipolarity Index)."
    )
    risk_level: RiskLevel | None = Field(default=None, description="C-SSRS screener triage level.")
    change_from_baseline_pct: float | None = Field(
        default=None, description="(total - baseline) / baseline x 100, one decimal."
    )
    baseline_date: dt.date | None = Field(
        default=None, description="Date of the baseline administration used for the change."
    )
    response: bool | None = None
    remission: bool | None = None
    remission_cutoff: int | None = Field(
        default=None, description="The remission cut-off applied (total at or below it)."
    )
    because: list[str] = Field(
        default_factory=list, description="Short reasons naming the rule and its source."
    )
