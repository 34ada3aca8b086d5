"""Polygenic scores: match a scoring file to the genotypes, then sum weighted dosages on Dask.

Matching, per scoring-file variant (by chromosome and position when the file has them, else by
rsID), against the target's REF/ALT:

* ``matched``: the effect allele is ALT; ``swapped``: it is REF (the score counts 2 - ALT).
* ``strand_flip`` / ``strand_flip_swapped``: the same after complementing the scoring alleles.
* ``ambiguous``: an A/T or C/G SNP, whose strand cannot be told from its alleles. Excluded by
  default (``ambiguous_excluded``), or kept as if on the forward strand (``ambiguous_kept``).
* ``missing``: no target variant there; ``allele_mismatch``: alleles differ even after
  complementing; ``unsupported``: a non-additive or dosage-weighted row.

A sample's score is the sum over used variants of weight x effect-allele dosage; a missing call
takes the effect allele's mean dosage in the cohort (PLINK 2 ``--score``'s default), or is left
out with ``mean_impute=False``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dask.array as da
import numpy as np
from dask.delayed import delayed
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from trdkit.cohort.io import GeneticsInputError, GenotypeSource, RowSubset, genotype_array
from trdkit.cohort.pgs_file import ScoreRow, ScoringFile

__all__ = ["MatchRow", "ScoreResult", "match_variants", "score"]

F64 = NDArray[np.float64]
_COMPLEMENT = str.maketrans("ACGT", "TGCA")
USED = frozenset({"matched", "swapped", "strand_flip", "strand_flip_swapped", "ambiguous_kept"})


@dataclass(frozen=True)
class MatchRow:
    """How one scoring-file variant was matched (``target`` = row in the genotypes)."""

    row: ScoreRow
    status: str
    target: int | None = None
    effect_is_alt: bool = True


@dataclass(frozen=True)
class ScoreResult:
    """Per-sample scores and the counts behind them."""

    pgs_id: str
    score_sum: F64 = field(repr=False)
    dosage_sum: F64 = field(repr=False)
    allele_ct: NDArray[np.int64] = field(repr=False)
    n_used: int


def _chrom(name: str) -> str:
    bare = name.removeprefix("chr").removeprefix("CHR")
    return {"23": "X", "24": "Y", "25": "XY", "26": "MT", "M": "MT"}.get(bare, bare)


def _ambiguous(a: str, b: str) -> bool:
    return len(a) == 1 and len(b) == 1 and a.translate(_COMPLEMENT) == b


def _classify(row: ScoreRow, ref: str, alt: str, keep_ambiguous: bool) -> tuple[str, bool]:
    eff, oth = row.effect, row.other
    if _ambiguous(ref, alt) and (oth is None or {eff, oth} == {ref, alt}):
        if eff not in (ref, alt):
            return "allele_mismatch", True
        return ("ambiguous_kept" if keep_ambiguous else "ambiguous_excluded"), eff == alt
    for flipped, (e, o) in ((False, (eff, oth)), (True, (eff.translate(_COMPLEMENT), None))):
        if flipped and oth is not None:
            o = oth.translate(_COMPLEMENT)
        if e == alt and o in (None, ref):
            return ("strand_flip" if flipped else "matched"), True
        if e == ref and o in (None, alt):
            return ("strand_flip_swapped" if flipped else "swapped"), False
    return "allele_mismatch", True


def match_variants(
    scoring: ScoringFile, source: GenotypeSource, keep_ambiguous: bool
) -> list[MatchRow]:
    """Match every scoring-file variant to the genotypes (see module docstring).

    References
    ----------
    Lambert SA, et al. Enhancing the Polygenic Score Catalog with tools for score calculation
    and ancestry normalization. Nat Genet. 2024 (pgsc_calc matching: strand flips, ambiguous
    variants excluded by default).
    """
    var = source.variants
    by_pos: dict[tuple[str, int], list[int]] = {}
    for i, key in enumerate(
        zip([_chrom(c) for c in var.chrom.tolist()], var.pos.tolist(), strict=True)
    ):
        by_pos.setdefault(key, []).append(i)
    by_id: dict[str, list[int]] = {}
    for i, vid in enumerate(var.id.tolist()):
        by_id.setdefault(vid, []).append(i)
    refs, alts = var.ref.tolist(), var.alt.tolist()
    out: list[MatchRow] = []
    used: set[int] = set()
    for row in scoring.rows:
        if row.unsupported:
            out.append(MatchRow(row, "unsupported"))
            continue
        if row.chrom is not None and row.pos is not None:
            candidates = by_pos.get((_chrom(row.chrom), row.pos), [])
        else:
            candidates = by_id.get(row.rsid or "", [])
        best: MatchRow | None = None
        for i in candidates:
            status, effect_is_alt = _classify(row, refs[i], alts[i], keep_ambiguous)
            if status != "allele_mismatch":
                best = MatchRow(row, status, i, effect_is_alt)
                break
            best = best or MatchRow(row, status, i)
        if best is None:
            best = MatchRow(row, "missing")
        if best.status in USED and best.target in used:
            best = MatchRow(row, "duplicate", best.target, best.effect_is_alt)
        elif best.status in USED and best.target is not None:
            used.add(best.target)
        out.append(best)
    return out


def _partial(g: NDArray[np.float32], a: F64, b: F64, w: F64, mean: F64, impute: bool) -> F64:
    # Effect-allele dosage = a * ALT + b (a = 1, b = 0 when the effect allele is ALT; a = -1,
    # b = 2 when it is REF); missing calls take the mean or are left out.
    d = g.astype(np.float64) * a[:, None] + b[:, None]
    miss = np.isnan(d)
    d = np.where(miss, mean[:, None] if impute else 0.0, d)
    called = (~miss).sum(axis=0) if not impute else np.full(g.shape[1], g.shape[0])
    return np.stack([w @ d, d.sum(axis=0), 2.0 * called])[None, :, :]


def score(
    source: GenotypeSource,
    matches: list[MatchRow],
    pgs_id: str,
    mean_impute: bool = True,
    block: int = 2000,
) -> ScoreResult:
    """Compute per-sample scores from the used matches, one Dask task per variant block."""
    with threadpool_limits(limits=1, user_api="blas"):  # one BLAS thread per Dask task
        return _score(source, matches, pgs_id, mean_impute, block)


def _score(
    source: GenotypeSource, matches: list[MatchRow], pgs_id: str, mean_impute: bool, block: int
) -> ScoreResult:
    used = sorted(
        (m for m in matches if m.status in USED and m.target is not None),
        key=lambda m: m.target or 0,
    )
    if not used:
        raise GeneticsInputError("no scoring-file variant matched the genotypes")
    rows = np.array([m.target for m in used], dtype=np.int64)
    a = np.array([1.0 if m.effect_is_alt else -1.0 for m in used])
    b = 2.0 - 2.0 * (a > 0)
    w = np.array([m.row.weight for m in used])
    subset = RowSubset(source, rows)
    geno = genotype_array(subset, None, block)
    # The effect-allele mean per variant, for imputing missing calls, needs one pass first.
    if mean_impute:
        sums, called = da.compute(  # type: ignore[no-untyped-call]
            da.nansum(geno, axis=1), (~da.isnan(geno)).sum(axis=1)
        )
        alt_mean = np.where(called > 0, sums / np.maximum(called, 1), 0.0)
    else:
        alt_mean = np.zeros(rows.size)
    mean = alt_mean * a + b
    bounds = np.cumsum((0, *geno.chunks[0]))
    n = len(source.samples)
    parts = [
        delayed(_partial, pure=True)(
            geno.blocks[i], *(v[bounds[i] : bounds[i + 1]] for v in (a, b, w, mean)), mean_impute
        )
        for i in range(len(bounds) - 1)
    ]
    stacked = da.concatenate(  # type: ignore[no-untyped-call]
        [
            da.from_delayed(p, shape=(1, 3, n), dtype=np.float64)  # type: ignore[no-untyped-call]
            for p in parts
        ],
        axis=0,
    )
    total = stacked.sum(axis=0).compute()
    return ScoreResult(pgs_id, total[0], total[1], total[2].astype(np.int64), int(rows.size))
