"""Loader for ``instruments.yaml``: the item structure of every rating scale."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table

__all__ = ["InstrumentCatalogue", "InstrumentSpec", "load_instruments"]


class InstrumentSpec(BaseModel):
    """Structure of one instrument: how many items, each item's maximum, totals allowed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    items: int = Field(ge=0, description="Number of scored items; 0 for single-rating scales.")
    item_max: tuple[int, ...]
    accepts_total: bool
    total_min: int | None
    total_max: int | None
    extra: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> InstrumentSpec:
        if len(self.item_max) != self.items:
            raise ValueError(
                f"{self.id}: item_max has {len(self.item_max)} entries, not {self.items}"
            )
        return self


class InstrumentCatalogue(BaseModel):
    """All instruments, by id."""

    model_config = ConfigDict(frozen=True)

    header: TableHeader
    instruments: Mapping[str, InstrumentSpec]

    def __getitem__(self, instrument_id: str) -> InstrumentSpec:
        return self.instruments[instrument_id]


@cache
def load_instruments() -> InstrumentCatalogue:
    """Load and validate ``instruments.yaml``.

    Returns
    -------
    InstrumentCatalogue
        The instruments by id, with the table header.
    """
    header, body = read_yaml_table("instruments.yaml")
    specs = [InstrumentSpec.model_validate(row) for row in body.get("instruments", [])]
    keys = header.source_keys()
    for spec in specs:
        unknown = set(spec.sources) - keys
        if unknown:
            raise KnowledgeError(f"instruments.yaml: {spec.id} cites unknown sources {unknown}")
    return InstrumentCatalogue(header=header, instruments={s.id: s for s in specs})
