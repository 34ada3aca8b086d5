"""Trial verdicts over a whole cohort at once: ``resistance.adequacy`` as column expressions.

The rules, their order and their numbers are those of :func:`trdkit.resistance.judge_trials`:
the policy's dose table (``drug_doses.yaml``, with its fallbacks), add-on doses for augmentation
and combination trials, the policy's minimum weeks, the early-stop week, the non-response cut-off
and the counting switches. Only the evaluation differs: one polars expression per rule instead of
one Python call per trial. ``tests/cohort/test_cohort_pheno_differential.py`` proves the two agree
patient by patient. Cohort trials are drug trials; procedures (ECT, rTMS) are not read.

References
----------
Sforzini L, et al. Mol Psychiatry. 2022;27:1286-1299 (early stop, intolerance, <25%).
Chandler GM, et al. CNS Neurosci Ther. 2010;16:322-325 (MGH-ATRQ adequacy).
"""

from __future__ import annotations

import polars as pl

from trdkit.knowledge.drug_doses import DrugDoseTable, load_drug_doses
from trdkit.knowledge.policies import PolicyDefinition
from trdkit.record.vocab import Adherence, Episode, Outcome
from trdkit.resistance.model import TrialCategory, Verdict

__all__ = ["judge_cohort_trials", "minimum_doses"]

_ADD_ON = [TrialCategory.augmentation.value, TrialCategory.combination.value]
_NOT_FAILED = {
    Outcome.remission.value: Verdict.response.value,
    Outcome.response.value: Verdict.response.value,
    Outcome.response_lost.value: Verdict.response_lost.value,
    Outcome.intolerance.value: Verdict.intolerance.value,
    Outcome.ongoing.value: Verdict.ongoing.value,
    Outcome.unknown.value: Verdict.outcome_unknown.value,
}
_FAILED = [Outcome.no_response.value, Outcome.partial_response.value]


def minimum_doses(drugs: list[str], policy: PolicyDefinition, doses: DrugDoseTable) -> pl.DataFrame:
    """Minimum adequate doses of ``drugs`` under the policy, alone and as an add-on.

    Follows ``trial_checks._dose``: an add-on trial uses the augmentation table's lowest dose when
    it has one, else the drug's monotherapy minimum; the monotherapy minimum follows the dose
    table's fallbacks. Lithium serum levels are not part of cohort data.

    Returns
    -------
    polars.DataFrame
        ``drug``, ``min_dose_alone``, ``min_dose_add_on`` (null where no table gives one).
    """
    alone: list[float | None] = []
    add_on: list[float | None] = []
    for drug in drugs:
        minimum = doses.minimum_dose(drug, policy.dose_table)
        mono = None if minimum is None else minimum.mg_per_day
        row = doses.augmentation.get(drug)
        alone.append(mono)
        add_on.append(row.min_mg_per_day if row and row.min_mg_per_day is not None else mono)
    return pl.DataFrame(
        {"drug": drugs, "min_dose_alone": alone, "min_dose_add_on": add_on},
        schema={"drug": pl.String, "min_dose_alone": pl.Float64, "min_dose_add_on": pl.Float64},
    )


def _counted(policy: PolicyDefinition) -> pl.Expr:
    cat = pl.col("category")
    return (
        (cat == TrialCategory.antidepressant.value)
        | ((cat == TrialCategory.augmentation.value) & pl.lit(policy.count_augmentation))
        | ((cat == TrialCategory.combination.value) & pl.lit(policy.count_combination))
    )


