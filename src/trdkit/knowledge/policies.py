"""Loader for ``policies.yaml``: named TRD definitions with their parameters."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table

__all__ = ["PolicyDefinition", "PolicyTable", "load_policy_table"]


class PolicyDefinition(BaseModel):
    """A TRD definition and the parameters that decide trial adequacy under it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_+]*$")
    title: str
    default: bool = False
    min_failed_trials: int = Field(ge=1, le=10)
    min_weeks: float = Field(gt=0, le=52)
    augmentation_min_weeks: float = Field(gt=0, le=52)
    response_below_pct: float = Field(gt=0, le=100)
    dose_table: Literal["atrq", "canmat_low", "athf_l3"]
    require_different_mechanism: bool
    count_augmentation: bool
    count_combination: bool
    count_neuromodulation: bool
    unknown_adherence_counts: bool
    sources: tuple[str, ...] = Field(min_length=1)

    def params(self) -> dict[str, object]:
        """The parameters as applied, for the output's ``policy.params``."""
        return self.model_dump(exclude={"id", "title", "default", "sources"})


class PolicyTable(BaseModel):
    """All named policies, by id."""

    model_config = ConfigDict(frozen=True)

    header: TableHeader
    policies: Mapping[str, PolicyDefinition]

    @property
    def default(self) -> PolicyDefinition:
        """The policy applied when none is named (``ema_2013``)."""
        return next(p for p in self.policies.values() if p.default)


@cache
def load_policy_table() -> PolicyTable:
    """Load and validate ``policies.yaml``; exactly one policy is the default."""
    header, body = read_yaml_table("policies.yaml")
    rows = [PolicyDefinition.model_validate(r) for r in body["policies"]]
    for row in rows:
        if missing := set(row.sources) - header.source_keys():
            raise KnowledgeError(f"policies.yaml: {row.id} cites unknown sources {missing}")
    if sum(r.default for r in rows) != 1:
        raise KnowledgeError("policies.yaml: exactly one policy must be the default")
    return PolicyTable(header=header, policies={r.id: r for r in rows})
