"""The record's rating-scale administrations, validated against ``instruments.yaml``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from trdkit.knowledge.instruments import load_instruments
from trdkit.record._types import PathError
from trdkit.record.vocab import Instrument, MdqProblem

__all__ = ["BIPOLARITY_INDEX_DOMAIN_VALUES", "BipolarityDomains", "ScaleAdministration"]

# Aiken, Weisler & Sachs 2015 (J Affect Disord 177:59-64): each domain is rated on these points.
BIPOLARITY_INDEX_DOMAIN_VALUES = (0, 2, 5, 10, 15, 20)

DomainPoints = Literal[0, 2, 5, 10, 15, 20]


class BipolarityDomains(BaseModel):
    """The five Bipolarity Index domains (Aiken et al. 2015)."""

    model_config = ConfigDict(extra="forbid")

    episode: DomainPoints
    age_at_onset: DomainPoints
    course: DomainPoints
    response: DomainPoints
    family_history: DomainPoints


_EXTRA_FIELDS = ("difficulty", "same_period", "problem", "behaviour_past_3_months", "domains")


class ScaleAdministration(BaseModel):
    """One administration of one instrument on one date."""

    model_config = ConfigDict(extra="forbid")

    instrument: Instrument
    date: dt.date
    items: list[StrictInt | None] | None = None
    total: StrictInt | None = None
    difficulty: int | None = Field(default=None, ge=0, le=3)
    same_period: StrictBool | None = None
    problem: MdqProblem | None = None
    behaviour_past_3_months: StrictBool | None = None
    domains: BipolarityDomains | None = None

    @model_validator(mode="after")
    def _matches_instrument(self) -> ScaleAdministration:
        spec = load_instruments()[self.instrument.value]
        for name in _EXTRA_FIELDS:
            if getattr(self, name) is not None and name not in spec.extra:
                allowed = ", ".join(spec.extra) or "none"
                raise PathError(
                    (name,), f"not a field of {spec.name} (extra fields allowed: {allowed})"
                )
        if self.instrument is Instrument.bipolarity_index:
            if self.domains is None:
                raise PathError(("domains",), "the Bipolarity Index needs its five domains")
            if self.items is not None or self.total is not None:
                raise PathError(("total",), "give the Bipolarity Index as domains only")
            return self
        if self.items is not None and spec.items == 0:
            raise PathError(("items",), f"{spec.name} is recorded as total only")
        if self.items is not None and self.total is not None:
            raise PathError(("total",), f"give {spec.name} as items or as total, not both")
        if self.items is None and self.total is None:
            what = "items or total" if spec.accepts_total and spec.items else "total"
            if not spec.accepts_total:
                what = "items"
            raise PathError(("items",), f"{spec.name} needs {what}")
        if self.total is not None:
            if not spec.accepts_total:
                raise PathError(("total",), f"{spec.name} is recorded as items only")
            lo, hi = spec.total_min, spec.total_max
            if lo is not None and hi is not None and not lo <= self.total <= hi:
                raise PathError(
                    ("total",), f"{self.total} is out of range for {spec.name} ({lo}-{hi})"
                )
        if self.items is not None:
            if len(self.items) != spec.items:
                raise PathError(
                    ("items",),
                    f"{spec.name} has {spec.items} items; {len(self.items)} were given",
                )
            for i, (value, top) in enumerate(zip(self.items, spec.item_max, strict=True)):
                if value is not None and not 0 <= value <= top:
                    raise PathError(
                        ("items", i),
                        f"{value} is not an allowed answer for {spec.name} item {i + 1} "
                        f"(allowed: 0-{top}, or null when missing)",
                    )
        return self
