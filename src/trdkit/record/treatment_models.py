"""The record's treatment trials: a drug or a procedure, with dose, dates and outcome."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from trdkit.record._types import PathError
from trdkit.record.drug_names import canonical_drug
from trdkit.record.vocab import (
    Adherence,
    EctLaterality,
    Episode,
    Optimised,
    Outcome,
    Procedure,
    Role,
)

__all__ = ["DRUGS_READ_AS_PROCEDURES", "Treatment"]

# patient-record.md: "esketamine and ketamine are procedures; a `drug:` naming them is read as
# the procedure". Keys are catalogue ids.
DRUGS_READ_AS_PROCEDURES = {"esketamine": Procedure.esketamine, "ketamine": Procedure.ketamine_iv}


class Treatment(BaseModel):
    """One treatment trial. Exactly one of ``drug`` and ``procedure`` is given.

    Drug names are resolved through the drug catalogue by the record loader, which rewrites
    ``drug`` and ``with`` to catalogue ids (``Zoloft`` -> ``sertraline``).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    drug: str | None = Field(default=None, min_length=1)
    procedure: Procedure | None = None
    episode: Episode = Episode.current
    dose_mg_per_day: float | None = Field(default=None, gt=0, le=5000)
    start: dt.date | None = None
    end: dt.date | None = None
    weeks_at_dose: float | None = Field(default=None, ge=0, le=1040)
    adherence: Adherence | None = None
    outcome: Outcome = Outcome.unknown
    improvement_pct: float | None = Field(default=None, ge=-500, le=100)
    optimised: Optimised | None = None
    role: Role = Role.monotherapy
    with_: list[Annotated[str, AfterValidator(canonical_drug)]] = Field(
        default_factory=list, alias="with"
    )
    laterality: EctLaterality | None = None
    sessions: int | None = Field(default=None, ge=1, le=500)
    serum_level_mmol_per_l: float | None = Field(default=None, ge=0, le=10)

    @field_validator("drug")
    @classmethod
    def _known_drug(cls, value: str | None) -> str | None:
        return None if value is None else canonical_drug(value)

    @model_validator(mode="after")
    def _coherent(self) -> Treatment:
        if self.drug in DRUGS_READ_AS_PROCEDURES and self.procedure is None:
            self.procedure = DRUGS_READ_AS_PROCEDURES[self.drug]
            self.drug = None
        if (self.drug is None) == (self.procedure is None):
            raise PathError(("drug",), "give exactly one of drug or procedure")
        if self.start and self.end and self.end < self.start:
            raise PathError(("end",), f"end {self.end} is before start {self.start}")
        if self.laterality is not None and self.procedure is not Procedure.ect:
            raise PathError(("laterality",), "laterality applies to ECT only")
        if self.with_ and self.role is Role.monotherapy:
            raise PathError(
                ("with",), "`with` needs role: augmentation or combination (monotherapy given)"
            )
        return self

    @property
    def name(self) -> str:
        """The drug id or the procedure name."""
        if self.drug is not None:
            return self.drug
        assert self.procedure is not None
        return self.procedure.value

    def duration_weeks(self) -> float | None:
        """Weeks of the trial: ``weeks_at_dose`` wins over ``start``/``end`` (patient-record.md)."""
        if self.weeks_at_dose is not None:
            return self.weeks_at_dose
        if self.start is not None and self.end is not None:
            return (self.end - self.start).days / 7.0
        return None
