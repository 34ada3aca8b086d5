"""OHDSI PhenotypeLibrary cohort 1009 ("Earliest event of TRD") on a cohort's drug eras.

The Circe definition, step by step (all windows relative to the entry event's start; every
related era or condition must lie in the entry's observation period, starting on or after its
start and ending on or before its end):

1. Entry events, inside an observation period (after ``prior_observation_days`` of it):
   A. an atypical-antipsychotic era with at least one antidepressant era that started on or
      before the index and ended no more than 365 days before it;
   B. an antidepressant era with at least 3 distinct antidepressant ingredients started on or
      before the index and at least 2 started at least a day before it (both ending no more than
      365 days before it);
   C. an esketamine era with at least 2 distinct antidepressant ingredients started at least a
      day before it, read from ``dose_era`` as published (``drug_era`` in the corrected variant).
2. A depressive-disorder condition starting in the 365 days up to the index.
3. The person's earliest such event; then no mania, dementia or psychosis condition from the
   period's start to the index. A person whose earliest event fails this rule is excluded
   (``not_applicable``), not moved to a later event.

Members are ``trd`` with the entry date as ``index_date``; the definition counts drugs, not
adequate trials, so ``adequate_failed_trials`` is empty.

References
----------
OHDSI PhenotypeLibrary, cohort 1009, inst/cohorts/1009.json (v3.37.0).
"""

from __future__ import annotations

import polars as pl

from trdkit.cohort.pheno_concepts import codeset_concept_ids, codeset_drug_keys, ingredient_key
from trdkit.knowledge.cohort_policies import OhdsiPolicy, load_cohort_policies
from trdkit.knowledge.ohdsi_concept_sets import load_ohdsi_concept_sets
from trdkit.resistance.model import TrdStatus

__all__ = ["ohdsi_status"]

_RULES = (
    ("mania", "prior mania"),
    ("dementia", "prior dementia"),
    ("psychosis", "prior psychosis"),
)


def _drug_member(codeset: int, exclude: tuple[str, ...]) -> pl.Expr:
    # OMOP eras match by ingredient concept id, layout eras (no concept id) by drug key.
    items = [i for i in load_ohdsi_concept_sets().codeset(codeset) if not i.is_excluded]
    keys = codeset_drug_keys(codeset, exclude)
    ids = [
        i.concept_id
        for i in items
        if ingredient_key(i.vocabulary_id, i.concept_code, i.concept_name, i.concept_id) in keys
    ]
    return (
        pl.when(pl.col("ingredient_concept_id").is_not_null())
        .then(pl.col("ingredient_concept_id").is_in(sorted(ids)))
        .otherwise(pl.col("drug").is_in(sorted(keys)))
    )


def _condition_member(codeset: int, ancestor: pl.DataFrame | None) -> pl.Expr:
    items = load_ohdsi_concept_sets().codeset(codeset)
    ids = sorted(codeset_concept_ids(codeset, ancestor))
    codes = {i.concept_code for i in items if not i.is_excluded} - {
        i.concept_code for i in items if i.is_excluded
    }
    snomed = (pl.col("system") == "snomedct") & pl.col("code").is_in(sorted(codes))
    return (pl.col("concept_id").is_in(ids) | snomed).fill_null(False)


def _in_period(frame: pl.DataFrame, periods: pl.DataFrame) -> pl.DataFrame:
    spans = periods.select(
        "person_id", pl.col("start").alias("op_start"), pl.col("end").alias("op_end")
    )
    return frame.join(spans, on="person_id", how="inner").filter(
        (pl.col("start") >= pl.col("op_start")) & (pl.col("start") <= pl.col("op_end"))
    )


def _related(entries: pl.DataFrame, related: pl.DataFrame, lookback: int) -> pl.DataFrame:
    """Per entry: distinct related ingredients started by the index and a day before it."""
    pairs = entries.join(related, on="person_id", how="inner").filter(
        (pl.col("r_start") >= pl.col("op_start"))
        & (pl.col("r_end") <= pl.col("op_end"))
        & (pl.col("r_end") >= pl.col("index") - pl.duration(days=lookback))
        & (pl.col("r_start") <= pl.col("index"))
    )
    before = pl.col("r_start") <= pl.col("index") - pl.duration(days=1)
    return pairs.group_by("entry_id").agg(
        pl.len().alias("n_upto"),
        pl.col("r_key").n_unique().alias("d_upto"),
        pl.col("r_key").filter(before).n_unique().alias("d_before"),
    )