def judge_cohort_trials(
    trials: pl.DataFrame, policy: PolicyDefinition, doses: DrugDoseTable | None = None
) -> pl.DataFrame:
    """Judge every trial of a cohort under a TRD policy.

    Parameters
    ----------
    trials
        Output of :func:`trdkit.cohort.pheno_trials.build_trials`.
    policy
        The clinical TRD policy.
    doses
        The ``drug_doses`` table; loaded when omitted.

    Returns
    -------
    polars.DataFrame
        The trials with ``weeks``, ``min_dose``, ``min_weeks``, ``counted``, ``failed_outcome``,
        ``adequate`` (null when undecided), ``naive_failure``, ``counts_as_failure`` and
        ``verdict`` (a ``Verdict`` value), as ``judge_trials`` would give them.

    References
    ----------
    Sforzini L, et al. Mol Psychiatry. 2022;27:1286-1299; Chandler GM, et al. CNS Neurosci
    Ther. 2010;16:322-325.
    """
    doses = doses or load_drug_doses()
    table = minimum_doses(trials["drug"].unique().sort().to_list(), policy, doses)
    early = doses.threshold("early_stop_weeks").value
    add_on = pl.col("category").is_in(_ADD_ON)
    is_drug = pl.col("category") != TrialCategory.rapid_acting.value
    frame = trials.join(table, on="drug", how="left").with_columns(
        (pl.col("days") / 7.0).alias("weeks"),
        pl.when(add_on).then("min_dose_add_on").otherwise("min_dose_alone").alias("min_dose"),
        pl.when(add_on)
        .then(pl.lit(policy.augmentation_min_weeks))
        .otherwise(pl.lit(policy.min_weeks))
        .alias("min_weeks"),
    )
    pct, cut = pl.col("improvement_pct"), policy.response_below_pct
    failed = pl.col("outcome").is_in(_FAILED) & (pct.is_null() | (pct < cut))
    outcome_verdict = (
        pl.col("outcome")
        .replace_strict(_NOT_FAILED, default=None, return_dtype=pl.String)
        .fill_null(
            pl.when(pl.col("outcome").is_in(_FAILED) & (pct >= cut)).then(pl.lit("response"))
        )
    )
    poor = pl.col("adherence").is_in([Adherence.partial.value, Adherence.poor.value])
    unknown_adherence = pl.col("adherence").is_null() | (
        pl.col("adherence") == Adherence.unknown.value
    )
    frame = frame.with_columns(
        _counted(policy).alias("counted"),
        failed.fill_null(False).alias("failed_outcome"),
        outcome_verdict.alias("_outcome_verdict"),
        (is_drug & poor.fill_null(False)).alias("_short_adherence"),
        (is_drug & (pl.col("weeks") < early)).alias("_short_early"),
        (is_drug & (pl.col("dose") < pl.col("min_dose")).fill_null(False)).alias("_short_dose"),
        (is_drug & (pl.col("weeks") < pl.col("min_weeks"))).alias("_short_duration"),
        (
            ~is_drug
            | (unknown_adherence & pl.lit(not policy.unknown_adherence_counts))
            | pl.col("min_dose").is_null()
            | pl.col("dose").is_null()
        ).alias("_missing"),
    )
    shortfall = pl.any_horizontal(
        "_short_adherence", "_short_early", "_short_dose", "_short_duration"
    )
    verdict = (
        pl.when(pl.col("episode") == Episode.prior.value)
        .then(pl.lit(Verdict.prior_episode.value))
        .when(pl.col("_outcome_verdict").is_not_null())
        .then(pl.col("_outcome_verdict"))
        .when(~pl.col("counted"))
        .then(pl.lit(Verdict.not_counted.value))
        .when(pl.col("_short_adherence"))
        .then(pl.lit(Verdict.inadequate_adherence.value))
        .when(pl.col("_short_early"))
        .then(pl.lit(Verdict.early_stop.value))
        .when(pl.col("_short_dose"))
        .then(pl.lit(Verdict.inadequate_dose.value))
        .when(pl.col("_short_duration"))
        .then(pl.lit(Verdict.inadequate_duration.value))
        .when(pl.col("_missing"))
        .then(pl.lit(Verdict.adequacy_undecided.value))
        .otherwise(pl.lit(Verdict.adequate_failure.value))
    )
    adequate = pl.when(shortfall).then(False).when(pl.col("_missing")).then(None).otherwise(True)
    current = pl.col("episode") == Episode.current.value
    frame = frame.with_columns(verdict.alias("verdict"), adequate.alias("adequate"))
    return frame.with_columns(
        (pl.col("failed_outcome") & pl.col("counted") & current).alias("naive_failure"),
        (pl.col("verdict") == Verdict.adequate_failure.value).alias("counts_as_failure"),
    ).drop("_outcome_verdict", "_short_adherence", "_short_early", "_short_dose", "_short_duration")
