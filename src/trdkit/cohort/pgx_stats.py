"""Statistics of cohort PGx frequencies: Wilson intervals and tests of phenotype against a trait.

Pure functions on counts (no I/O). The test over all phenotype categories of a binary trait is
Freeman and Halton's extension of Fisher's exact test to a 2 x k table: every table with the
observed margins is enumerated when there are few enough of them, otherwise tables are sampled
(Monte Carlo, fixed seed). The chi-square test of the same table is reported beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats  # type: ignore[import-untyped]
from scipy.special import gammaln  # type: ignore[import-untyped]

__all__ = [
    "ContingencyTest",
    "chi_square",
    "count_tables",
    "fisher_2x2",
    "freeman_halton",
    "wilson_interval",
]

F64 = NDArray[np.float64]
# Tables whose probability is within this relative distance of the observed one count as "as
# extreme" (floating-point ties), as R's fisher.test does.
_RELATIVE_TIE = 1e-7


@dataclass(frozen=True)
class ContingencyTest:
    """One test's result: its name, statistic, p-value and how it was computed."""

    test: str
    statistic: float
    p: float
    method: str


def wilson_interval(count: ArrayLike, total: ArrayLike, level: float) -> tuple[F64, F64]:
    """Wilson score interval of ``count / total`` (``NaN`` where ``total`` is 0).

    Parameters
    ----------
    count, total
        Successes and trials (arrays of the same shape, or scalars).
    level
        Coverage, e.g. 0.95.

    Returns
    -------
    (low, high)
        The interval's bounds.

    References
    ----------
    .. [1] Wilson EB. J Am Stat Assoc. 1927;22(158):209-212.
    .. [2] Brown LD, Cai TT, DasGupta A. Stat Sci. 2001;16(2):101-133.
    """
    k = np.asarray(count, dtype=np.float64)
    n = np.asarray(total, dtype=np.float64)
    z = float(stats.norm.ppf(0.5 + level / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        # At k = 0 and k = n the bounds are exactly 0 and 1; rounding must not move them.
        low = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
        high = np.where(k == n, 1.0, np.clip(centre + half, 0.0, 1.0))
        low = np.where(n > 0, low, np.nan)
        high = np.where(n > 0, high, np.nan)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def fisher_2x2(table: ArrayLike) -> ContingencyTest:
    """Two-sided Fisher exact test of a 2 x 2 table (scipy), statistic = sample odds ratio.

    References
    ----------
    .. [1] Fisher RA. J R Stat Soc. 1922;85(1):87-94.
    """
    arr = np.asarray(table, dtype=np.int64)
    if arr.shape != (2, 2):
        raise ValueError(f"a 2 x 2 table is needed, got shape {arr.shape}")
    res = stats.fisher_exact(arr)
    return ContingencyTest("FISHER_2X2", float(res.statistic), float(res.pvalue), "exact")


def _log_choose(n: F64, k: F64) -> F64:
    return np.asarray(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1), dtype=np.float64)


def count_tables(column_totals: ArrayLike, cases: int, cap: int) -> int:
    """Number of 2 x k tables with these column totals and ``cases`` in the first row.

    Counts above ``cap`` are reported as ``cap + 1`` (enough to choose exact or Monte Carlo and
    keeps every partial sum exact in floating point).
    """
    ways = np.zeros(cases + 1, dtype=np.float64)
    ways[0] = 1.0
    index = np.arange(cases + 1)
    for n in np.asarray(column_totals, dtype=np.int64).tolist():
        prefix = np.concatenate([[0.0], np.cumsum(ways)])
        ways = np.minimum(prefix[index + 1] - prefix[np.maximum(0, index - n)], cap + 1.0)
    return int(ways[cases])


def _exact_2xk(table: NDArray[np.int64]) -> float:
    totals = table.sum(axis=0)
    cases = int(table[0].sum())
    remaining = np.concatenate([np.cumsum(totals[::-1])[::-1][1:], [0]])
    partial = np.zeros(1, dtype=np.int64)
    logp = np.zeros(1, dtype=np.float64)
    for n, rest in zip(totals.tolist(), remaining.tolist(), strict=True):
        lo = np.maximum(0, cases - partial - rest)
        hi = np.minimum(n, cases - partial)
        width = hi - lo + 1
        base = np.repeat(np.arange(partial.size), width)
        offsets = np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width)
        take = lo[base] + offsets
        logp = logp[base] + _log_choose(np.full(take.size, float(n)), take.astype(np.float64))
        partial = partial[base] + take
    logp -= _log_choose(np.array([float(totals.sum())]), np.array([float(cases)]))[0]
    observed = float(
        _log_choose(totals.astype(np.float64), table[0].astype(np.float64)).sum()
        - _log_choose(np.array([float(totals.sum())]), np.array([float(cases)]))[0]
    )
    extreme = logp <= observed + math.log1p(_RELATIVE_TIE)
    return float(min(1.0, np.exp(logp[extreme]).sum()))


def freeman_halton(
    table: ArrayLike, *, max_tables: int, resamples: int, seed: int
) -> ContingencyTest:
    """Freeman-Halton test of a 2 x k table: exact when feasible, else Monte Carlo.

    Parameters
    ----------
    table
        Counts, trait status by row (2 rows), phenotype categories by column.
    max_tables
        Enumerate every table with the observed margins when there are at most this many.
    resamples, seed
        Monte Carlo draws and their seed (``scipy.stats.fisher_exact`` with
        ``MonteCarloMethod``) when enumeration is too large.

    Returns
    -------
    ContingencyTest
        ``statistic`` is the probability of the observed table under independence.

    References
    ----------
    .. [1] Freeman GH, Halton JH. Biometrika. 1951;38(1-2):141-149.
    """
    arr = np.asarray(table, dtype=np.int64)
    if arr.ndim != 2 or arr.shape[0] != 2:
        raise ValueError(f"a 2 x k table is needed, got shape {arr.shape}")
    arr = arr[:, arr.sum(axis=0) > 0]
    totals = arr.sum(axis=0)
    cases = int(arr[0].sum())
    prob = float(
        np.exp(
            _log_choose(totals.astype(np.float64), arr[0].astype(np.float64)).sum()
            - _log_choose(np.array([float(totals.sum())]), np.array([float(cases)]))[0]
        )
    )
    n_tables = count_tables(totals, cases, max_tables)
    if n_tables <= max_tables:
        p = _exact_2xk(arr)
        return ContingencyTest("FREEMAN_HALTON", prob, p, f"exact ({n_tables:,} tables)")
    method = stats.MonteCarloMethod(n_resamples=resamples, rng=np.random.default_rng(seed))
    res = stats.fisher_exact(arr, method=method)
    return ContingencyTest(
        "FREEMAN_HALTON",
        prob,
        float(res.pvalue),
        f"Monte Carlo ({resamples:,} tables drawn, more than {max_tables:,} possible; seed {seed})",
    )


def chi_square(table: ArrayLike) -> ContingencyTest:
    """Pearson chi-square test of independence (no continuity correction), empty columns dropped.

    References
    ----------
    .. [1] Fisher RA. J R Stat Soc. 1922;85(1):87-94 (degrees of freedom of contingency tables).
    """
    arr = np.asarray(table, dtype=np.int64)
    arr = arr[:, arr.sum(axis=0) > 0]
    res = stats.chi2_contingency(arr, correction=False)
    dof = int(res.dof)
    return ContingencyTest("CHISQ", float(res.statistic), float(res.pvalue), f"{dof} df")