def ohdsi_status(
    eras: pl.DataFrame,
    dose_eras: pl.DataFrame | None,
    conditions: pl.DataFrame,
    periods: pl.DataFrame,
    persons: pl.DataFrame,
    ancestor: pl.DataFrame | None,
    policy: OhdsiPolicy,
) -> pl.DataFrame:
    """Membership of OHDSI cohort 1009 (or its corrected variant) for every person.

    Parameters
    ----------
    eras
        Ingredient drug eras (``eras_for`` with the 30-day gap: OMOP's ``drug_era`` if present).
    dose_eras
        OMOP ``dose_era`` rows, if the CDM has them (read by criterion C as published).
    conditions
        Conditions (``tables.CONDITION_SCHEMA``).
    periods
        Observation periods (``person_id``, ``start``, ``end``).
    persons
        Every ``person_id``.
    ancestor
        OMOP ``concept_ancestor`` (for the descendants of condition sets), if available.
    policy
        The ``ohdsi_1009`` policy.

    Returns
    -------
    polars.DataFrame
        ``person_id``, ``trd_status``, ``index_date``, ``adequate_failed_trials`` (null),
        ``because``.

    References
    ----------
    OHDSI PhenotypeLibrary, cohort 1009 (v3.37.0).
    """
    sets, cite = policy.codesets.value, load_cohort_policies().cite_as["ohdsi1009"]
    exclude = policy.exclude_ingredients.value
    lookback = policy.lookback_days.value
    is_ad = _drug_member(sets["antidepressants"], exclude)
    key = pl.coalesce(pl.col("ingredient_concept_id").cast(pl.String), pl.col("drug"))
    tagged = eras.with_columns(
        is_ad.alias("ad"),
        _drug_member(sets["atypical_antipsychotics"], ()).alias("ap"),
        _drug_member(sets["esketamine"], ()).alias("esk"),
        key.alias("r_key"),
    ).filter(pl.col("ad") | pl.col("ap") | pl.col("esk"))
    entries = _in_period(tagged, periods).filter(
        pl.col("start")
        >= pl.col("op_start") + pl.duration(days=policy.prior_observation_days.value)
    )
    entries = entries.with_columns(
        pl.col("start").alias("index"), pl.int_range(pl.len(), dtype=pl.Int64).alias("entry_id")
    )
    rel_cols = (
        "person_id",
        pl.col("start").alias("r_start"),
        pl.col("end").alias("r_end"),
        "r_key",
    )
    ad_eras = tagged.filter("ad").select(*rel_cols)
    esk_source = ad_eras
    if policy.esketamine_prior_source.value == "dose_era":
        esk_source = (
            pl.DataFrame(schema={c: ad_eras.schema[c] for c in ad_eras.columns})
            if dose_eras is None
            else dose_eras.with_columns(key.alias("r_key")).filter(is_ad).select(*rel_cols)
        )
    base = entries.select("entry_id", "person_id", "index", "op_start", "op_end")
    counts = _related(base, ad_eras, lookback)
    esk_counts = _related(base, esk_source, lookback).select(
        "entry_id", pl.col("d_before").alias("esk_before")
    )
    scored = entries.join(counts, on="entry_id", how="left").join(
        esk_counts, on="entry_id", how="left"
    )
    scored = scored.with_columns(pl.col("n_upto", "d_upto", "d_before", "esk_before").fill_null(0))
    crit_a = pl.col("ap") & (
        pl.col("n_upto") >= policy.min_antidepressants_before_antipsychotic.value
    )
    crit_b = (
        pl.col("ad")
        & (pl.col("d_upto") >= policy.min_distinct_antidepressants.value)
        & (pl.col("d_before") >= policy.min_distinct_prior_antidepressants.value)
    )
    crit_c = pl.col("esk") & (
        pl.col("esk_before") >= policy.min_prior_antidepressants_before_esketamine.value
    )
    label = pl.when(crit_a).then(pl.lit("A")).when(crit_b).then(pl.lit("B")).otherwise(pl.lit("C"))
    qualified = scored.filter(crit_a | crit_b | crit_c).with_columns(label.alias("criterion"))
    cond = conditions.with_columns(
        pl.coalesce("end", pl.col("start") + pl.duration(days=1)).alias("c_end"),
        *(_condition_member(sets[n], ancestor).alias(n) for n in ("depression", *dict(_RULES))),
    )
    windowed = qualified.join(
        cond.rename({"start": "c_start"}), on="person_id", how="inner"
    ).filter((pl.col("c_start") >= pl.col("op_start")) & (pl.col("c_end") <= pl.col("op_end")))
    recent = pl.col("c_start") >= pl.col("index") - pl.duration(
        days=policy.condition_lookback_days.value
    )
    depressed = windowed.filter(
        pl.col("depression") & recent & (pl.col("c_start") <= pl.col("index"))
    )
    first = (
        qualified.filter(pl.col("entry_id").is_in(depressed["entry_id"].implode()))
        .sort("person_id", "index", "criterion")
        .unique("person_id", keep="first", maintain_order=True)
    )
    prior = (
        windowed.filter(pl.col("c_start") <= pl.col("index"))
        .group_by("entry_id")
        .agg(pl.col(name).any().alias(f"has_{name}") for name, _ in _RULES)
    )
    first = first.join(prior, on="entry_id", how="left").with_columns(
        pl.col(f"has_{n}").fill_null(False) for n, _ in _RULES
    )
    excluded = pl.concat_str(
        [pl.when(pl.col(f"has_{n}")).then(pl.lit(text)) for n, text in _RULES],
        separator=", ",
        ignore_nulls=True,
    )
    first = first.with_columns(excluded.alias("_excluded")).select(
        "person_id", "index", "criterion", pl.col("_excluded").replace("", None)
    )
    frame = persons.select("person_id").join(first, on="person_id", how="left")
    member = pl.col("index").is_not_null() & pl.col("_excluded").is_null()
    status = (
        pl.when(member)
        .then(pl.lit(TrdStatus.trd.value))
        .when(pl.col("index").is_not_null())
        .then(pl.lit(TrdStatus.not_applicable.value))
        .otherwise(pl.lit(TrdStatus.not_trd.value))
    )
    pid = f"policy {policy.id}, {cite}"
    because = (
        pl.when(member)
        .then(
            pl.format(
                f"entry {{}} on {{}} with a depression code in the prior year: TRD ({pid})",
                "criterion",
                "index",
            )
        )
        .when(pl.col("index").is_not_null())
        .then(
            pl.format(
                f"earliest qualifying event on {{}} excluded by {{}} ({pid})", "index", "_excluded"
            )
        )
        .otherwise(
            pl.lit(f"no qualifying entry event with a depression code in the prior year ({pid})")
        )
    )
    return frame.select(
        "person_id",
        status.alias("trd_status"),
        pl.when(member).then(pl.col("index")).alias("index_date"),
        pl.lit(None, dtype=pl.Int64).alias("adequate_failed_trials"),
        because.alias("because"),
    )
