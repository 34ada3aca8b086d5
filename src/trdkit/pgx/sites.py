"""The allele-defining sites of a gene in one genome build, as the readers need them.

A site is one position of the allele definitions placed on the chosen assembly: where to look
(chromosome, position), what the reference genome has there, and which alleles the definitions
know (their order is the allele code the genotype arrays store). On GRCh37 only the positions
with a known GRCh37 coordinate exist; the others are always missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from trdkit.knowledge.pgx_alleles import load_allele_definitions

__all__ = ["MISSING", "NOVEL", "Assembly", "Site", "edit_span", "gene_sites", "spans_touch"]

Assembly = Literal["GRCh38", "GRCh37"]

# Allele codes beside the definition indices 0..k-1.
MISSING = -1  # no call on this chromosome copy
NOVEL = -2  # an allele no definition uses (or a conflict between records)


def edit_span(pos: int, ref: str, alt: str) -> tuple[int, int]:
    """The reference interval an allele changes, after trimming shared bases.

    Returns a half-open ``(start, end)``; ``start == end`` is an insertion before ``start``.
    """
    r, a = ref, alt
    while r and a and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    start = pos
    while r and a and r[0] == a[0]:
        r, a = r[1:], a[1:]
        start += 1
    return start, start + len(r)


def spans_touch(e: tuple[int, int], f: tuple[int, int]) -> bool:
    """Whether two edits (see ``edit_span``) change overlapping sequence."""
    (e0, e1), (f0, f1) = e, f
    if e0 < e1 and f0 < f1:
        return e0 < f1 and f0 < e1
    if e0 == e1 and f0 < f1:
        return f0 < e0 < f1
    if f0 == f1 and e0 < e1:
        return e0 < f0 < e1
    return e0 == f0


@dataclass(frozen=True, slots=True)
class Site:
    """One allele-defining position of ``gene`` on the chosen assembly."""

    gene: str
    index: int
    chrom: str
    pos: int
    ref: str
    alleles: tuple[str, ...]
    rsid: str | None
    kind: str
    effects: tuple[tuple[int, int], ...]

    @property
    def end(self) -> int:
        """Last reference base the site's reference allele covers."""
        return self.pos + len(self.ref) - 1

    @property
    def ref_code(self) -> int:
        """Allele code of the assembly's reference allele (``NOVEL`` if no definition uses it)."""
        return self.alleles.index(self.ref) if self.ref in self.alleles else NOVEL


@cache
def gene_sites(gene: str, assembly: Assembly) -> tuple[Site, ...]:
    """The gene's sites on ``assembly``, sorted by position."""
    defs = load_allele_definitions(gene)
    sites = []
    for i, p in enumerate(defs.positions):
        if assembly == "GRCh38":
            pos, ref = p.pos, p.ref
        elif p.grch37 is not None:
            pos, ref = p.grch37.pos, p.grch37.ref
        else:
            continue
        effects = tuple(edit_span(pos, ref, a) for a in p.alleles if a != ref)
        sites.append(
            Site(
                gene=gene,
                index=i,
                chrom=defs.chromosome_number,
                pos=pos,
                ref=ref,
                alleles=p.alleles,
                rsid=p.rsid,
                kind=p.type,
                effects=effects,
            )
        )
    return tuple(sorted(sites, key=lambda s: s.pos))
