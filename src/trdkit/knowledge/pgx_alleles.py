"""Loader for ``pgx/alleles_<GENE>.json``: star-allele definitions for VCF calling.

Each table lists the positions that define a gene's star alleles (GRCh38, VCF representation,
GRCh37 where PyPGx gives it) and every named allele as the set of VCF alleles it accepts at
each position it defines. A position an allele leaves out means the reference row's allele
(PharmCAT's convention); the matcher resolves that, the table keeps the definitions as
published. The tables are written by ``scripts/ingest_pgx.py`` and must not be edited by hand.

References
----------
.. [1] Sangkuhl K et al. Pharmacogenomics Clinical Annotation Tool (PharmCAT). Clin Pharmacol
   Ther 2020;107(1):203-210. Allele definitions from CPIC and PharmVar.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_json_table

__all__ = [
    "PGX_GENES",
    "AlleleDefinitions",
    "AllelePosition",
    "Exemptions",
    "Grch37Position",
    "NamedAllele",
    "StructuralAllele",
    "UnphasedPriority",
    "load_allele_definitions",
]

PGX_GENES = ("CYP2B6", "CYP2C19", "CYP2D6")


class Grch37Position(BaseModel):
    """Where a defining position lies on GRCh37, and the GRCh37 reference allele there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pos: int = Field(gt=0)
    ref: str = Field(min_length=1)
    source: str


class AllelePosition(BaseModel):
    """One allele-defining position (GRCh38 coordinates, VCF representation)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pos: int = Field(gt=0)
    rsid: str | None
    ref: str = Field(min_length=1)
    alts: tuple[str, ...] = Field(min_length=1)
    type: Literal["snv", "del", "ins", "complex"]
    hgvs: str
    cpic_position: int
    grch37: Grch37Position | None
    source: str

    @property
    def alleles(self) -> tuple[str, ...]:
        """The reference allele followed by the alternates (the matcher's allele indices)."""
        return (self.ref, *self.alts)


class NamedAllele(BaseModel):
    """A star allele: the VCF alleles it accepts at each position it defines."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    id: str | None
    reference: bool
    structural: bool
    defining: Mapping[int, tuple[str, ...]]
    source: str

    @property
    def score(self) -> int:
        """Number of positions the definition names (PharmCAT's specificity score)."""
        return len(self.defining)


class StructuralAllele(BaseModel):
    """An allele made by a deletion, duplication or hybrid gene: not callable from a VCF."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    in_definitions: bool = Field(description="True when an SNV-only look-alike is defined.")
    source: str


class UnphasedPriority(BaseModel):
    """PharmCAT's pick among diplotypes that unphased data cannot tell apart."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    diplotypes: tuple[str, ...]
    pick: str


class Exemptions(BaseModel):
    """Matcher exceptions for one gene (PharmCAT ``exemptions.json``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    required_positions: tuple[int, ...]
    ignored_positions: tuple[int, ...]
    extra_positions: tuple[int, ...]
    ignored_alleles: tuple[str, ...]
    unphased_priorities: tuple[UnphasedPriority, ...]
    amp_tier1_alleles: tuple[str, ...]
    amp_tier1_positions: tuple[int, ...]
    source: str


class AlleleDefinitions(BaseModel):
    """Every definition needed to call one gene from VCF or raw data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header: TableHeader
    gene: str
    chromosome: str
    genome_build: str
    definition_version: str
    reference_allele: str
    vcf_calling: Literal["clinical", "research"]
    copy_number_variable: bool
    exemptions: Exemptions
    positions: tuple[AllelePosition, ...]
    alleles: tuple[NamedAllele, ...]
    structural_alleles: tuple[StructuralAllele, ...]

    @cached_property
    def index(self) -> Mapping[int, int]:
        """GRCh38 position → index into ``positions``."""
        return {p.pos: i for i, p in enumerate(self.positions)}

    def label(self, i: int) -> str:
        """Human-readable name of position ``i``, e.g. ``chr10:94761900 (rs12248560)``."""
        p = self.positions[i]
        rsid = f" ({p.rsid})" if p.rsid else ""
        return f"{self.chromosome}:{p.pos}{rsid}"

    @property
    def chromosome_number(self) -> str:
        """The chromosome without the ``chr`` prefix (``10``)."""
        return self.chromosome.removeprefix("chr")


def _check(defs: AlleleDefinitions, relpath: str) -> None:
    keys = defs.header.source_keys()
    cited = [p.source for p in defs.positions] + [a.source for a in defs.alleles]
    cited += [s.source for s in defs.structural_alleles] + [defs.exemptions.source]
    cited += [p.grch37.source for p in defs.positions if p.grch37 is not None]
    if unknown := set(cited) - keys:
        raise KnowledgeError(f"{relpath}: rows cite unknown sources {sorted(unknown)}")
    refs = [a.name for a in defs.alleles if a.reference]
    if refs != [defs.reference_allele]:
        raise KnowledgeError(f"{relpath}: reference allele rows {refs} != {defs.reference_allele}")
    for allele in defs.alleles:
        for pos, accepted in allele.defining.items():
            if pos not in defs.index:
                raise KnowledgeError(f"{relpath}: {allele.name} names unknown position {pos}")
            if not set(accepted) <= set(defs.positions[defs.index[pos]].alleles):
                raise KnowledgeError(f"{relpath}: {allele.name} at {pos} accepts {accepted}")


@cache
def load_allele_definitions(gene: str) -> AlleleDefinitions:
    """Load and validate the allele definitions of one gene.

    Parameters
    ----------
    gene
        One of ``PGX_GENES`` (``CYP2B6``, ``CYP2C19``, ``CYP2D6``).

    Returns
    -------
    AlleleDefinitions
        Positions, named alleles, structural alleles and matcher exemptions.

    Raises
    ------
    KnowledgeError
        Unknown gene, missing table, invalid header or rows, or a row citing an unknown source.
    """
    if gene not in PGX_GENES:
        raise KnowledgeError(f"no allele definitions for {gene!r}; known: {', '.join(PGX_GENES)}")
    relpath = f"pgx/alleles_{gene}.json"
    header, doc = read_json_table(relpath)
    try:
        defs = AlleleDefinitions.model_validate({"header": header, **doc})
    except ValidationError as exc:
        raise KnowledgeError(f"{relpath}: invalid table: {exc}") from exc
    _check(defs, relpath)
    return defs
