"""Allelic combinations, candidate lookup and multiple-testing correction."""

from __future__ import annotations

import numpy as np
from scipy import stats

from trdkit.cohort.candidates import benjamini_hochberg, bonferroni, find_candidates
from trdkit.cohort.combinations import allelic_combinations
from trdkit.cohort.io import Variants
from trdkit.cohort.traits import Design, detect_trait


def test_benjamini_hochberg__textbook_example() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005, np.nan])
    q = benjamini_hochberg(p)
    np.testing.assert_allclose(q[:4], [0.02, 0.04, 0.04, 0.02])
    assert np.isnan(q[4])
    np.testing.assert_allclose(bonferroni(p)[:4], [0.04, 0.16, 0.12, 0.02])


def _variants(
    ids: list[str], chrom: list[str] | None = None, pos: list[int] | None = None
) -> Variants:
    k = len(ids)
    return Variants(
        chrom=np.array(chrom or ["1"] * k),
        pos=np.array(pos or list(range(1, k + 1)), dtype=np.int64),
        id=np.array(ids),
        ref=np.array(["C"] * k),
        alt=np.array(["T"] * k),
    )


def test_find_candidates__by_id_then_by_grch38_position() -> None:
    var = _variants(["rs4680", ".", "x"], ["22", "chr11", "1"], [19963748, 27658369, 5])
    found = {m.rsid: m for m in find_candidates(var, ("rs4680", "rs6265", "rs7430"))}
    assert found["rs4680"].row == 0 and "by its ID" in found["rs4680"].because
    assert found["rs6265"].row == 1 and "GRCh38 chr11:27658369" in found["rs6265"].because
    assert found["rs7430"].row is None and found["rs7430"].gene == "PPP3CC"


def _design(y: np.ndarray, binary: bool) -> Design:
    trait = detect_trait("T", y.astype(float))
    x = np.ones((y.size, 1))
    return Design(np.arange(y.size, dtype=np.int64), trait.values, x, (), trait, {})


def test_allelic_combinations__counts_and_a_carrier_effect() -> None:
    rng = np.random.default_rng(8)
    n = 600
    g = rng.binomial(2, [[0.3], [0.4]], (2, n)).astype(float)
    carrier = (g[0] == 2) & (g[1] == 0)
    y = (rng.random(n) < np.where(carrier, 0.9, 0.3)).astype(float)
    g[0, :5] = np.nan
    res = allelic_combinations(g, _variants(["rsA", "rsB"]), _design(y, True), 5, 0.05)
    assert res.n_samples == n - 5 and sum(c.n for c in res.combinations) == n - 5
    top = res.combinations[0]
    assert top.label == "rsA T/T + rsB C/C" and top.significant and top.beta and top.beta > 1
    assert res.omnibus_test == "chi-square" and res.omnibus_p is not None and res.omnibus_p < 0.05
    assert all(c.q_bh is None or c.q_bh >= (c.p or 0) for c in res.combinations)


def test_allelic_combinations__quantitative_trait_uses_anova_and_linear_tests() -> None:
    rng = np.random.default_rng(9)
    n = 300
    g = rng.binomial(2, [[0.5], [0.5]], (2, n)).astype(float)
    y = rng.normal(size=n) + 0.8 * (g[0] == 1)
    res = allelic_combinations(g, _variants(["rsA", "rsB"]), _design(y, False), 5, 0.05)
    groups = [y[(g[0] == a) & (g[1] == b)] for a in range(3) for b in range(3)]
    expected = stats.f_oneway(*[grp for grp in groups if grp.size >= 2]).pvalue
    assert res.omnibus_test == "one-way ANOVA" and np.isclose(res.omnibus_p or 0, expected)
    rare = [c for c in res.combinations if c.n < 5]
    assert all(c.p is None and "not tested" in c.because for c in rare)
