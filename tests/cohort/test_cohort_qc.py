"""Exact Hardy-Weinberg test against full enumeration; frequency helpers."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import gammaln

from trdkit.cohort.qc import a1_frequency, call_rate, hwe_exact, minor_allele_count


def _brute(aa: int, ab: int, bb: int) -> float:
    n = aa + ab + bb
    rare = min(2 * aa + ab, 2 * bb + ab)
    if rare == 0:
        return 1.0
    common = 2 * n - rare
    het = np.arange(rare % 2, rare + 1, 2)
    logp = (
        gammaln(n + 1)
        + gammaln(rare + 1)
        + gammaln(common + 1)
        - gammaln(2 * n + 1)
        - gammaln(het + 1)
        - gammaln((rare - het) / 2 + 1)
        - gammaln((common - het) / 2 + 1)
        + het * np.log(2)
    )
    obs = logp[list(het).index(ab)]
    return float(min(1.0, np.exp(logp[logp <= obs + 1e-7]).sum()))


def test_hwe_exact__known_extremes() -> None:
    p = hwe_exact([100, 0, 50, 0], [0, 100, 0, 0], [0, 0, 50, 0])
    assert p[0] == 1.0  # monomorphic
    assert p[3] == 1.0  # empty
    assert p[1] < 1e-25  # all heterozygous
    assert p[2] < 1e-25  # no heterozygote at 50% frequency


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 60), st.integers(0, 120), st.integers(0, 400))
def test_hwe_exact__equals_full_enumeration(aa: int, ab: int, bb: int) -> None:
    assert np.isclose(hwe_exact([aa], [ab], [bb])[0], _brute(aa, ab, bb), rtol=1e-7, atol=1e-12)


def test_hwe_exact__large_sample_in_equilibrium_is_not_rejected() -> None:
    n, p = 10_000, 0.3
    got = hwe_exact([n * (1 - p) ** 2], [2 * n * p * (1 - p)], [n * p * p])[0]
    assert got > 0.9
    assert np.isclose(got, _brute(4900, 4200, 900), rtol=1e-6)


def test_frequency_helpers__count_observed_calls_only() -> None:
    assert np.allclose(a1_frequency([30, 0], [50, 0])[:1], [0.3])
    assert np.isnan(a1_frequency([0], [0])[0])
    assert np.allclose(call_rate([95, 100], 100), [0.95, 1.0])
    assert np.allclose(minor_allele_count([30, 90], [50, 50]), [30, 10])
