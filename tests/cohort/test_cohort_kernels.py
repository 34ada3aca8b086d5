"""Association kernels against closed forms: least squares, the trend test, 2x2 tables, Firth."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from trdkit.cohort.firth import fit_logistic
from trdkit.cohort.kernels import (
    STATS,
    fit_null_logistic,
    linear_block,
    linear_context,
    score_block,
    score_context,
)

COL = {name: i for i, name in enumerate(STATS)}


def _ols(g: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    obs = ~np.isnan(g)
    design = np.column_stack([x[obs], g[obs]])
    coef, *_ = np.linalg.lstsq(design, y[obs], rcond=None)
    resid = y[obs] - design @ coef
    df = obs.sum() - design.shape[1]
    cov = np.linalg.inv(design.T @ design) * (resid @ resid / df)
    se = float(np.sqrt(cov[-1, -1]))
    return float(coef[-1]), se, float(2 * stats.t.sf(abs(coef[-1] / se), df))


def _cohort(n: int, v: int, missing: float, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.ones(n), rng.normal(50, 10, n), rng.integers(0, 2, n)])
    g = rng.binomial(2, rng.uniform(0.05, 0.5, v)[:, None], (v, n)).astype(np.float64)
    g[rng.random((v, n)) < missing] = np.nan
    y = 0.3 * np.nan_to_num(g[0]) + 0.02 * x[:, 1] + rng.normal(size=n)
    return x, g, y


def test_linear_block__matches_least_squares_with_missing_calls() -> None:
    x, g, y = _cohort(300, 12, 0.05, 1)
    out = linear_block(g.astype(np.float32), linear_context(x, y))
    for i in range(g.shape[0]):
        beta, se, p = _ols(g[i], x, y)
        assert np.isclose(out[i, COL["beta"]], beta, rtol=1e-4, atol=1e-6)
        assert np.isclose(out[i, COL["se"]], se, rtol=1e-4)
        assert np.isclose(out[i, COL["p"]], p, rtol=1e-3, atol=1e-12)
        assert out[i, COL["obs_ct"]] == np.sum(~np.isnan(g[i]))


@settings(max_examples=20, deadline=None)
@given(st.integers(40, 120), st.integers(0, 10_000), st.sampled_from([0.0, 0.1]))
def test_linear_block__property_agrees_with_lstsq(n: int, seed: int, missing: float) -> None:
    x, g, y = _cohort(n, 3, missing, seed)
    out = linear_block(g.astype(np.float32), linear_context(x, y))
    for i in range(3):
        if np.nanstd(g[i]) == 0:
            continue
        beta, se, _ = _ols(g[i], x, y)
        assert np.isclose(out[i, COL["beta"]], beta, rtol=1e-3, atol=1e-5)
        assert np.isclose(out[i, COL["se"]], se, rtol=1e-3, atol=1e-6)


def test_linear_block__monomorphic_variant_is_not_tested() -> None:
    x, g, y = _cohort(100, 2, 0.0, 3)
    g[1] = 1.0
    out = linear_block(g.astype(np.float32), linear_context(x, y))
    assert np.isnan(out[1, COL["p"]]) and np.isfinite(out[0, COL["p"]])


def test_score_block__intercept_only_equals_the_trend_test() -> None:
    # With no covariates the logistic score statistic is N r^2 (Cochran-Armitage trend test).
    rng = np.random.default_rng(4)
    n = 500
    g = rng.binomial(2, 0.3, (5, n)).astype(np.float64)
    y = (rng.random(n) < 0.3 + 0.1 * g[0]).astype(np.float64)
    out = score_block(g.astype(np.float32), score_context(np.ones((n, 1)), y))
    for i in range(5):
        r = np.corrcoef(g[i], y)[0, 1]
        assert np.isclose(out[i, COL["p"]], stats.chi2.sf(n * r * r, 1), rtol=1e-4)


def test_score_block__matches_a_refitted_score_test_without_missing_calls() -> None:
    x, g, _ = _cohort(400, 6, 0.0, 5)
    rng = np.random.default_rng(6)
    y = (rng.random(400) < 0.4).astype(np.float64)
    out = score_block(g.astype(np.float32), score_context(x, y))
    _, mu = fit_null_logistic(x, y)
    w = mu * (1 - mu)
    for i in range(6):
        u = g[i] @ (y - mu)
        xtw = x.T * w
        v = g[i] @ (w * g[i]) - (xtw @ g[i]) @ np.linalg.solve(xtw @ x, xtw @ g[i])
        assert np.isclose(out[i, COL["p"]], stats.chi2.sf(u * u / v, 1), rtol=1e-3)
        assert np.isclose(out[i, COL["beta"]], u / v, rtol=1e-3)


def _table(a: int, b: int, c: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    # exposed cases a, exposed controls b, unexposed cases c, unexposed controls d
    g = np.r_[np.ones(a + b), np.zeros(c + d)]
    y = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)]
    return g[None, :], y


def test_fit_logistic__wald_equals_the_2x2_log_odds_ratio() -> None:
    g, y = _table(30, 20, 25, 45)
    fit = fit_logistic(g, np.ones((y.size, 1)), y, firth=False)
    assert np.isclose(fit.beta[0], np.log(30 * 45 / (20 * 25)))
    assert np.isclose(fit.se[0], np.sqrt(1 / 30 + 1 / 20 + 1 / 25 + 1 / 45))


def test_fit_logistic__firth_on_a_2x2_table_adds_a_half_to_each_cell() -> None:
    g, y = _table(12, 3, 7, 18)
    fit = fit_logistic(g, np.ones((y.size, 1)), y, firth=True)
    assert np.isclose(fit.beta[0], np.log(12.5 * 18.5 / (3.5 * 7.5)), atol=1e-6)


def test_fit_logistic__firth_stays_finite_under_complete_separation() -> None:
    g, y = _table(20, 0, 0, 20)
    ml = fit_logistic(g, np.ones((40, 1)), y, firth=False)
    firth = fit_logistic(g, np.ones((40, 1)), y, firth=True)
    assert not ml.converged[0] and np.isnan(ml.p[0])
    assert firth.converged[0]
    assert np.isclose(firth.beta[0], np.log(20.5 * 20.5 / 0.25), atol=1e-5)
    assert 0 < firth.p[0] < 0.01
