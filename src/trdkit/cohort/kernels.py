"""Per-block association kernels: linear t-test and logistic score test, exact under missingness.

A block is a ``float32`` matrix of variants x samples (A1 counts, ``NaN`` missing). Covariates
are projected out once per analysis (a QR basis of the design), so each block costs one matrix
product with a few columns plus one pass for the sums of squares. A variant with missing calls
is analysed on its observed samples only: the covariate Gram matrix of those samples is the full
one minus the missing samples' outer products, so no per-variant refit is needed.

Output columns (``STATS``): observed count, A1 dosage sum, sum of squared dosages, beta, SE, P,
Hardy-Weinberg exact P. For the score test, beta is the one-step estimate U/V and SE is 1/sqrt(V).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import special  # type: ignore[import-untyped]

from trdkit.cohort.qc import hwe_exact

__all__ = [
    "STATS",
    "LinearContext",
    "ScoreContext",
    "fit_null_logistic",
    "linear_block",
    "linear_context",
    "score_block",
    "score_context",
]

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
STATS = ("obs_ct", "a1_sum", "a1_sq", "beta", "se", "p", "hwe_p")
# A variant whose residual genotype variance is below this share of its raw sum of squares is
# collinear with the covariates (or monomorphic); its test is not reported.
_COLLINEAR = 1e-6


def _outer_rows(a: F64) -> F32:
    return (a[:, :, None] * a[:, None, :]).reshape(a.shape[0], -1).astype(np.float32)


@dataclass(frozen=True)
class LinearContext:
    """What every block of a linear analysis shares (covariates already projected out)."""

    k: int
    rhs: F32 = field(repr=False)  # [Q, y_r, 1]
    qq: F32 = field(repr=False)  # row-wise outer products of Q, for missing samples
    q_yr: F32 = field(repr=False)
    yr2: F32 = field(repr=False)
    yy: float


@dataclass(frozen=True)
class ScoreContext:
    """What every block of a logistic score test shares (null model fitted once)."""

    k: int
    rhs: F32 = field(repr=False)  # [W Z, y - mu, 1], with Z'WZ = I
    sq_rhs: F32 = field(repr=False)  # [1, w]
    wzz: F32 = field(repr=False)
    z_r: F32 = field(repr=False)


def _basis(x: F64) -> tuple[F64, F64]:
    q: F64
    r: F64
    q, r = np.linalg.qr(x)
    if np.min(np.abs(np.diag(r))) < 1e-10 * np.max(np.abs(np.diag(r))):
        raise ValueError("the covariate matrix is rank-deficient")
    return q, r


def linear_context(x: F64, y: F64) -> LinearContext:
    """Prepare a linear analysis of ``y`` on covariates ``x`` (intercept included by the caller)."""
    q, _ = _basis(x)
    yr = y - q @ (q.T @ y)
    rhs = np.column_stack([q, yr, np.ones_like(y)]).astype(np.float32)
    return LinearContext(
        k=x.shape[1],
        rhs=rhs,
        qq=_outer_rows(q),
        q_yr=(q * yr[:, None]).astype(np.float32),
        yr2=(yr * yr).astype(np.float32),
        yy=float(yr @ yr),
    )


def fit_null_logistic(x: F64, y: F64, max_iter: int = 50) -> tuple[F64, F64]:
    """Fit the covariates-only logistic model by Newton-Raphson with step halving.

    Returns
    -------
    coef, mu
        Coefficients and fitted probabilities.

    Raises
    ------
    ValueError
        When the fit does not converge (e.g. a covariate separates cases from controls).
    """
    coef = np.zeros(x.shape[1])

    def loglik(c: F64) -> float:
        eta = x @ c
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    current = loglik(coef)
    for _ in range(max_iter):
        mu = special.expit(x @ coef)
        w = mu * (1 - mu)
        step = np.linalg.solve(x.T @ (x * w[:, None]), x.T @ (y - mu))
        for _ in range(30):
            trial = loglik(coef + step)
            if trial >= current - 1e-12:
                break
            step /= 2
        coef = coef + step
        done = abs(trial - current) < 1e-10 * (1 + abs(current)) and np.max(np.abs(step)) < 1e-8
        current = trial
        if done:
            return coef, special.expit(x @ coef)
    raise ValueError("the covariates-only logistic model did not converge")


def score_context(x: F64, y: F64) -> ScoreContext:
    """Prepare a logistic score test of 0/1 ``y`` on covariates ``x``."""
    _, mu = fit_null_logistic(x, y)
    w = mu * (1 - mu)
    _, r = _basis(x * np.sqrt(w)[:, None])
    z = np.asarray(np.linalg.solve(r.T, x.T).T, dtype=np.float64)  # Z = X R^-1, so that Z'WZ = I
    resid = y - mu
    return ScoreContext(
        k=x.shape[1],
        rhs=np.column_stack([z * w[:, None], resid, np.ones_like(y)]).astype(np.float32),
        sq_rhs=np.column_stack([np.ones_like(w), w]).astype(np.float32),
        wzz=(_outer_rows(z) * w[:, None].astype(np.float32)),
        z_r=(z * resid[:, None]).astype(np.float32),
    )


def _products(g: F32, rhs: F32, sq_rhs: F32 | None) -> tuple[F64, F64, NDArray[np.intp], F32, F64]:
    # g @ rhs and g^2 @ sq_rhs (or the plain sum of squares), with missing calls as 0. A NaN
    # propagates through the product (rhs has a column of ones), so the rows with missing calls
    # are found without another pass over the block, and only those rows are redone.
    def both(block: F32) -> tuple[F64, F64]:
        a = (block @ rhs).astype(np.float64)
        if sq_rhs is None:
            return a, np.einsum("ij,ij->i", block, block).astype(np.float64)[:, None]
        return a, (np.square(block) @ sq_rhs).astype(np.float64)

    a, sq = both(g)
    rows = np.flatnonzero(np.isnan(a[:, -1]))
    obs = np.full(g.shape[0], float(g.shape[1]))
    miss = np.isnan(g[rows])
    if rows.size:
        a[rows], sq[rows] = both(np.where(miss, np.float32(0), g[rows]))
        obs[rows] -= miss.sum(axis=1)
    return a, sq, rows, miss.astype(np.float32), obs


def _solve_quadratic(gram: F64, a: F64, b: F64) -> F64:
    # a' gram^-1 b for a batch of small systems.
    out: F64 = np.einsum("ij,ij->i", a, np.linalg.solve(gram, b[:, :, None])[:, :, 0])
    return out


def _counts(obs: F64, s: F64, ss: F64) -> F64:
    # Hard calls only: n_het = 2S - SS, n_hom_alt = (SS - S)/2.
    n2 = (ss - s) / 2
    n1 = s - 2 * n2
    return np.asarray(hwe_exact(obs - n1 - n2, n1, n2), dtype=np.float64)


def linear_block(g: F32, ctx: LinearContext) -> F64:
    """Linear regression t-test of every variant in ``g`` (columns ``STATS``).

    References
    ----------
    Chang CC, et al. Second-generation PLINK. GigaScience. 2015;4:7 (``--glm`` linear model,
    against which this kernel is validated).
    """
    k = ctx.k
    a, sq, rows, mask, obs = _products(g, ctx.rhs, None)
    qg, gy, s, ss = a[:, :k], a[:, k], a[:, k + 1], sq[:, 0]
    ggr = ss - np.einsum("ij,ij->i", qg, qg)
    yy = np.full(g.shape[0], ctx.yy)
    if rows.size:
        gram = np.eye(k) - (mask @ ctx.qq).astype(np.float64).reshape(-1, k, k)
        b = -(mask @ ctx.q_yr).astype(np.float64)
        c = qg[rows]
        yy[rows] = ctx.yy - (mask @ ctx.yr2).astype(np.float64) - _solve_quadratic(gram, b, b)
        ggr[rows] = ss[rows] - _solve_quadratic(gram, c, c)
        gy[rows] = gy[rows] - _solve_quadratic(gram, c, b)
    df = obs - k - 1
    bad = (ggr <= _COLLINEAR * np.maximum(ss, 1.0)) | (df < 1)
    ggr = np.where(bad, np.nan, ggr)
    beta = gy / ggr
    rss = np.maximum(yy - beta * gy, 0.0)
    se = np.sqrt(rss / np.maximum(df, 1) / ggr)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = beta / se
    p = 2 * special.stdtr(np.maximum(df, 1), -np.abs(t))
    return np.column_stack([obs, s, ss, beta, se, p, _counts(obs, s, ss)])


def score_block(g: F32, ctx: ScoreContext) -> F64:
    """Logistic score test of every variant in ``g`` (columns ``STATS``).

    U = g'(y - mu) and V = g'Wg - (g'WX)(X'WX)^-1(X'Wg) under the covariates-only model; the
    statistic U^2/V is chi-square with one degree of freedom. With missing calls, U and V are
    taken over the observed samples with the covariates re-projected on them; the null model is
    not refitted (an approximation that is exact when no call is missing).

    References
    ----------
    Rao CR. Large sample tests of statistical hypotheses concerning several parameters with
    applications to problems of estimation. Proc Camb Philos Soc. 1948;44:50-57 (score test).
    """
    k = ctx.k
    a, sq, rows, mask, obs = _products(g, ctx.rhs, ctx.sq_rhs)
    c, u, s = a[:, :k], a[:, k], a[:, k + 1]
    ss, gwg = sq[:, 0], sq[:, 1]
    v = gwg - np.einsum("ij,ij->i", c, c)
    if rows.size:
        gram = np.eye(k) - (mask @ ctx.wzz).astype(np.float64).reshape(-1, k, k)
        d = -(mask @ ctx.z_r).astype(np.float64)
        cr = c[rows]
        u[rows] = u[rows] - _solve_quadratic(gram, cr, d)
        v[rows] = gwg[rows] - _solve_quadratic(gram, cr, cr)
    v = np.where(v <= _COLLINEAR * np.maximum(gwg, 1e-12), np.nan, v)
    chi2 = u * u / v
    p = special.chdtrc(1, chi2)
    return np.column_stack([obs, s, ss, u / v, 1 / np.sqrt(v), p, _counts(obs, s, ss)])
