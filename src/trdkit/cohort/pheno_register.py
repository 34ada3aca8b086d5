"""Register definitions of TRD that count drugs rather than adequate trials: Fabbri and Hägg.

``fabbri_2021`` (UK primary care; its public CPRD implementation): per drug, prescriptions less
than 26 weeks apart form one prescription episode, lasting from its first to its last issue
(a single prescription lasts until the next antidepressant prescription when that comes within
14 weeks). A switch is an episode's last prescription followed by a prescription of another
antidepressant; it qualifies when the episode lasted at least 6 weeks and the next prescription
came within 14 weeks. TRD: at least two qualifying switches in a person with at least three
distinct antidepressants; the index date is the first prescription after the second switch.

``hagg_2020`` (Karolinska Institutet Model): antidepressant trials are eras; a trial lasting more
than 28 days is a treatment trial, a re-start of a drug already tried is not a new one. TRD: the
third sequential treatment trial starts; the index date is its start.

Both apply to people with a depression diagnosis (configurable); others are ``not_applicable``.

References
----------
Fabbri C, et al. Mol Psychiatry. 2021;26(7):3363-3373.
Hägg D, et al. PLoS One. 2020;15(7):e0236434.
"""

from __future__ import annotations

import polars as pl

from trdkit.cohort.eras import build_eras
from trdkit.knowledge.cohort_policies import SequentialPolicy, SwitchPolicy, load_cohort_policies
from trdkit.knowledge.drug_doses import load_drug_doses
from trdkit.knowledge.drugs import DrugKind, load_drug_catalogue
from trdkit.record.treatment_models import DRUGS_READ_AS_PROCEDURES
from trdkit.resistance.model import TrdStatus

__all__ = ["antidepressant_ids", "fabbri_status", "hagg_status"]


def antidepressant_ids() -> list[str]:
    """Catalogue ids counted as antidepressants (the catalogue's and the dose table's, minus
    esketamine and ketamine, which the clinical rules read as rapid-acting procedures)."""
    catalogue = load_drug_catalogue()
    ids = {d.id for d in catalogue.drugs.values() if d.kind is DrugKind.ANTIDEPRESSANT}
    ids |= set(load_drug_doses().antidepressants)
    return sorted(ids - set(DRUGS_READ_AS_PROCEDURES))


def _finish(
    persons: pl.DataFrame,
    depressed: pl.DataFrame,
    found: pl.DataFrame,
    policy_id: str,
    require_code: bool,
    trd_text: str,
    other_text: str,
) -> pl.DataFrame:
    frame = persons.select("person_id").join(found, on="person_id", how="left")
    frame = frame.join(depressed, on="person_id", how="left").with_columns(
        pl.col("depression").fill_null(False), pl.col("adequate_failed_trials").fill_null(0)
    )
    outside = ~pl.col("depression") & pl.lit(require_code)
    trd = pl.col("index_date").is_not_null()
    status = (
        pl.when(outside)
        .then(pl.lit(TrdStatus.not_applicable.value))
        .when(trd)
        .then(pl.lit(TrdStatus.trd.value))
        .otherwise(pl.lit(TrdStatus.not_trd.value))
    )
    because = (
        pl.when(outside)
        .then(pl.lit(f"no depression diagnosis code: outside the population of policy {policy_id}"))
        .when(trd)
        .then(pl.format(trd_text, "adequate_failed_trials", "index_date"))
        .otherwise(pl.format(other_text, "adequate_failed_trials"))
    )
    return frame.select(
        "person_id",
        status.alias("trd_status"),
        pl.when(~outside).then(pl.col("index_date")).alias("index_date"),
        pl.col("adequate_failed_trials").cast(pl.Int64),
        because.alias("because"),
    )


