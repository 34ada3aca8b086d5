"""Loader for ``flags.yaml``: the fixed flag vocabulary and the flag rules' settings."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table

__all__ = ["FlagDefinition", "FlagSettings", "FlagTable", "load_flag_table"]

Level = Literal["info", "warning", "critical"]


class FlagDefinition(BaseModel):
    """One fixed flag id with its display title and default level."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    level: Level
    sources: tuple[str, ...] = Field(min_length=1)


class FlagSettings(BaseModel):
    """Configurable values of the flag rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suicide_window_days: int = Field(ge=1, le=365)
    prior_attempt_only_level: Level
    tsh_upper_mu_per_l: float = Field(gt=0)
    medical_cause_comorbidities: tuple[str, ...]
    anxiety_comorbidities: tuple[str, ...]
    gad7_anxiety_min_total: int = Field(ge=0, le=21)
    anxiety_specifiers: tuple[str, ...]


class FlagTable(BaseModel):
    """The flag vocabulary, by id."""

    model_config = ConfigDict(frozen=True)

    header: TableHeader
    settings: FlagSettings
    flags: Mapping[str, FlagDefinition]


@cache
def load_flag_table() -> FlagTable:
    """Load and validate ``flags.yaml``."""
    header, body = read_yaml_table("flags.yaml")
    defs = [FlagDefinition.model_validate(row) for row in body["flags"]]
    for d in defs:
        if missing := set(d.sources) - header.source_keys():
            raise KnowledgeError(f"flags.yaml: {d.id} cites unknown sources {missing}")
    if len({d.id for d in defs}) != len(defs):
        raise KnowledgeError("flags.yaml: duplicate flag id")
    return FlagTable(
        header=header,
        settings=FlagSettings.model_validate(body["settings"]),
        flags={d.id: d for d in defs},
    )
