"""Loader for the CPIC guidance tables ``pgx/guidance_<drugs>.yaml``.

Each table (written by ``scripts/ingest_pgx.py``) holds, for one CPIC guideline file and the
drugs it covers, one row per lookup key: the strength of the recommendation, trdkit's action
codes (most severe first), dose factors where the guideline gives a number, and a summary in
trdkit's own words. The tables derive from ClinPGx guideline annotations and carry that
licence (CC BY-SA 4.0) in their headers.

References
----------
Bousman CA, Stevenson JM, Ramsey LB, et al. CPIC guideline for CYP2D6, CYP2C19, CYP2B6, SLC6A4,
and HTR2A genotypes and serotonin reuptake inhibitor antidepressants. Clin Pharmacol Ther.
2023;114(1):51-68.
Hicks JK, Sangkuhl K, Swen JJ, et al. CPIC guideline for CYP2D6 and CYP2C19 genotypes and dosing
of tricyclic antidepressants: 2016 update. Clin Pharmacol Ther. 2017;102(1):37-44.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, cached_property
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trdkit.knowledge._table import KnowledgeError, TableHeader, list_tables, read_yaml_table

__all__ = [
    "ACTIONS",
    "GuidanceAction",
    "GuidanceRow",
    "GuidanceTable",
    "guidance_drugs",
    "load_pgx_guidance",
]

# The action vocabulary (trdkit.pgx.model.Action repeats it for the output models).
GuidanceAction = Literal[
    "use_standard_dose",
    "reduce_dose",
    "increase_dose",
    "titrate_slowly",
    "consider_alternative",
    "avoid",
    "no_recommendation",
]
ACTIONS: tuple[str, ...] = get_args(GuidanceAction)
_FILE = re.compile(r"^pgx/guidance_(?P<drugs>[a-z_]+)\.yaml$")


class GuidanceRow(BaseModel):
    """One CPIC recommendation for one lookup key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lookup: dict[str, str] = Field(min_length=1)
    strength: Literal["Strong", "Moderate", "Optional", "No recommendation"]
    actions: tuple[GuidanceAction, ...] = Field(min_length=1)
    start_dose_factor: float | None = Field(default=None, gt=0, le=2)
    start_dose_factor_range: tuple[float, float] | None = None
    maintenance_dose_factor: float | None = Field(default=None, gt=0, le=3)
    alternative_not_via: tuple[str, ...] = ()
    if_no_response: tuple[GuidanceAction, ...] = ()
    max_dose_mg: int | None = Field(default=None, gt=0)
    label_max_dose_mg: int | None = Field(default=None, gt=0)
    summary: str = Field(min_length=1)
    clinpgx_id: str = Field(pattern=r"^PA\d+$")
    sources: tuple[str, ...] = Field(min_length=1)


class GuidanceTable(BaseModel):
    """The CPIC rows of one drug, with the guideline they come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header: TableHeader
    drug: str
    guideline: str = Field(description="Short label, e.g. 'CPIC 2023 SSRI/SNRI'.")
    guideline_source: str
    genes: tuple[str, ...] = Field(min_length=1)
    rows: tuple[GuidanceRow, ...] = Field(min_length=1)

    @property
    def citation(self) -> str:
        """Full citation of the guideline."""
        return next(s.citation for s in self.header.sources if s.key == self.guideline_source)

    @cached_property
    def rows_by_lookup(self) -> dict[tuple[str, ...], GuidanceRow]:
        """The rows by their lookup keys in gene order (unique: the loader checks)."""
        return {tuple(row.lookup[g] for g in self.genes): row for row in self.rows}

    @cached_property
    def keys_by_gene(self) -> dict[str, tuple[str, ...]]:
        """Every lookup key per gene, in table order, without repeats."""
        return {g: tuple(dict.fromkeys(row.lookup[g] for row in self.rows)) for g in self.genes}

    def find(self, lookup: Mapping[str, str]) -> GuidanceRow | None:
        """Return the row whose lookup equals ``lookup`` (gene -> key), or ``None``."""
        # Every row is keyed on exactly the table's genes (the loader checks), so an index
        # lookup gives the same row as comparing each row's lookup with ``lookup``.
        if len(lookup) != len(self.genes) or any(g not in lookup for g in self.genes):
            return None
        return self.rows_by_lookup.get(tuple(lookup[g] for g in self.genes))

    def keys(self, gene: str) -> tuple[str, ...]:
        """Every lookup key the table holds for ``gene``, in table order, without repeats."""
        return self.keys_by_gene[gene]


@cache
def _files() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in list_tables():
        match = _FILE.match(path)
        if match:
            for drug in match["drugs"].split("_"):
                found[drug] = path
    return found


@cache
def _read(relpath: str) -> tuple[TableHeader, dict[str, Any]]:
    # Drugs sharing a guideline file (citalopram, escitalopram) share one parse.
    return read_yaml_table(relpath)


@cache
def guidance_drugs() -> tuple[str, ...]:
    """Every drug (catalogue id) with CPIC guidance, sorted."""
    return tuple(sorted(_files()))


@cache
def load_pgx_guidance(drug: str) -> GuidanceTable:
    """Load and validate the CPIC guidance of ``drug`` (once per process).

    Parameters
    ----------
    drug
        Catalogue id, e.g. ``"escitalopram"``.

    Returns
    -------
    GuidanceTable
        The drug's rows.

    Raises
    ------
    KnowledgeError
        If no table covers the drug, or the table is invalid: an unknown action, a row citing a
        source the header does not list, a row whose genes differ from the table's, or a
        repeated lookup key.
    """
    relpath = _files().get(drug)
    if relpath is None:
        raise KnowledgeError(f"no CPIC guidance table for {drug!r}")
    header, body = _read(relpath)
    try:
        table = GuidanceTable.model_validate(
            {
                "header": header,
                "drug": drug,
                "guideline": body["guideline"],
                "guideline_source": body["guideline_source"],
                "genes": body["genes"],
                "rows": body["drugs"][drug],
            }
        )
    except (ValidationError, KeyError) as exc:
        raise KnowledgeError(f"{relpath}: {drug}: {exc}") from exc
    keys = header.source_keys()
    if table.guideline_source not in keys:
        raise KnowledgeError(f"{relpath}: guideline source {table.guideline_source} not cited")
    seen: set[tuple[str, ...]] = set()
    for row in table.rows:
        if missing := set(row.sources) - keys:
            raise KnowledgeError(f"{relpath}: {row.clinpgx_id} cites unknown {sorted(missing)}")
        if tuple(row.lookup) != table.genes:
            raise KnowledgeError(f"{relpath}: {row.clinpgx_id} is keyed on {list(row.lookup)}")
        key = tuple(row.lookup.values())
        if key in seen:
            raise KnowledgeError(f"{relpath}: {drug} repeats the lookup {row.lookup}")
        seen.add(key)
    return table
