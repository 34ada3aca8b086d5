"""The flag output model and the fixed flag vocabulary."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit.knowledge.flags import load_flag_table

__all__ = ["Flag", "FlagId", "Level", "make_flag", "raise_level"]

Level = Literal["info", "warning", "critical"]
_ORDER: tuple[Level, ...] = ("info", "warning", "critical")


class FlagId(StrEnum):
    """Fixed flag ids of ``trdkit.assessment/1``; stable, never reused."""

    suicide_risk = "suicide_risk"
    suicide_risk_not_assessed = "suicide_risk_not_assessed"
    bipolarity_risk = "bipolarity_risk"
    bipolar_disorder = "bipolar_disorder"
    psychotic_features = "psychotic_features"
    persistent_depressive_disorder = "persistent_depressive_disorder"
    pseudo_resistance_dose = "pseudo_resistance_dose"
    pseudo_resistance_duration = "pseudo_resistance_duration"
    pseudo_resistance_adherence = "pseudo_resistance_adherence"
    intolerance_not_resistance = "intolerance_not_resistance"
    pgx_explained_failure = "pgx_explained_failure"
    comorbid_anxiety = "comorbid_anxiety"
    substance_or_medical_cause = "substance_or_medical_cause"
    catatonia = "catatonia"
    interaction_check_incomplete = "interaction_check_incomplete"
    phenoconversion = "phenoconversion"


class Flag(BaseModel):
    """Something that changes the clinical picture, with its level and reasons."""

    model_config = ConfigDict(extra="forbid")

    id: FlagId
    level: Level
    title: str
    because: list[str] = Field(min_length=1)


def raise_level(level: Level, steps: int = 1) -> Level:
    """Return ``level`` raised by ``steps`` (capped at ``critical``)."""
    return _ORDER[min(_ORDER.index(level) + steps, len(_ORDER) - 1)]


def make_flag(flag_id: FlagId, because: list[str], level: Level | None = None) -> Flag:
    """Build a flag with the title and default level of the knowledge table."""
    definition = load_flag_table().flags[flag_id.value]
    return Flag(
        id=flag_id, level=level or definition.level, title=definition.title, because=because
    )
