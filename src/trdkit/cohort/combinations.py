"""Allelic-combination analysis: the genotype combinations of a few SNPs against the trait.

Each sample's genotypes at the chosen SNPs (e.g. BDNF rs6265, PPP3CC rs7430 and HTR2A rs6313,
as in Kautzky et al. 2015) form one combination. The analysis gives the count of every
combination, an omnibus test of combination against trait without covariates (chi-square for a
binary trait, one-way ANOVA for a quantitative one), and for each combination carried by enough
samples a test of carriers against everyone else with the covariates (Firth logistic for a
binary trait, linear regression otherwise), with Bonferroni and Benjamini-Hochberg correction
across the combinations tested. Samples with a missing call at any of the SNPs are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from trdkit.cohort.candidates import benjamini_hochberg, bonferroni
from trdkit.cohort.firth import fit_logistic
from trdkit.cohort.io import Variants
from trdkit.cohort.kernels import fit_null_logistic, linear_block, linear_context
from trdkit.cohort.traits import Design, TraitKind

__all__ = ["Combination", "CombinationResult", "allelic_combinations"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Combination:
    """One genotype combination and its test against everyone else."""

    label: str
    n: int
    cases: int | None
    mean: float | None
    beta: float | None
    se: float | None
    p: float | None
    p_bonferroni: float | None
    q_bh: float | None
    significant: bool
    because: str


@dataclass(frozen=True)
class CombinationResult:
    """The combination table, the omnibus test and why."""

    rsids: tuple[str, ...]
    n_samples: int
    omnibus_test: str
    omnibus_p: float | None
    combinations: list[Combination] = field(default_factory=list)
    because: list[str] = field(default_factory=list)


def _label(variants: Variants, calls: NDArray[np.int64]) -> str:
    parts = []
    for j, dose in enumerate(calls.tolist()):
        ref, alt = str(variants.ref[j]), str(variants.alt[j])
        alleles = [ref] * (2 - dose) + [alt] * dose
        parts.append(f"{variants.id[j]} {'/'.join(alleles)}")
    return " + ".join(parts)


def _omnibus(groups: NDArray[np.int64], y: F64, binary: bool) -> tuple[str, float | None]:
    from scipy import stats  # type: ignore[import-untyped]  # slow to import; only needed here

    labels = np.unique(groups)
    if labels.size < 2:
        return ("none (one combination)", None)
    if binary:
        table = np.array([[np.sum((groups == g) & (y == v)) for v in (0, 1)] for g in labels])
        table = table[table.sum(axis=1) > 0]
        return ("chi-square", float(stats.chi2_contingency(table, correction=False)[1]))
    sets = [y[groups == g] for g in labels if np.sum(groups == g) >= 2]
    if len(sets) < 2:
        return ("none (too few samples per combination)", None)
    return ("one-way ANOVA", float(stats.f_oneway(*sets).pvalue))


def allelic_combinations(
    dosages: F64, variants: Variants, design: Design, min_carriers: int, fdr_q: float
) -> CombinationResult:
    """Analyse the genotype combinations of ``variants`` (dosages: SNPs x analysed samples).

    Parameters
    ----------
    dosages
        A1 counts of the SNPs for the analysed samples of ``design`` (``NaN`` = missing).
    variants
        The SNPs, for the allele letters of the labels.
    design
        Trait and covariates of the analysed samples.
    min_carriers
        Combinations carried by fewer samples are counted but not tested.
    fdr_q
        Benjamini-Hochberg q below which a combination is called significant.

    References
    ----------
    Kautzky A, et al. Eur Neuropsychopharmacol. 2015;25(4):441-453 [citation unverified];
    Benjamini Y, Hochberg Y. J R Stat Soc B. 1995;57(1):289-300.
    """
    complete = ~np.isnan(dosages).any(axis=0)
    calls = np.rint(dosages[:, complete]).astype(np.int64)
    y, x = design.y[complete], design.x[complete]
    binary = design.trait.kind is TraitKind.BINARY
    rsids = tuple(str(v) for v in variants.id.tolist())
    because = [f"{int((~complete).sum())} sample(s) with a missing call at any SNP left out"]
    if calls.shape[1] == 0:
        return CombinationResult(rsids, 0, "none (no complete samples)", None, [], because)
    keys, groups, counts = np.unique(calls.T, axis=0, return_inverse=True, return_counts=True)
    groups = groups.reshape(-1)
    omnibus_test, omnibus_p = _omnibus(groups, y, binary)
    tested = np.flatnonzero((counts >= min_carriers) & (counts < calls.shape[1]))
    beta = np.full(len(keys), np.nan)
    se = np.full(len(keys), np.nan)
    p = np.full(len(keys), np.nan)
    if tested.size:
        ind = (groups[None, :] == tested[:, None]).astype(np.float64)
        if binary:
            start, _ = fit_null_logistic(x, y)
            fit = fit_logistic(ind, x, y, firth=True, start=start)
            beta[tested], se[tested], p[tested] = fit.beta, fit.se, fit.p
        else:
            out = linear_block(ind.astype(np.float32), linear_context(x, y))
            beta[tested], se[tested], p[tested] = out[:, 3], out[:, 4], out[:, 5]
    adj, q = bonferroni(p), benjamini_hochberg(p)
    rows = []
    for i, key in enumerate(keys):
        members = groups == i
        label = _label(variants, key)
        test_name = "Firth logistic" if binary else "linear regression"
        if np.isfinite(p[i]):
            sig = bool(q[i] < fdr_q)
            why = (
                f"{label}: {test_name} of carriers vs others, p = {p[i]:.3g}, BH q = {q[i]:.3g} "
                f"{'<' if sig else '>='} {fdr_q:g} (fdr_q_below; benjamini1995)"
            )
        else:
            sig = False
            why = (
                f"{label}: {int(counts[i])} carrier(s) < {min_carriers} or all samples; not tested"
            )
        rows.append(
            Combination(
                label=label,
                n=int(counts[i]),
                cases=int(y[members].sum()) if binary else None,
                mean=None if binary else float(np.mean(y[members])),
                beta=float(beta[i]) if np.isfinite(beta[i]) else None,
                se=float(se[i]) if np.isfinite(se[i]) else None,
                p=float(p[i]) if np.isfinite(p[i]) else None,
                p_bonferroni=float(adj[i]) if np.isfinite(adj[i]) else None,
                q_bh=float(q[i]) if np.isfinite(q[i]) else None,
                significant=sig,
                because=why,
            )
        )
    rows.sort(key=lambda c: (c.p is None, c.p if c.p is not None else 1.0, -c.n))
    return CombinationResult(rsids, int(calls.shape[1]), omnibus_test, omnibus_p, rows, because)