def hagg_status(
    exposures: pl.DataFrame,
    persons: pl.DataFrame,
    depressed: pl.DataFrame,
    policy: SequentialPolicy,
) -> pl.DataFrame:
    """Status under the Karolinska Institutet Model (``hagg_2020``) for every person.

    Parameters
    ----------
    exposures
        Cohort exposures (``tables.EXPOSURE_SCHEMA``).
    persons
        Every ``person_id``.
    depressed
        ``person_id`` and ``depression`` (any depression code).
    policy
        The ``sequential_trials`` policy.

    Returns
    -------
    polars.DataFrame
        ``person_id``, ``trd_status``, ``index_date``, ``adequate_failed_trials``, ``because``.

    References
    ----------
    Hägg D, et al. PLoS One. 2020;15(7):e0236434.
    """
    cite = load_cohort_policies().cite_as["hagg2020"]
    drugs = [*antidepressant_ids(), *policy.add_on_agents.value]
    eras = build_eras(exposures.filter(pl.col("drug").is_in(drugs)), policy.era_gap_days.value)
    trials = eras.filter(
        (pl.col("end") - pl.col("start")).dt.total_days() > policy.min_trial_days.value
    ).sort("person_id", "start", "drug")
    if policy.distinct_drugs.value:
        trials = trials.unique(["person_id", "drug"], keep="first", maintain_order=True)
    n = policy.trial_number_for_trd.value
    ranked = trials.with_columns(pl.int_range(1, pl.len() + 1).over("person_id").alias("_rank"))
    found = ranked.group_by("person_id").agg(
        (pl.len() - 1).clip(lower_bound=0).alias("adequate_failed_trials"),
        pl.col("start").filter(pl.col("_rank") == n).first().alias("index_date"),
    )
    days = policy.min_trial_days.value
    return _finish(
        persons,
        depressed,
        found,
        policy.id,
        policy.require_depression_code.value,
        f"{{}} sequential >{days}-day antidepressant trial(s) followed by another; trial {n} "
        f"started {{}}: TRD (policy {policy.id}, {cite})",
        f"{{}} sequential >{days}-day trial(s) followed by another, fewer than {n - 1}: "
        f"not TRD (policy {policy.id}, {cite})",
    )


def fabbri_status(
    exposures: pl.DataFrame, persons: pl.DataFrame, depressed: pl.DataFrame, policy: SwitchPolicy
) -> pl.DataFrame:
    """Status under Fabbri 2021 (``fabbri_2021``) for every person.

    Parameters
    ----------
    exposures
        Cohort exposures; only their start (issue) dates are read.
    persons
        Every ``person_id``.
    depressed
        ``person_id`` and ``depression`` (any depression code).
    policy
        The ``switches`` policy.

    Returns
    -------
    polars.DataFrame
        ``person_id``, ``trd_status``, ``index_date``, ``adequate_failed_trials`` (qualifying
        switches), ``because``.

    References
    ----------
    Fabbri C, et al. Mol Psychiatry. 2021;26(7):3363-3373.
    """
    cite = load_cohort_policies().cite_as["fabbri2021"]
    issues = exposures.filter(pl.col("drug").is_in(antidepressant_ids())).select(
        "person_id", "drug", "start", pl.col("start").alias("end")
    )
    gap = round(policy.prescription_episode_gap_weeks.value * 7)
    episodes = build_eras(issues, gap).sort("person_id", "last_start")
    following = issues.select(
        "person_id", pl.col("start").alias("next_date"), pl.col("drug").alias("next_drug")
    ).sort("person_id", "next_date")
    joined = episodes.join_asof(
        following,
        left_on="last_start",
        right_on="next_date",
        by="person_id",
        strategy="forward",
        allow_exact_matches=False,
        check_sortedness=False,
    )
    max_gap = policy.max_switch_gap_weeks.value
    gap_weeks = (pl.col("next_date") - pl.col("last_start")).dt.total_days() / 7
    span = (pl.col("last_start") - pl.col("start")).dt.total_days() / 7
    weeks = pl.when((span == 0) & (gap_weeks <= max_gap)).then(gap_weeks).otherwise(span)
    qualifying = (
        (pl.col("next_drug") != pl.col("drug"))
        & (weeks >= policy.min_trial_weeks.value)
        & (gap_weeks > 0)
        & (gap_weeks <= max_gap)
    ).fill_null(False)
    switches = joined.filter(qualifying).sort("person_id", "last_start")
    distinct = issues.group_by("person_id").agg(pl.col("drug").n_unique().alias("_drugs"))
    k = policy.min_switches.value
    found = (
        switches.group_by("person_id")
        .agg(
            pl.len().alias("adequate_failed_trials"),
            pl.col("next_date").get(k - 1, null_on_oob=True).alias("index_date"),
        )
        .join(distinct, on="person_id", how="left")
        .with_columns(
            pl.when(pl.col("_drugs") >= policy.min_distinct_drugs.value).then(pl.col("index_date"))
        )
        .drop("_drugs")
    )
    least = policy.min_trial_weeks.value
    return _finish(
        persons,
        depressed,
        found,
        policy.id,
        policy.require_depression_code.value,
        f"{{}} qualifying switch(es) (>= {least:g} weeks on a drug, <= {max_gap:g} weeks to "
        f"the next); switch {k} on {{}}: TRD (policy {policy.id}, {cite})",
        f"{{}} qualifying switch(es) (>= {least:g} weeks on a drug, <= {max_gap:g} weeks to "
        f"the next) or fewer than {policy.min_distinct_drugs.value} distinct antidepressants: "
        f"not TRD (policy {policy.id}, {cite})",
    )
