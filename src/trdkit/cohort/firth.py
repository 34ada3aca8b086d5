"""Logistic regression of many variants at once: maximum likelihood or Firth-penalised.

Each variant has its own model ``logit P(y=1) = X b + g beta`` on its observed samples. The fits
run as one batch: the information matrices of all variants come from one matrix product of the
weights with the covariates' row-wise outer products, and Newton steps with step halving are
taken in lockstep. Firth's penalty (half the log-determinant of the information) keeps the
estimate finite under separation and reduces small-sample bias; its p-value is the Wald test of
the penalised estimate with the penalised information, as PLINK 2 reports it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special  # type: ignore[import-untyped]

__all__ = ["LogisticFit", "fit_logistic"]

F64 = NDArray[np.float64]
_MAX_HALVINGS = 25


@dataclass(frozen=True)
class LogisticFit:
    """Per-variant estimates of the genotype term."""

    beta: F64
    se: F64
    p: F64
    converged: NDArray[np.bool_]


def _inverse(info: F64) -> F64:
    try:
        return np.asarray(np.linalg.inv(info), dtype=np.float64)
    except np.linalg.LinAlgError:
        out = np.full_like(info, np.nan)
        for i, m in enumerate(info):
            try:
                out[i] = np.linalg.inv(m)
            except np.linalg.LinAlgError:
                continue
        return out


def _information(w: F64, g: F64, x: F64, xx: F64) -> F64:
    v, k = g.shape[0], x.shape[1]
    info = np.empty((v, k + 1, k + 1))
    info[:, :k, :k] = (w @ xx).reshape(v, k, k)
    cross = (w * g) @ x
    info[:, :k, k] = cross
    info[:, k, :k] = cross
    info[:, k, k] = np.einsum("ij,ij->i", w * g, g)
    return info


def _state(
    coef: F64, g: F64, x: F64, xx: F64, y: F64, obs: F64, firth: bool
) -> tuple[F64, F64, F64, F64]:
    k = x.shape[1]
    eta = coef[:, :k] @ x.T + coef[:, k:] * g
    mu = 0.5 * (1.0 + np.tanh(0.5 * eta))  # the logistic function, faster than expit
    w = mu * (1 - mu) * obs
    info = _information(w, g, x, xx)
    # One log per cell: log P(observed outcome), floored so that separation stays finite.
    loglik = np.sum(obs * np.log(np.maximum(np.where(y > 0, mu, 1 - mu), 1e-300)), axis=1)
    if firth:
        sign, logdet = np.linalg.slogdet(info)
        loglik = loglik + np.where(sign > 0, 0.5 * logdet, -np.inf)
    return mu, w, info, loglik


def fit_logistic(
    g: F64,
    x: F64,
    y: F64,
    *,
    firth: bool,
    start: F64 | None = None,
    start_beta: F64 | None = None,
    max_iter: int = 50,
    tol: float = 1e-7,
) -> LogisticFit:
    """Fit ``y ~ x + g_v`` for every row ``g_v`` of ``g`` (``NaN`` = missing call).

    Parameters
    ----------
    g
        Genotypes, variants x samples.
    x
        Covariates with intercept, samples x k.
    y
        0/1 outcome.
    firth
        Penalise the likelihood with Jeffreys' prior (Firth 1993).
    start
        Starting covariate coefficients (e.g. the null model's), length k.
    start_beta
        Starting genotype coefficient per variant (e.g. the score test's one-step estimate).
    max_iter, tol
        Newton iterations and the largest step accepted as converged.

    Returns
    -------
    LogisticFit
        Beta, SE and Wald p of the genotype term; ``converged`` false where the fit failed
        (beta, SE and p are then ``NaN``).

    References
    ----------
    Firth D. Bias reduction of maximum likelihood estimates. Biometrika. 1993;80(1):27-38.
    Heinze G, Schemper M. A solution to the problem of separation in logistic regression.
    Stat Med. 2002;21(16):2409-2419.
    """
    obs = (~np.isnan(g)).astype(np.float64)
    g = np.nan_to_num(g, nan=0.0)
    v, k = g.shape[0], x.shape[1]
    xx = (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], k * k)
    coef = np.zeros((v, k + 1))
    if start is not None:
        coef[:, :k] = start
    if start_beta is not None:
        coef[:, k] = np.nan_to_num(np.clip(start_beta, -5.0, 5.0))
    mu, w, info, loglik = _state(coef, g, x, xx, y, obs, firth)
    converged = np.zeros(v, dtype=bool)
    for _ in range(max_iter):
        inv = np.nan_to_num(_inverse(info))
        resid = obs * (y - mu)
        if firth:
            # Leverages h_i = w_i a_i' I^-1 a_i with a_i = (x_i, g_i), computed for all variants.
            quad = inv[:, :k, :k].reshape(v, k * k) @ xx.T
            quad += 2 * g * (inv[:, :k, k] @ x.T) + inv[:, k, k][:, None] * g * g
            resid = resid + w * quad * (0.5 - mu)
        score = np.column_stack([resid @ x, np.einsum("ij,ij->i", resid, g)])
        step = np.einsum("vij,vj->vi", inv, score)
        step[converged] = 0.0
        trial = coef + step
        t_mu, t_w, t_info, t_ll = _state(trial, g, x, xx, y, obs, firth)
        for _ in range(_MAX_HALVINGS):
            worse = ~(t_ll >= loglik - 1e-10) & ~converged
            if not worse.any():
                break
            step[worse] /= 2
            trial[worse] = coef[worse] + step[worse]
            s_mu, s_w, s_info, s_ll = _state(trial[worse], g[worse], x, xx, y, obs[worse], firth)
            t_mu[worse], t_w[worse], t_info[worse], t_ll[worse] = s_mu, s_w, s_info, s_ll
        coef, mu, w, info, loglik = trial, t_mu, t_w, t_info, t_ll
        converged |= np.max(np.abs(step), axis=1) < tol
        if converged.all():
            break
    var = _inverse(info)[:, k, k]
    ok = converged & np.isfinite(coef[:, k]) & np.isfinite(var) & (var > 0)
    beta = np.where(ok, coef[:, k], np.nan)
    se = np.where(ok, np.sqrt(np.where(ok, var, 1.0)), np.nan)
    p = special.chdtrc(1, (beta / se) ** 2)
    return LogisticFit(beta=beta, se=se, p=p, converged=ok)
