"""Variant quality control: exact Hardy-Weinberg test, allele frequency, call rate, counts.

The exact test sums the probabilities of every heterozygote count no more likely than the one
observed, given the sample size and allele counts. It is vectorised over variants by evaluating
each variant's distribution on a window of heterozygote counts: near the mode, p is one minus the
few more likely counts; farther out, the tails are summed on a window of 10 standard deviations
that always reaches the observed count, leaving out less than 1e-20 of the mass, so p-values
below about 1e-20 are approximate.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln  # type: ignore[import-untyped]

__all__ = ["a1_frequency", "call_rate", "hwe_exact", "minor_allele_count"]

F64 = NDArray[np.float64]
_LN2 = float(np.log(2.0))
# Relative tolerance when comparing probabilities with the observed one (as PLINK does), so that
# ties computed with rounding error still count.
_TIE = 1e-7


def hwe_exact(hom1: ArrayLike, het: ArrayLike, hom2: ArrayLike) -> F64:
    """Return the two-sided exact Hardy-Weinberg p-value of each variant.

    Parameters
    ----------
    hom1, het, hom2
        Genotype counts per variant (homozygous for one allele, heterozygous, the other).

    Returns
    -------
    numpy.ndarray
        p-values; 1.0 for a monomorphic or empty variant.

    References
    ----------
    Wigginton JE, Cutler DJ, Abecasis GR. A note on exact tests of Hardy-Weinberg equilibrium.
    Am J Hum Genet. 2005;76(5):887-893. doi:10.1086/429864.
    """
    aa, ab, bb = (
        np.rint(np.atleast_1d(np.asarray(v, dtype=np.float64))) for v in (hom1, het, hom2)
    )
    n = aa + ab + bb
    rare = np.minimum(2 * aa + ab, 2 * bb + ab)
    common = 2 * n - rare
    out = np.ones(n.shape, dtype=np.float64)
    todo = np.flatnonzero((rare > 0) & (n > 0) & np.isfinite(n))
    if todo.size == 0:
        return out
    n, rare, common, obs = n[todo], rare[todo], common[todo], ab[todo]
    mode = rare * common / np.maximum(2 * n - 1, 1)
    # Curvature of log P at the mode gives the spread; 10 SD leaves out < 1e-20 of the mass.
    curv = 1 / np.maximum(rare - mode, 0.5) + 1 / np.maximum(common - mode, 0.5)
    sd = np.sqrt(2 / (curv + 2 / np.maximum(mode, 0.5)))
    dist = np.abs(obs - mode)
    near = dist < 3 * sd
    p = np.empty(n.shape)
    # Near the mode p is large: 1 minus the few more likely counts is cheap and exact enough.
    # Far from it p is small: sum the tails directly on a 10-SD window.
    for sel, lo, hi, tails in (
        (near, mode - dist - 4, mode + dist + 4, False),
        (~near, np.minimum(obs, mode - 10 * sd - 4), np.maximum(obs, mode + 10 * sd + 4), True),
    ):
        if sel.any():
            p[sel] = _window(n[sel], rare[sel], common[sel], obs[sel], lo[sel], hi[sel], tails)
    out[todo] = np.clip(p, 0.0, 1.0)
    return out


def _logp(n: F64, rare: F64, common: F64, het: F64) -> F64:
    return np.asarray(
        gammaln(n + 1)
        + gammaln(rare + 1)
        + gammaln(common + 1)
        - gammaln(2 * n + 1)
        - gammaln(het + 1)
        - gammaln((rare - het) / 2 + 1)
        - gammaln((common - het) / 2 + 1)
        + het * _LN2,
        dtype=np.float64,
    )


def _window(n: F64, rare: F64, common: F64, obs: F64, lo: F64, hi: F64, tails: bool) -> F64:
    parity = rare % 2
    lo = np.maximum(np.floor(lo), parity)
    lo = np.maximum(lo - (lo - parity) % 2, parity)
    hi = np.minimum(np.ceil(hi), rare)
    steps = (hi - lo) // 2
    width = int(np.max(steps)) + 1
    k = np.minimum(lo[:, None] + 2 * np.arange(width)[None, :], hi[:, None])
    # log P(k + 2) - log P(k) = log((rare - k)(common - k) / ((k + 1)(k + 2))): one log per
    # grid cell instead of three log-gamma calls.
    prev = k[:, :-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.log((rare[:, None] - prev) * (common[:, None] - prev)) - np.log(
            (prev + 1) * (prev + 2)
        )
    grid = np.empty(k.shape)
    grid[:, 0] = _logp(n, rare, common, lo)
    np.cumsum(step, axis=1, out=grid[:, 1:])
    grid[:, 1:] += grid[:, :1]
    inside = np.arange(width)[None, :] <= steps[:, None]
    cut = _logp(n, rare, common, obs)[:, None] + _TIE
    pick = inside & ((grid <= cut) if tails else (grid > cut))
    total = np.where(pick, np.exp(np.where(pick, grid, 0.0)), 0.0).sum(axis=1)
    return np.asarray(total if tails else 1.0 - total, dtype=np.float64)


def a1_frequency(a1_sum: ArrayLike, obs_ct: ArrayLike) -> F64:
    """A1 allele frequency among observed calls (``NaN`` when nothing was observed)."""
    s, n = np.asarray(a1_sum, dtype=np.float64), np.asarray(obs_ct, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, s / (2 * n), np.nan)


def call_rate(obs_ct: ArrayLike, n_samples: int) -> F64:
    """Share of analysed samples with a call."""
    return np.asarray(obs_ct, dtype=np.float64) / max(n_samples, 1)


def minor_allele_count(a1_sum: ArrayLike, obs_ct: ArrayLike) -> F64:
    """Minor allele count among observed calls."""
    s, n = np.asarray(a1_sum, dtype=np.float64), np.asarray(obs_ct, dtype=np.float64)
    return np.minimum(s, 2 * n - s)
