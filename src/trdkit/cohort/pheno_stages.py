"""Stage columns for a cohort: the staging models of ``resistance.staging`` on the trial verdicts.

Per person, the adequate failures of the current episode are counted per staging class
(``staging.yaml`` class groups and counted categories), and those counts go through the same
functions the clinical models use (``chain_stage`` for Thase-Rush, ``european_category`` for the
European method; MGH-s is a weighted sum), once per distinct combination of counts. What cohort
data cannot give stays out: ECT courses (procedures are not read), ``optimised`` (MGH-s half
points for dose or duration optimisation), and the Maudsley method, which needs the episode's
duration and severity, so ``stage_maudsley`` is empty, as it is for a record without them.

References
----------
Thase ME, Rush AJ. J Clin Psychiatry. 1997;58 Suppl 13:23-29.
Souery D, et al. Eur Neuropsychopharmacol. 1999;9(1-2):83-91.
Fava M. Biol Psychiatry. 2003;53(8):649-659.
Fekadu A, et al. BMC Psychiatry. 2018;18(1):100.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from trdkit.cohort.pheno_frames import group_by_person
from trdkit.knowledge.staging import StagingTable, load_staging_table
from trdkit.record.vocab import Episode
from trdkit.resistance.model import TrdStatus, TrialCategory
from trdkit.resistance.staging.european import european_category
from trdkit.resistance.staging.thase_rush import chain_stage

__all__ = ["STAGE_COLUMNS", "cohort_stages"]

STAGE_COLUMNS = ("stage_thase_rush", "stage_european", "stage_mgh_s", "stage_maudsley")


def _failures(verdicts: pl.DataFrame, table: StagingTable) -> pl.DataFrame:
    groups = {row.drug_class: row.group for row in table.class_groups.values()}
    return verdicts.filter(
        (pl.col("episode") == Episode.current.value)
        & (pl.col("adequate") == True)  # noqa: E712 - null (undecided) must not pass
        & pl.col("failed_outcome")
    ).with_columns(
        pl.col("drug_class")
        .replace_strict(groups, default=None, return_dtype=pl.String)
        .alias("group")
    )


def _lookup(keys: pl.Series, fn: Callable[[int], object], dtype: pl.DataType) -> pl.Series:
    # The clinical functions run once per distinct combination of counts, not once per person.
    mapping = {k: fn(k) for k in keys.unique().to_list()}
    return keys.replace_strict(mapping, default=None, return_dtype=dtype).cast(dtype)


def _thase_rush(failures: pl.DataFrame, table: StagingTable) -> pl.DataFrame:
    rules = table.thase_rush
    groups = [*table.groups, "bilateral_ect"]
    # No stage needs more than one trial per step, so counts are capped at the number of steps.
    cap = len(rules.stages)
    base = cap + 1
    counted = failures.filter(
        pl.col("category").is_in(list(rules.counted_categories.value))
        & pl.col("group").is_not_null()
    )
    per = group_by_person(counted).agg(
        sum(
            (pl.col("group") == g).sum().clip(upper_bound=cap).cast(pl.Int64) * base**i
            for i, g in enumerate(groups)
        ).alias("_key")
    )
    own = rules.own_trial_per_stage.value

    def stage(key: int) -> int:
        counts = {g: (key // base**i) % base for i, g in enumerate(groups)}
        return chain_stage(
            rules.stages, {g: n for g, n in counts.items() if n}, own_trial_per_stage=own
        )[0]

    return per.select(
        "person_id", _lookup(per["_key"], stage, pl.Int64()).alias("stage_thase_rush")
    )


def _european(failures: pl.DataFrame, verdicts: pl.DataFrame, table: StagingTable) -> pl.DataFrame:
    rules = table.european
    counted = failures.filter(
        pl.col("category").is_in(list(rules.counted_categories.value))
        & pl.col("group").is_not_null()
    )
    crd = rules.crd
    augmentations = verdicts.filter(
        (pl.col("episode") == Episode.current.value)
        & (pl.col("category") == TrialCategory.augmentation.value)
        & pl.col("failed_outcome")
        & ((pl.col("adequate") == True) | pl.lit(not crd.augmentation_requires_adequate))  # noqa: E712
    )
    aug = group_by_person(augmentations).agg(
        pl.len().alias("n_aug"), pl.col("days").sum().alias("aug_days")
    )
    # Beyond the last level more failures change nothing, nor more than two classes.
    levels = len(rules.levels)
    per = group_by_person(counted).agg(
        (
            pl.len().clip(upper_bound=levels).cast(pl.Int64) * 10
            + pl.col("group").n_unique().clip(upper_bound=2).cast(pl.Int64)
        ).alias("_key"),
        pl.col("days").sum().alias("days"),
    )
    per = per.join(aug, on="person_id", how="left").with_columns(
        pl.col("n_aug", "aug_days").fill_null(0)
    )

    def category(key: int) -> str | None:
        level, _ = european_category(rules, key // 10, key % 10)
        return None if level is None else level.category

    level = _lookup(per["_key"], category, pl.String())
    weeks = ((pl.col("days") + pl.col("aug_days")) / 7).round(1)
    is_crd = (
        (pl.col("_level") != rules.levels[0].category)
        & (pl.col("n_aug") > 0)
        & (weeks >= crd.min_treatment_weeks)
    )
    return per.with_columns(level.alias("_level")).select(
        "person_id",
        pl.when(is_crd).then(pl.lit("CRD")).otherwise(pl.col("_level")).alias("stage_european"),
    )


def _mgh_s(failures: pl.DataFrame, table: StagingTable) -> pl.DataFrame:
    rules = table.mgh_s
    trial = rules.item("adequate_failed_trial").points
    aug = rules.item("augmentation_or_combination").points
    trials = pl.col("category").is_in(list(rules.trial_categories.value))
    add_on = pl.col("category").is_in(list(rules.augmentation_categories.value))
    score = (trials.cast(pl.Float64) * trial + (add_on & ~trials).cast(pl.Float64) * aug).sum()
    return group_by_person(failures).agg(score.alias("stage_mgh_s"))


def cohort_stages(
    verdicts: pl.DataFrame, status: pl.DataFrame, table: StagingTable | None = None
) -> pl.DataFrame:
    """Stage columns for every person of ``status``.

    Parameters
    ----------
    verdicts
        Trial verdicts (``judge_cohort_trials``).
    status
        ``person_id`` and ``trd_status``; as in ``assess``, no model is scored when the status
        is ``not_applicable``.
    table
        Staging rules; the packaged ``staging.yaml`` when omitted.

    Returns
    -------
    polars.DataFrame
        ``person_id`` and the ``STAGE_COLUMNS``: Thase-Rush 0-5, the European category
        (``non_responder``, ``TRD1``-``TRD5``, ``CRD`` or null), the MGH-s score, Maudsley null.
    """
    t = table or load_staging_table()
    failures = _failures(verdicts, t)
    frame = status.select("person_id", "trd_status")
    frame = frame.join(_thase_rush(failures, t), on="person_id", how="left")
    frame = frame.join(_european(failures, verdicts, t), on="person_id", how="left")
    frame = frame.join(_mgh_s(failures, t), on="person_id", how="left")
    applies = pl.col("trd_status") != TrdStatus.not_applicable.value
    return frame.select(
        "person_id",
        pl.when(applies).then(pl.col("stage_thase_rush").fill_null(0)).alias("stage_thase_rush"),
        pl.when(applies).then(pl.col("stage_european")).alias("stage_european"),
        pl.when(applies).then(pl.col("stage_mgh_s").fill_null(0.0)).alias("stage_mgh_s"),
        pl.lit(None, dtype=pl.Int64).alias("stage_maudsley"),
    )
