"""Frequencies of CPIC phenotypes, diplotypes, star alleles and actionable guidance in a cohort.

Every frequency comes with its Wilson interval (``cohort_pgx.yaml``, ``ci_level``). Denominators:
a phenotype's frequency is over the samples whose gene was called (``Not called`` is over every
sample of the stratum, so the called phenotypes and the uncalled share can be read side by side);
a diplotype's over the called samples; a star allele's over their chromosomes (2 per sample);
a guidance row's over every analysed sample. Diplotype and allele counts use the reported
(first-ranked) diplotype; ``ambiguous`` says how many of those calls had equally fitting
alternatives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import polars as pl

from trdkit.cohort.pgx_calls import NOT_CALLED, GuidanceKey
from trdkit.cohort.pgx_stats import wilson_interval
from trdkit.pgx.model import CPIC_PHENOTYPES

__all__ = [
    "PHENOTYPE_ORDER",
    "actionable_table",
    "allele_frequencies",
    "phenotype_frequencies",
    "with_interval",
]

PHENOTYPE_ORDER = (*CPIC_PHENOTYPES, NOT_CALLED)
_STRATA = ("all", "case", "control")


def with_interval(frame: pl.DataFrame, level: float) -> pl.DataFrame:
    """Add ``frequency``, ``ci_low`` and ``ci_high`` from the ``count`` and ``total`` columns."""
    low, high = wilson_interval(frame["count"].to_numpy(), frame["total"].to_numpy(), level)
    return frame.with_columns(
        (pl.col("count") / pl.col("total")).alias("frequency"),
        pl.Series("ci_low", low),
        pl.Series("ci_high", high),
    )


def _order(column: str, values: Sequence[str]) -> pl.Expr:
    # Known values in their given order, anything else after them.
    rank = {v: i for i, v in enumerate(values)}
    return pl.col(column).replace_strict(rank, default=len(values), return_dtype=pl.Int32)


def phenotype_frequencies(
    calls: pl.DataFrame, level: float, strata: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Phenotype counts and frequencies per gene, overall and (with ``strata``) per trait status.

    Parameters
    ----------
    calls
        The cohort call table (``trdkit.cohort.pgx_calls.CALL_SCHEMA``).
    level
        Coverage of the Wilson intervals.
    strata
        ``IID`` and ``stratum`` (``case``/``control``) of the samples with a trait value.

    Returns
    -------
    polars.DataFrame
        ``gene, stratum, phenotype, count, total, frequency, ci_low, ci_high``.

    References
    ----------
    .. [1] Wilson EB. J Am Stat Assoc. 1927;22(158):209-212.
    """
    base = calls.select("IID", "gene", "phenotype", "called").with_columns(
        pl.lit("all").alias("stratum")
    )
    if strata is not None:
        joined = calls.select("IID", "gene", "phenotype", "called").join(
            strata, on="IID", how="inner"
        )
        base = pl.concat([base, joined.select(base.columns)])
    keys = ["gene", "stratum"]
    counts = base.group_by([*keys, "phenotype"]).agg(pl.len().alias("count"))
    totals = base.group_by(keys).agg(
        pl.len().alias("n_all"), pl.col("called").sum().alias("n_called")
    )
    frame = counts.join(totals, on=keys).with_columns(
        pl.when(pl.col("phenotype") == NOT_CALLED)
        .then(pl.col("n_all"))
        .otherwise(pl.col("n_called"))
        .alias("total")
    )
    frame = frame.sort(
        "gene", _order("stratum", _STRATA), _order("phenotype", PHENOTYPE_ORDER), "phenotype"
    ).select(*keys, "phenotype", pl.col("count").cast(pl.Int64), pl.col("total").cast(pl.Int64))
    return with_interval(frame, level)


def allele_frequencies(calls: pl.DataFrame, level: float) -> pl.DataFrame:
    """Diplotype and star-allele counts and frequencies per gene among called samples.

    Returns
    -------
    polars.DataFrame
        ``gene, kind (diplotype|allele), name, count, total, frequency, ci_low, ci_high,
        ambiguous``, most frequent first within each gene and kind.
    """
    called = calls.filter(pl.col("called") & pl.col("diplotype").is_not_null()).select(
        "gene", "diplotype", (pl.col("n_alternatives") > 0).alias("ambiguous")
    )
    per_gene = called.group_by("gene").agg(pl.len().alias("n"))
    diplotypes = (
        called.group_by("gene", pl.col("diplotype").alias("name"))
        .agg(pl.len().alias("count"), pl.col("ambiguous").sum())
        .join(per_gene, on="gene")
        .select(pl.lit("diplotype").alias("kind"), "gene", "name", "count", "n", "ambiguous")
    )
    alleles = (
        called.with_columns(pl.col("diplotype").str.split("/").alias("name"))
        .explode("name", empty_as_null=False)
        .group_by("gene", "name")
        .agg(pl.len().alias("count"), pl.col("ambiguous").sum())
        .join(per_gene.with_columns(pl.col("n") * 2), on="gene")
        .select(pl.lit("allele").alias("kind"), "gene", "name", "count", "n", "ambiguous")
    )
    frame = (
        pl.concat([diplotypes, alleles])
        .rename({"n": "total"})
        .with_columns(
            pl.col("count").cast(pl.Int64),
            pl.col("total").cast(pl.Int64),
            pl.col("ambiguous").cast(pl.Int64),
        )
        .sort("gene", "kind", pl.col("count"), "name", descending=[False, True, True, False])
        .select("gene", "kind", "name", "count", "total", "ambiguous")
    )
    out = with_interval(frame, level)
    return out.select(
        "gene", "kind", "name", "count", "total", "frequency", "ci_low", "ci_high", "ambiguous"
    )


def actionable_table(guidance: Counter[GuidanceKey], n_samples: int, level: float) -> pl.DataFrame:
    """CPIC guidance counted by drug and lookup: how many samples get which recommendation.

    Returns
    -------
    polars.DataFrame
        ``drug, genes, lookup, action, strength, actionable, worst_case, count, total,
        frequency, ci_low, ci_high``; per drug, actionable rows first, then by count.
        ``worst_case`` marks guidance taken as the most cautious over still-possible
        diplotypes (an Indeterminate or ambiguous call), not from one known phenotype.
    """
    schema = {
        "drug": pl.String(),
        "genes": pl.String(),
        "lookup": pl.String(),
        "action": pl.String(),
        "strength": pl.String(),
        "actionable": pl.Boolean(),
        "worst_case": pl.Boolean(),
        "count": pl.Int64(),
    }
    rows = [(*key, n) for key, n in guidance.items()]
    frame = pl.DataFrame(rows, schema=schema, orient="row").with_columns(
        pl.lit(n_samples, dtype=pl.Int64).alias("total")
    )
    frame = frame.sort(
        "drug", "actionable", "count", "lookup", descending=[False, True, True, False]
    )
    return with_interval(frame, level)
