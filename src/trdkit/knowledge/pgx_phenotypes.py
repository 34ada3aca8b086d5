"""Loader for the CPIC phenotype tables ``pgx/phenotypes_<GENE>.json``.

The tables are written by ``scripts/ingest_pgx.py`` from PharmCAT's phenotype files (CPIC
content). CYP2C19 and CYP2B6 list every diplotype with its phenotype; CYP2D6 lists each allele's
activity value and the activity-score bins, because its diplotypes are scored (Caudle 2020).

References
----------
Caudle KE, Sangkuhl K, Whirl-Carrillo M, et al. Standardizing CYP2D6 genotype to phenotype
translation: consensus recommendations from CPIC and DPWG. Clin Transl Sci. 2020;13(1):116-124.
Bousman CA, Stevenson JM, Ramsey LB, et al. CPIC guideline for CYP2D6, CYP2C19, CYP2B6, SLC6A4,
and HTR2A genotypes and serotonin reuptake inhibitor antidepressants. Clin Pharmacol Ther.
2023;114(1):51-68.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table

__all__ = [
    "PGX_GENES",
    "PHENOTYPE_TERMS",
    "AlleleFunction",
    "Phenotype",
    "PhenotypeTable",
    "ScoreBin",
    "ScoredDiplotype",
    "load_pgx_phenotypes",
]

PGX_GENES = ("CYP2B6", "CYP2C19", "CYP2D6")
# The CPIC terms a table may use (pgx-output.md); trdkit.pgx.model repeats them for the output.
Phenotype = Literal[
    "Ultrarapid Metabolizer",
    "Rapid Metabolizer",
    "Normal Metabolizer",
    "Likely Intermediate Metabolizer",
    "Intermediate Metabolizer",
    "Likely Poor Metabolizer",
    "Poor Metabolizer",
    "Indeterminate",
]
PHENOTYPE_TERMS: tuple[str, ...] = get_args(Phenotype)
_SCORE = r"^(≥?\d+\.\d+|n/a)$"


class AlleleFunction(BaseModel):
    """One allele: CPIC function and, for CYP2D6, its activity value (``n/a`` if unknown)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    function: str
    activity_value: str | None = Field(default=None, pattern=_SCORE)


class ScoreBin(BaseModel):
    """One CYP2D6 activity-score range and its phenotype."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phenotype: Phenotype
    min: float
    min_inclusive: bool
    max: float | None
    max_inclusive: bool

    def contains(self, value: float) -> bool:
        """Return whether ``value`` lies in this bin."""
        low = value >= self.min if self.min_inclusive else value > self.min
        if self.max is None:
            return low
        return low and (value <= self.max if self.max_inclusive else value < self.max)


class ScoredDiplotype(BaseModel):
    """A CYP2D6 diplotype whose score or phenotype the general rule would not give."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    activity_score: str = Field(pattern=_SCORE)
    phenotype: Phenotype


class PhenotypeTable(BaseModel):
    """One gene's allele functions and diplotype-to-phenotype translation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header: TableHeader
    gene: Literal["CYP2B6", "CYP2C19", "CYP2D6"]
    method: Literal["diplotype_table", "activity_score"]
    data_version: str
    sources: tuple[str, ...] = Field(min_length=1)
    alleles: Mapping[str, AlleleFunction]
    diplotypes: Mapping[str, Literal[PHENOTYPE_TERMS]] = Field(  # type: ignore[valid-type]
        default_factory=dict
    )
    lookup_key_exceptions: Mapping[str, str] = Field(default_factory=dict)
    bins: tuple[ScoreBin, ...] = ()
    diplotype_exceptions: Mapping[str, ScoredDiplotype] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> PhenotypeTable:
        if self.method == "activity_score" and not self.bins:
            raise ValueError("an activity-score table needs its bins")
        if self.method == "diplotype_table" and not self.diplotypes:
            raise ValueError("a diplotype table needs its diplotypes")
        return self

    def phenotype_of_score(self, value: float, at_least: bool = False) -> str:
        """Phenotype of an activity score; a lower bound decides only in an open-ended bin.

        Parameters
        ----------
        value
            The activity score (or its lower bound).
        at_least
            ``value`` is a lower bound (a ``≥`` score, e.g. from ``*1x≥3``).

        Returns
        -------
        str
            The CPIC phenotype, or ``Indeterminate`` when the score falls in no bin or a lower
            bound leaves the phenotype open.
        """
        for row in self.bins:
            if row.contains(value):
                return row.phenotype if (not at_least or row.max is None) else "Indeterminate"
        return "Indeterminate"

    def diplotype_phenotype(self, first: str, second: str) -> str | None:
        """Phenotype of the diplotype ``first/second`` in either order, or ``None``."""
        return self.diplotypes.get(f"{first}/{second}") or self.diplotypes.get(f"{second}/{first}")

    def lookup_key(self, first: str, second: str, phenotype: str) -> str:
        """CPIC recommendation lookup key of a diplotype (its phenotype unless excepted)."""
        return self.lookup_key_exceptions.get(
            f"{first}/{second}", self.lookup_key_exceptions.get(f"{second}/{first}", phenotype)
        )


@cache
def load_pgx_phenotypes(gene: str) -> PhenotypeTable:
    """Load and validate ``pgx/phenotypes_<gene>.json`` (once per process).

    Parameters
    ----------
    gene
        ``CYP2C19``, ``CYP2B6`` or ``CYP2D6``.

    Returns
    -------
    PhenotypeTable
        The table.

    Raises
    ------
    KnowledgeError
        If the gene has no table, or the table or its header is invalid.
    """
    if gene not in PGX_GENES:
        raise KnowledgeError(f"no phenotype table for gene {gene!r} (known: {PGX_GENES})")
    relpath = f"pgx/phenotypes_{gene}.json"
    header, body = read_yaml_table(relpath)
    try:
        table = PhenotypeTable.model_validate({"header": header, **body})
    except ValidationError as exc:
        raise KnowledgeError(f"{relpath}: {exc}") from exc
    if missing := set(table.sources) - header.source_keys():
        raise KnowledgeError(f"{relpath}: cites unknown sources {sorted(missing)}")
    if table.gene != gene:
        raise KnowledgeError(f"{relpath}: holds gene {table.gene}, not {gene}")
    return table
