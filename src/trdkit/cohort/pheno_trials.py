"""From drug eras to treatment trials: what kind of trial each era was, and how it ended.

Each era becomes one trial of the record model (``Treatment``): a drug, its start and end, the
highest daily dose, and - when the input says so - its outcome, improvement, adherence, role and
episode. What prescription data do not say is read as follows (``docs/cohort-phenotyping.md``):

* **Role.** An augmenting agent (catalogue kind ``augmenting_agent``) whose era overlaps an era
  of a catalogue antidepressant is an augmentation; everything else is taken alone (quetiapine
  alone is an antidepressant trial, as the dose table has it). Two antidepressants taken
  together are not read as a combination (a cross-taper looks the same).
* **Outcome.** A trial is a non-response when another antidepressant, an add-on or esketamine
  starts during it or within ``switch_window_days`` after it ends (a switch or an augmentation
  is the register sign that the drug did not work; improvement stays unknown). A trial still
  running at the end of observation is ongoing; any other is unknown (stopped without a change:
  recovery, intolerance and drop-out look alike).
* **Episode.** Every trial belongs to the current episode unless the input says ``prior``.

Categories follow ``resistance.adequacy``: esketamine and ketamine are rapid-acting treatments,
an antidepressant of the catalogue or the dose table given alone is an antidepressant trial,
anything else given alone is ``other``.
"""

from __future__ import annotations

import polars as pl

from trdkit.cohort.pheno_concepts import catalogue_frame
from trdkit.knowledge.drug_doses import load_drug_doses
from trdkit.knowledge.drugs import DrugKind
from trdkit.record.treatment_models import DRUGS_READ_AS_PROCEDURES
from trdkit.record.vocab import Episode, Outcome, Role
from trdkit.resistance.model import TrialCategory

__all__ = ["TRIGGERS", "build_trials"]

TRIGGERS = (
    TrialCategory.antidepressant.value,
    TrialCategory.augmentation.value,
    TrialCategory.combination.value,
    TrialCategory.rapid_acting.value,
)


def _with_catalogue(eras: pl.DataFrame) -> pl.DataFrame:
    frame = eras.join(catalogue_frame(), on="drug", how="left")
    ad_ids = sorted(load_drug_doses().antidepressants)
    is_ad = (pl.col("kind") == DrugKind.ANTIDEPRESSANT.value) | pl.col("drug").is_in(ad_ids)
    rapid = pl.col("drug").is_in(sorted(DRUGS_READ_AS_PROCEDURES))
    return frame.with_columns(is_ad.fill_null(False).alias("_is_ad"), rapid.alias("_rapid"))


def _infer_roles(frame: pl.DataFrame) -> pl.DataFrame:
    cols = ["era_id", "person_id", "start", "end"]
    candidates = frame.filter(
        pl.col("role").is_null() & (pl.col("kind") == DrugKind.AUGMENTING_AGENT.value)
    ).select(cols)
    # Antidepressants of the catalogue only: quetiapine is in the dose table as a monotherapy,
    # but an era cannot augment itself.
    antidepressants = frame.filter(
        (pl.col("kind") == DrugKind.ANTIDEPRESSANT.value) & ~pl.col("_rapid")
    ).select("person_id", pl.col("start").alias("ad_start"), pl.col("end").alias("ad_end"))
    overlapping = (
        candidates.join(antidepressants, on="person_id", how="inner")
        .filter((pl.col("start") <= pl.col("ad_end")) & (pl.col("ad_start") <= pl.col("end")))
        .select("era_id")
        .unique()
    )
    augmented = pl.col("era_id").is_in(overlapping["era_id"].implode())
    role = (
        pl.when(pl.col("role").is_not_null())
        .then(pl.col("role"))
        .when(augmented)
        .then(pl.lit(Role.augmentation.value))
        .otherwise(pl.lit(Role.monotherapy.value))
    )
    return frame.with_columns(role.alias("role"), pl.col("role").is_null().alias("role_inferred"))


def _category() -> pl.Expr:
    return (
        pl.when(pl.col("_rapid"))
        .then(pl.lit(TrialCategory.rapid_acting.value))
        .when(pl.col("role") == Role.augmentation.value)
        .then(pl.lit(TrialCategory.augmentation.value))
        .when(pl.col("role") == Role.combination.value)
        .then(pl.lit(TrialCategory.combination.value))
        .when(pl.col("_is_ad"))
        .then(pl.lit(TrialCategory.antidepressant.value))
        .otherwise(pl.lit(TrialCategory.other.value))
    )


