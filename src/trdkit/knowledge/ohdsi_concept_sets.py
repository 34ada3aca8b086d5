"""Loader for ``ohdsi_1009_concept_sets.csv``: the concept sets of OHDSI cohort 1009.

Each row is one item of a Circe concept set: a concept, whether it is excluded and whether its
descendants count. The cohort path expands condition sets through the OMOP ``concept_ancestor``
table and matches drug sets at the ingredient level (drug eras are ingredient eras).

References
----------
OHDSI PhenotypeLibrary, cohort 1009, inst/cohorts/1009.json (v3.37.0).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_csv_table

__all__ = ["ConceptSetItem", "ConceptSetTable", "load_ohdsi_concept_sets"]

_TABLE = "ohdsi_1009_concept_sets.csv"


class ConceptSetItem(BaseModel):
    """One item of a concept set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    codeset_id: int = Field(ge=0)
    codeset: str
    concept_id: int
    concept_name: str
    domain_id: str
    vocabulary_id: str
    concept_class_id: str
    concept_code: str
    is_excluded: bool
    include_descendants: bool
    source: str


class ConceptSetTable(BaseModel):
    """All items, with lookups by codeset."""

    model_config = ConfigDict(frozen=True)

    header: TableHeader
    items: tuple[ConceptSetItem, ...]

    def codeset(self, codeset_id: int) -> tuple[ConceptSetItem, ...]:
        """The items of one codeset, in table order."""
        return tuple(i for i in self.items if i.codeset_id == codeset_id)

    @property
    def names(self) -> Mapping[int, str]:
        """Codeset id -> codeset name."""
        return {i.codeset_id: i.codeset for i in self.items}


@cache
def load_ohdsi_concept_sets() -> ConceptSetTable:
    """Load and validate ``ohdsi_1009_concept_sets.csv`` (once per process).

    Returns
    -------
    ConceptSetTable
        The items of every concept set.

    Raises
    ------
    KnowledgeError
        If a row is malformed or cites a source the header does not list.
    """
    header, rows = read_csv_table(_TABLE)
    try:
        items = tuple(ConceptSetItem.model_validate(row) for row in rows)
    except ValidationError as exc:
        raise KnowledgeError(f"{_TABLE}: {exc}") from exc
    if unknown := sorted({i.source for i in items} - header.source_keys()):
        raise KnowledgeError(f"{_TABLE}: rows cite unknown sources {unknown}")
    return ConceptSetTable(header=header, items=items)
