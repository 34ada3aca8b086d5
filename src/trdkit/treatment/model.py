"""Output models of the treatment-option engine: ``options`` and ``excluded_options``.

An :class:`Option` is a ranked next step with its agents (drug, dose note, pharmacogenomic
action), evidence per source, washout step, expected outcome, cautions and reasons; an
:class:`ExcludedOption` is a step that was considered and ruled out, naming the rules. Option ids
are a closed vocabulary (assessment-output.md, "Option ids"); they are stable and never reused.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit.pgx.model import Action

__all__ = [
    "Agent",
    "Evidence",
    "ExcludedOption",
    "Option",
    "OptionCategory",
    "OptionId",
    "Washout",
]


class OptionId(StrEnum):
    """Fixed option ids of ``trdkit.assessment/1``; the titles live in ``options.yaml``."""

    optimise_dose = "optimise_dose"
    switch_different_class = "switch_different_class"
    switch_same_class = "switch_same_class"
    augment_aripiprazole = "augment_aripiprazole"
    augment_brexpiprazole = "augment_brexpiprazole"
    augment_quetiapine = "augment_quetiapine"
    augment_cariprazine = "augment_cariprazine"
    augment_risperidone = "augment_risperidone"
    augment_lithium = "augment_lithium"
    augment_t3 = "augment_t3"
    augment_pramipexole = "augment_pramipexole"
    combine_mirtazapine = "combine_mirtazapine"
    combine_bupropion = "combine_bupropion"
    olanzapine_fluoxetine = "olanzapine_fluoxetine"
    switch_tca = "switch_tca"
    switch_maoi = "switch_maoi"
    esketamine = "esketamine"
    ketamine_iv = "ketamine_iv"
    ect = "ect"
    rtms = "rtms"
    vns = "vns"
    dbs_research = "dbs_research"
    add_cbt = "add_cbt"
    light_therapy = "light_therapy"
    specialist_referral = "specialist_referral"
    mood_stabiliser_instead = "mood_stabiliser_instead"
    antipsychotic_for_psychotic_depression = "antipsychotic_for_psychotic_depression"


OptionCategory = Literal[
    "optimisation",
    "switch",
    "augmentation",
    "combination",
    "rapid_acting",
    "neuromodulation",
    "psychotherapy",
    "light_therapy",
    "referral",
    "bipolar",
    "psychotic_depression",
    "research",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Shared(_Out):
    # Frozen: one validated instance is shared by every option and assessment that has it.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agent(_Shared):
    """A drug the option starts (or, for ``optimise_dose``, continues)."""

    drug: str = Field(description="Catalogue drug id.")
    dose_note: str | None = Field(default=None, description="Dose range or target, with source.")
    pgx_action: Action | None = Field(
        default=None, description="CPIC action for this genotype (worst case across alternatives)."
    )
    pgx_note: str | None = Field(default=None, description="CPIC guidance summary, when any.")


class Evidence(_Shared):
    """The line of treatment and evidence level one source gives the option."""

    source: str = Field(description="Source and place, e.g. 'CANMAT 2023 Table 7.2'.")
    line: str | None = Field(
        default=None, description="first | second | third | recommended | suggested | option | …"
    )
    level: int | None = Field(default=None, ge=1, le=4, description="CANMAT evidence level 1-4.")
    note: str | None = None


class Washout(_Out):
    """A washout step: stop a drug, wait, then start (never an immediate start)."""

    stop: str = Field(description="The drug whose washout sets the earliest start.")
    also_stop: list[str] = Field(default_factory=list, description="Other drugs to stop first.")
    wait_days: int = Field(ge=0)
    earliest_start: dt.date
    because: list[str] = Field(min_length=1)


class Option(_Out):
    """A ranked next step."""

    id: OptionId
    title: str
    category: OptionCategory
    rank: int = Field(ge=1)
    agents: list[Agent] = Field(default_factory=list)
    evidence: list[Evidence] = Field(min_length=1)
    washout: Washout | None = None
    expected: str | None = Field(default=None, description="Expected outcome, with its source.")
    cautions: list[str] = Field(default_factory=list)
    monitoring: list[str] = Field(default_factory=list)
    because: list[str] = Field(min_length=1)


class ExcludedOption(_Out):
    """A step that was considered and ruled out."""

    id: OptionId
    title: str
    rules: list[str] = Field(min_length=1, description="Ids of the rules that excluded it.")
    because: list[str] = Field(min_length=1)