def _next_other_drug(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``next_other``: the first start, after each trial's start, of a trigger of another drug.

    Triggers in start order fall into runs of one drug; for each trigger, ``run_next`` is the
    start of the run after its own. The first trigger after a trial (an as-of join) is either of
    another drug, and settles it, or of the trial's own drug, and then the next run does.
    """
    triggers = (
        frame.filter(pl.col("category").is_in(TRIGGERS))
        .select("person_id", pl.col("drug").alias("next_drug"), pl.col("start").alias("next_start"))
        .sort("person_id", "next_start", "next_drug")
    )
    new_run = (pl.col("person_id") != pl.col("person_id").shift(1)) | (
        pl.col("next_drug") != pl.col("next_drug").shift(1)
    )
    triggers = triggers.with_columns(new_run.fill_null(True).alias("_new"))
    run_start = pl.when(pl.col("_new")).then(pl.col("next_start"))
    run_person = pl.when(pl.col("_new")).then(pl.col("person_id"))
    triggers = triggers.with_columns(
        run_start.shift(-1).backward_fill().alias("_run_next"),
        run_person.shift(-1).backward_fill().alias("_run_person"),
    ).with_columns(
        pl.when(pl.col("_run_person") == pl.col("person_id"))
        .then(pl.col("_run_next"))
        .alias("run_next")
    )
    nearest = frame.sort("person_id", "start").join_asof(
        triggers.select("person_id", "next_drug", "next_start", "run_next"),
        left_on="start",
        right_on="next_start",
        by="person_id",
        strategy="forward",
        allow_exact_matches=False,
        check_sortedness=False,
    )
    other = (
        pl.when(pl.col("next_drug") != pl.col("drug"))
        .then(pl.col("next_start"))
        .otherwise(pl.col("run_next"))
    )
    return nearest.with_columns(other.alias("next_other")).drop(
        "next_drug", "next_start", "run_next"
    )


def _infer_outcomes(
    frame: pl.DataFrame, persons: pl.DataFrame, window_days: int, gap_days: int
) -> pl.DataFrame:
    frame = _next_other_drug(frame)
    switched = (pl.col("next_other") <= pl.col("end") + pl.duration(days=window_days)).fill_null(
        False
    )
    obs_end = persons.select("person_id", pl.col("obs_end").alias("_obs_end"))
    frame = frame.join(obs_end, on="person_id", how="left")
    running = pl.col("end") >= pl.col("_obs_end") - pl.duration(days=gap_days)
    outcome = (
        pl.when(pl.col("outcome").is_not_null())
        .then(pl.col("outcome"))
        .when(switched)
        .then(pl.lit(Outcome.no_response.value))
        .when(running.fill_null(False))
        .then(pl.lit(Outcome.ongoing.value))
        .otherwise(pl.lit(Outcome.unknown.value))
    )
    return frame.with_columns(
        outcome.alias("outcome"), pl.col("outcome").is_null().alias("outcome_inferred")
    ).drop("_obs_end", "next_other")


def build_trials(
    eras: pl.DataFrame, persons: pl.DataFrame, *, switch_window_days: int, era_gap_days: int
) -> pl.DataFrame:
    """Turn eras into trials with category, role, outcome and episode.

    Parameters
    ----------
    eras
        Output of :func:`trdkit.cohort.eras.build_eras`.
    persons
        ``person_id`` and ``obs_end`` (a trial reaching the end of observation is ongoing).
    switch_window_days
        How long after a trial's end a new treatment still marks it as failed.
    era_gap_days
        The era gap; a trial ending within it of the end of observation is ongoing.

    Returns
    -------
    polars.DataFrame
        One row per era: ``trial_id``, ``person_id``, ``drug``, ``drug_class``, ``kind``,
        ``category``, ``role``, ``start``, ``end``, ``last_start``, ``days``, ``dose``,
        ``outcome``, ``improvement_pct``, ``adherence``, ``episode`` and whether role and
        outcome were inferred.
    """
    frame = _infer_roles(_with_catalogue(eras))
    frame = frame.with_columns(_category().alias("category"))
    frame = _infer_outcomes(frame, persons, switch_window_days, era_gap_days)
    return frame.select(
        pl.col("era_id").alias("trial_id"),
        "person_id",
        "drug",
        "drug_class",
        "kind",
        "category",
        "role",
        "start",
        "end",
        "last_start",
        (pl.col("end") - pl.col("start")).dt.total_days().alias("days"),
        "dose",
        "outcome",
        "improvement_pct",
        "adherence",
        pl.col("episode").fill_null(Episode.current.value).alias("episode"),
        "role_inferred",
        "outcome_inferred",
    )
