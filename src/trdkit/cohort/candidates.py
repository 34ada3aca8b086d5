"""Candidate-SNP mode: find the seed's markers among the genotypes; multiple-testing correction.

The candidate SNPs are the genotype markers of ``research_markers.yaml`` (BDNF rs6265, PPP3CC
rs7430, HTR2A rs6313 and rs7997012, GRIK4 rs1954787 and rs11218030, COMT rs4680). A marker is
found by its rsid in the variant ID column, or else by its GRCh38 position when the table has one
(the genotypes are then assumed to be on GRCh38, and the reason says so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trdkit.cohort.io import Variants
from trdkit.knowledge.research_markers import load_research_markers

__all__ = ["CandidateMatch", "benjamini_hochberg", "bonferroni", "find_candidates"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class CandidateMatch:
    """Where one candidate SNP was found (``row`` is ``None`` when it was not)."""

    rsid: str
    gene: str
    row: int | None
    because: str


def _chrom(name: str) -> str:
    return name.removeprefix("chr").removeprefix("CHR")


def find_candidates(variants: Variants, rsids: tuple[str, ...]) -> list[CandidateMatch]:
    """Locate each of ``rsids`` in ``variants``.

    References
    ----------
    trdkit research notes on research-tier biomarkers, via ``research_markers.yaml`` (rsids,
    genes, GRCh38 positions from PyPGx 0.27.0).
    """
    table = load_research_markers().variants
    by_id: dict[str, int] = {}
    for i, vid in enumerate(variants.id.tolist()):
        by_id.setdefault(vid, i)
    by_pos: dict[tuple[str, int], int] = {}
    chroms = [_chrom(c) for c in variants.chrom.tolist()]
    for i, key in enumerate(zip(chroms, variants.pos.tolist(), strict=True)):
        by_pos.setdefault(key, i)
    out = []
    for rsid in rsids:
        known = table.get(rsid)
        gene = known.gene if known else "?"
        if rsid in by_id:
            out.append(CandidateMatch(rsid, gene, by_id[rsid], f"{rsid} ({gene}) found by its ID"))
            continue
        if known and known.position:
            chrom, _, pos = known.position.partition(":")
            row = by_pos.get((_chrom(chrom), int(pos)))
            if row is not None:
                why = f"{rsid} ({gene}) found at GRCh38 {known.position} (research_markers, pypgx)"
                out.append(CandidateMatch(rsid, gene, row, why))
                continue
        where = f" or at GRCh38 {known.position}" if known and known.position else ""
        out.append(
            CandidateMatch(rsid, gene, None, f"{rsid} ({gene}) not in the genotypes by ID{where}")
        )
    return out


def bonferroni(p: ArrayLike) -> F64:
    """Bonferroni-adjusted p-values (``NaN`` entries are ignored and stay ``NaN``)."""
    arr = np.asarray(p, dtype=np.float64)
    m = int(np.isfinite(arr).sum())
    return np.minimum(arr * max(m, 1), 1.0)


def benjamini_hochberg(p: ArrayLike) -> F64:
    """Benjamini-Hochberg q-values (``NaN`` entries are ignored and stay ``NaN``).

    References
    ----------
    Benjamini Y, Hochberg Y. Controlling the false discovery rate. J R Stat Soc B.
    1995;57(1):289-300.
    """
    arr = np.asarray(p, dtype=np.float64)
    out = np.full(arr.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(arr))
    if ok.size == 0:
        return out
    order = ok[np.argsort(arr[ok])]
    m = order.size
    scaled = arr[order] * m / np.arange(1, m + 1)
    out[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return out
