"""Exploratory tests of metaboliser phenotype against a binary trait, gene by gene.

Per gene: Fisher's exact test of the 2 x 2 table reduced-function vs reference phenotype by case
status, and the Freeman-Halton test (and the chi-square test) of the 2 x k table over all
phenotype categories. Phenotype groups and the phenotypes left out come from
``cohort_pgx.yaml``; samples whose gene was not called are left out and counted. P-values are
adjusted across genes (Bonferroni, Benjamini-Hochberg), per test. Nothing here is a finding:
the counts are small, CYP2D6 from a VCF is research grade, and no covariate is adjusted for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from trdkit.cohort.candidates import benjamini_hochberg, bonferroni
from trdkit.cohort.io import GeneticsInputError
from trdkit.cohort.pgx_calls import NOT_CALLED
from trdkit.cohort.pgx_freq import PHENOTYPE_ORDER
from trdkit.cohort.pgx_stats import ContingencyTest, chi_square, fisher_2x2, freeman_halton
from trdkit.cohort.traits import PlinkTable, TraitKind, detect_trait
from trdkit.knowledge.cohort_pgx import CohortPgxTable

__all__ = ["TEST_COLUMNS", "TraitStrata", "phenotype_tests", "trait_strata"]

TEST_COLUMNS = (
    "gene",
    "test",
    "groups",
    "n_cases",
    "n_controls",
    "n_left_out",
    "table",
    "statistic",
    "p",
    "p_bonferroni",
    "q_bh",
    "method",
    "because",
)


@dataclass(frozen=True)
class TraitStrata:
    """Case/control status of the analysed samples that have the trait, and how it was read."""

    strata: pl.DataFrame
    info: dict[str, Any] = field(default_factory=dict)


def trait_strata(table: PlinkTable, name: str, samples: Sequence[str]) -> TraitStrata:
    """Read a binary trait (0/1 or PLINK 1/2, detected as ``cohort assoc`` does) for ``samples``.

    Samples are matched on IID (a VCF names samples by IID).

    Raises
    ------
    GeneticsInputError
        Unknown column, a non-binary trait, an IID listed twice, or only cases or controls.
    """
    if len(set(table.iid)) != len(table.iid):
        raise GeneticsInputError(f"{table.path}: an IID appears more than once (FID aside)")
    row = {iid: i for i, iid in enumerate(table.iid)}
    column = table.column(name, minus9_missing=True)
    raw = np.array([column[row[s]] if s in row else np.nan for s in samples], dtype=np.float64)
    trait = detect_trait(name, raw)
    if trait.kind is not TraitKind.BINARY:
        raise GeneticsInputError(
            f"--pheno-name: {name!r} is quantitative; the PGx tests need a binary trait "
            "(0/1, or PLINK's 1/2)"
        )
    keep = ~np.isnan(trait.values)
    status = np.where(trait.values[keep] == 1, "case", "control")
    strata = pl.DataFrame(
        {"IID": [s for s, k in zip(samples, keep.tolist(), strict=True) if k], "stratum": status},
        schema={"IID": pl.String, "stratum": pl.String},
    )
    cases = int((status == "case").sum())
    if cases in (0, strata.height):
        raise GeneticsInputError(f"phenotype {name!r} has only cases or only controls")
    info = {
        "name": name,
        "coding": trait.coding,
        "because": trait.because,
        "cases": cases,
        "controls": strata.height - cases,
        "not_in_phenotype_file": sum(s not in row for s in samples),
        "missing_phenotype": int((~keep).sum()) - sum(s not in row for s in samples),
    }
    return TraitStrata(strata, info)


def _matrix(counts: pl.DataFrame, columns: list[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
    rows = []
    for status in ("case", "control"):
        hit = counts.filter(pl.col("stratum") == status)
        rows.append([int(hit[c][0]) if hit.height and c in hit.columns else 0 for c in columns])
    return np.array(rows, dtype=np.int64)


def _row(
    gene: str,
    test: str,
    groups: str,
    matrix: np.ndarray[Any, np.dtype[np.int64]],
    columns: list[str],
    left_out: int,
    result: ContingencyTest | None,
) -> dict[str, Any]:
    cells = "; ".join(
        f"{status}: " + ", ".join(f"{c} {int(n)}" for c, n in zip(columns, row, strict=True))
        for status, row in zip(("case", "control"), matrix.tolist(), strict=True)
    )
    return {
        "gene": gene,
        "test": test,
        "groups": groups,
        "n_cases": int(matrix[0].sum()),
        "n_controls": int(matrix[1].sum()),
        "n_left_out": left_out,
        "table": cells,
        "statistic": result.statistic if result else None,
        "p": result.p if result else None,
        "method": result.method if result else "not testable: a group or a status is empty",
    }


def _testable(matrix: np.ndarray[Any, np.dtype[np.int64]]) -> bool:
    return bool((matrix.sum(axis=1) > 0).all() and ((matrix.sum(axis=0) > 0).sum() >= 2))


def phenotype_tests(
    calls: pl.DataFrame, strata: pl.DataFrame, settings: CohortPgxTable
) -> pl.DataFrame:
    """Per gene, test phenotype against case status (exploratory).

    Returns
    -------
    polars.DataFrame
        One row per gene and test (``FISHER_2X2``, ``FREEMAN_HALTON``, ``CHISQ``) with the
        table, statistic, p, Bonferroni and Benjamini-Hochberg adjustments across genes, and
        ``because``.

    References
    ----------
    .. [1] Fisher RA. J R Stat Soc. 1922;85(1):87-94.
    .. [2] Freeman GH, Halton JH. Biometrika. 1951;38(1-2):141-149.
    .. [3] Benjamini Y, Hochberg Y. J R Stat Soc B. 1995;57(1):289-300.
    """
    groups = settings.phenotype_groups
    reduced, reference = set(groups.reduced_function.phenotypes), set(groups.reference.phenotypes)
    untested = {*groups.untested.phenotypes, NOT_CALLED}
    s = settings.settings
    joined = calls.select("IID", "gene", "phenotype").join(strata, on="IID", how="inner")
    rows: list[dict[str, Any]] = []
    for gene in sorted(joined["gene"].unique().to_list()):
        sub = joined.filter(pl.col("gene") == gene)
        left_out = int(sub["phenotype"].is_in(sorted(untested)).sum())
        kept = sub.filter(~pl.col("phenotype").is_in(sorted(untested)))
        seen = set(kept["phenotype"].to_list())
        order = [p for p in PHENOTYPE_ORDER if p in seen] + sorted(seen - set(PHENOTYPE_ORDER))
        full = kept.pivot(on="phenotype", index="stratum", values="IID", aggregate_function="len")
        matrix = _matrix(full, order)
        ok = _testable(matrix)
        fh = (
            freeman_halton(
                matrix,
                max_tables=int(s.exact_max_tables.value),
                resamples=int(s.monte_carlo_resamples.value),
                seed=int(s.monte_carlo_seed.value),
            )
            if ok
            else None
        )
        label = "all phenotypes"
        rows.append(_row(gene, "FREEMAN_HALTON", label, matrix, order, left_out, fh))
        chi = chi_square(matrix) if ok else None
        rows.append(_row(gene, "CHISQ", label, matrix, order, left_out, chi))
        two = kept.with_columns(
            pl.when(pl.col("phenotype").is_in(sorted(reduced)))
            .then(pl.lit("reduced_function"))
            .when(pl.col("phenotype").is_in(sorted(reference)))
            .then(pl.lit("reference"))
            .alias("group")
        ).filter(pl.col("group").is_not_null())
        pair_cols = ["reduced_function", "reference"]
        pair = two.pivot(on="group", index="stratum", values="IID", aggregate_function="len")
        m2 = _matrix(pair, pair_cols)
        ok2 = bool((m2.sum(axis=0) > 0).all() and (m2.sum(axis=1) > 0).all())
        rest = left_out + kept.height - two.height
        label = "reduced_function vs reference"
        fisher = fisher_2x2(m2) if ok2 else None
        rows.append(_row(gene, "FISHER_2X2", label, m2, pair_cols, rest, fisher))
    frame = pl.DataFrame(rows, schema_overrides={"statistic": pl.Float64, "p": pl.Float64})
    return _adjust(frame, settings)


def _adjust(frame: pl.DataFrame, settings: CohortPgxTable) -> pl.DataFrame:
    if frame.is_empty():
        return pl.DataFrame(schema={c: pl.String for c in TEST_COLUMNS})
    parts = []
    groups = settings.phenotype_groups
    header = settings.header
    for test, part in frame.group_by("test", maintain_order=True):
        p = part["p"].fill_null(np.nan).to_numpy()
        m = int(np.isfinite(p).sum())
        part = part.with_columns(
            pl.Series("p_bonferroni", bonferroni(p)).fill_nan(None),
            pl.Series("q_bh", benjamini_hochberg(p)).fill_nan(None),
        )
        why = {
            "FISHER_2X2": "Fisher exact, "
            + "+".join(groups.reduced_function.phenotypes)
            + f" vs {'+'.join(groups.reference.phenotypes)} "
            + f"{groups.reduced_function.cite(header)} by case status (fisher1922)",
            "FREEMAN_HALTON": "Freeman-Halton exact test over all phenotypes (freeman1951), "
            + f"{'/'.join(groups.untested.phenotypes)} and not-called samples left out",
            "CHISQ": "Pearson chi-square over all phenotypes, no continuity correction",
        }[str(test[0])]
        part = part.with_columns(
            pl.lit(
                f"{why}; adjusted across {m} gene(s) (Bonferroni; BH benjamini1995); exploratory"
            ).alias("because")
        )
        parts.append(part)
    return pl.concat(parts).sort("gene").select(TEST_COLUMNS)
