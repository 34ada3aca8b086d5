"""Wilson intervals, Fisher and Freeman-Halton tests of the cohort PGx frequencies."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from trdkit.cohort.pgx_stats import (
    chi_square,
    count_tables,
    fisher_2x2,
    freeman_halton,
    wilson_interval,
)
from trdkit.cohort.pgx_trait import phenotype_tests
from trdkit.knowledge.cohort_pgx import load_cohort_pgx

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal


def _hand_wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 / denom * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n))
    return centre - half, centre + half


def test_wilson_interval__equals_a_hand_computation() -> None:
    low, high = wilson_interval([5, 0, 1, 30], [10, 10, 40, 30], 0.95)
    # Worked by hand: 5/10 -> 0.5 +- 0.2634; 0/10 -> [0, z^2/(n+z^2)].
    assert low[0] == pytest.approx(0.2365931, abs=1e-7)
    assert high[0] == pytest.approx(0.7634069, abs=1e-7)
    assert low[1] == 0.0
    assert high[1] == pytest.approx(Z95**2 / (10 + Z95**2), rel=1e-12)
    for i, (k, n) in enumerate([(1, 40), (30, 30)]):
        want = _hand_wilson(k, n)
        assert (low[2 + i], high[2 + i]) == pytest.approx(want, rel=1e-12)


def test_wilson_interval__empty_denominator_is_nan() -> None:
    low, high = wilson_interval([0], [0], 0.95)
    assert math.isnan(low[0]) and math.isnan(high[0])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval__brackets_the_estimate_inside_unit_range(kn: tuple[int, int]) -> None:
    k, n = kn
    low, high = wilson_interval([k], [n], 0.95)
    assert 0.0 <= low[0] <= k / n <= high[0] <= 1.0


def test_fisher_2x2__equals_scipy_on_a_constructed_table() -> None:
    table = [[12, 5], [4, 19]]
    ours = fisher_2x2(table)
    ref = stats.fisher_exact(table)
    assert ours.p == ref.pvalue and ours.statistic == ref.statistic


def test_phenotype_tests__fisher_row_equals_scipy_on_the_cohort_table() -> None:
    # Cases: 6 poor, 3 intermediate, 2 normal; controls: 1 poor, 2 intermediate, 9 normal,
    # plus an Indeterminate and a not-called sample that every test leaves out.
    rows = (
        [("case", "Poor Metabolizer")] * 6
        + [("case", "Intermediate Metabolizer")] * 3
        + [("case", "Normal Metabolizer")] * 2
        + [("control", "Poor Metabolizer")] * 1
        + [("control", "Intermediate Metabolizer")] * 2
        + [("control", "Normal Metabolizer")] * 9
        + [("control", "Indeterminate"), ("case", "Not called")]
    )
    iids = [f"S{i}" for i in range(len(rows))]
    calls = pl.DataFrame(
        {"IID": iids, "gene": ["CYP2C19"] * len(rows), "phenotype": [p for _, p in rows]}
    )
    strata = pl.DataFrame({"IID": iids, "stratum": [s for s, _ in rows]})
    out = phenotype_tests(calls, strata, load_cohort_pgx())
    fisher = out.filter(pl.col("test") == "FISHER_2X2").row(0, named=True)
    ref = stats.fisher_exact([[9, 2], [3, 9]])
    assert fisher["p"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert fisher["statistic"] == pytest.approx(ref.statistic)
    assert (fisher["n_cases"], fisher["n_controls"], fisher["n_left_out"]) == (11, 12, 2)
    fh = out.filter(pl.col("test") == "FREEMAN_HALTON").row(0, named=True)
    table = np.array([[2, 3, 6], [9, 2, 1]])
    mc = stats.fisher_exact(
        table, method=stats.MonteCarloMethod(n_resamples=20000, rng=np.random.default_rng(1))
    )
    assert fh["p"] == pytest.approx(mc.pvalue, abs=0.01)
    assert fh["method"].startswith("exact")
    chi = out.filter(pl.col("test") == "CHISQ").row(0, named=True)
    assert chi["p"] == pytest.approx(stats.chi2_contingency(table, correction=False).pvalue)
    assert "exploratory" in fisher["because"] and "fisher1922" in fisher["because"]
    # One gene: the adjustments leave p unchanged.
    assert fisher["p_bonferroni"] == pytest.approx(fisher["p"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=4, max_size=4))
def test_freeman_halton__two_columns_equal_fisher_exact(cells: list[int]) -> None:
    table = np.array(cells).reshape(2, 2)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return
    fh = freeman_halton(table, max_tables=10**6, resamples=100, seed=1)
    assert fh.p == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-9, abs=1e-12)


def test_freeman_halton__exact_and_monte_carlo_agree() -> None:
    table = np.array([[10, 5, 30, 3, 2], [20, 4, 40, 1, 6]])
    exact = freeman_halton(table, max_tables=10**6, resamples=100, seed=1)
    sampled = freeman_halton(table, max_tables=10, resamples=40000, seed=7)
    assert exact.method.startswith("exact") and sampled.method.startswith("Monte Carlo")
    assert sampled.p == pytest.approx(exact.p, abs=0.01)
    assert exact.statistic == sampled.statistic


def test_count_tables__small_cases_by_enumeration_and_the_cap() -> None:
    # 2 x 2 with column totals 3, 4 and 3 cases: the case count of column 1 is 0..3.
    assert count_tables([3, 4], 3, 100) == 4
    assert count_tables([2, 2, 2], 3, 100) == 7
    assert count_tables([50_000, 30_000, 10_000], 30_000, 1000) == 1001


def test_chi_square__drops_empty_columns() -> None:
    res = chi_square([[5, 0, 7], [9, 0, 2]])
    assert res.method == "1 df"
    ref = stats.chi2_contingency([[5, 7], [9, 2]], correction=False)
    assert res.p == pytest.approx(ref.pvalue)
