"""TRD status per person from the cohort's trial verdicts: ``resistance.status`` in columns.

The order of precedence is the contract's, as in :func:`trdkit.resistance.trd_status`:
``not_applicable`` (under the adult age of ``drug_doses.yaml``), ``insufficient_data`` (no
current-episode trial with a known outcome, or undecided trials that could reach the threshold),
``trd``, ``pseudo_resistant``, ``not_trd``. With ``require_different_mechanism`` a failure counts
once per drug class. Cohort data hold no DSM-5 criteria, so MDD stays undecided and every status
is given provisionally, as ``assess`` does for a record without criteria; coded diagnoses never
decide it (patient-record.md).

``index_date`` is the end of the trial that brought the count of adequate failures to the policy's
threshold (for distinct classes: the first end date of each class).

References
----------
EMA/CHMP/185423/2010 Rev. 2 (2013): >= 2 failed adequate trials in the current episode.
McIntyre RS, et al. World Psychiatry. 2023;22:394-412 (pseudo-resistance).
"""

from __future__ import annotations

import polars as pl

from trdkit.cohort.pheno_frames import group_by_person
from trdkit.knowledge.drug_doses import load_drug_doses
from trdkit.knowledge.policies import PolicyDefinition
from trdkit.record.vocab import Episode, Outcome
from trdkit.resistance.model import TrdStatus, Verdict

__all__ = ["cohort_status", "person_ages"]

_PENDING = [Outcome.unknown.value, Outcome.ongoing.value]


def person_ages(persons: pl.DataFrame) -> pl.DataFrame:
    """``person_id`` and ``age``: years from the year of birth to the end of observation."""
    age = pl.col("obs_end").dt.year().cast(pl.Int32) - pl.col("year_of_birth")
    return persons.select("person_id", age.alias("age"))


def _counts(verdicts: pl.DataFrame, policy: PolicyDefinition) -> pl.DataFrame:
    current = verdicts.filter(pl.col("episode") == Episode.current.value)
    undecided = (pl.col("verdict") == Verdict.adequacy_undecided.value) & pl.col("naive_failure")
    if policy.require_different_mechanism:
        key = pl.coalesce("drug_class", "drug")

        def count(mask: pl.Expr) -> pl.Expr:
            return key.filter(mask).n_unique()
    else:

        def count(mask: pl.Expr) -> pl.Expr:
            return mask.sum()

    return group_by_person(current).agg(
        pl.len().alias("trials"),
        (~pl.col("outcome").is_in(_PENDING)).sum().alias("known"),
        pl.col("counts_as_failure").sum().alias("adequate_failed_trials"),
        pl.col("naive_failure").sum().alias("naive_failed_trials"),
        undecided.sum().alias("undecided"),
        count(pl.col("counts_as_failure")).alias("n_adequate"),
        count(pl.col("counts_as_failure") | undecided).alias("n_possible"),
        count(pl.col("naive_failure")).alias("n_naive"),
    )


def _index_dates(verdicts: pl.DataFrame, policy: PolicyDefinition) -> pl.DataFrame:
    failures = verdicts.filter(
        (pl.col("episode") == Episode.current.value) & pl.col("counts_as_failure")
    )
    if policy.require_different_mechanism:
        # Each class counts from the first end date of its failures.
        failures = failures.group_by("person_id", pl.coalesce("drug_class", "drug")).agg(
            pl.col("end").min()
        )
    need = policy.min_failed_trials
    return group_by_person(failures).agg(
        pl.col("end").sort().get(need - 1, null_on_oob=True).alias("index_date")
    )


def _because(policy: PolicyDefinition, adult: float, adult_label: str) -> pl.Expr:
    pid = f"policy {policy.id}"
    need = policy.min_failed_trials
    unit = "distinct classes of " if policy.require_different_mechanism else ""
    status = pl.col("trd_status")
    return (
        pl.when(status == TrdStatus.not_applicable.value)
        .then(
            pl.format(
                f"age {{}} < {adult:g}: the adult TRD definitions do not apply ({adult_label})",
                "age",
            )
        )
        .when((status == TrdStatus.insufficient_data.value) & (pl.col("known") == 0))
        .then(pl.lit(f"no current-episode trial with a known outcome: status undecided ({pid})"))
        .when(status == TrdStatus.trd.value)
        .then(
            pl.format(
                f"{{}} {unit}adequate failed trials in the current episode >= {need} required: "
                f"TRD ({pid})",
                "n_adequate",
            )
        )
        .when(status == TrdStatus.insufficient_data.value)
        .then(
            pl.format(
                f"{{}} {unit}adequate failed trials < {need} required, but {{}} failed trial(s) "
                f"of undecided adequacy could reach it: status undecided ({pid})",
                "n_adequate",
                "undecided",
            )
        )
        .when(status == TrdStatus.pseudo_resistant.value)
        .then(
            pl.format(
                f"naive count {{}} {unit}failed trials >= {need}, but only {{}} adequate: "
                "pseudo-resistance (CANMAT 2023 Table 7.1; McIntyre 2023)",
                "n_naive",
                "n_adequate",
            )
        )
        .otherwise(
            pl.format(
                f"{{}} {unit}adequate failed trial(s) and a naive count of {{}} < {need} "
                f"required: not TRD ({pid})",
                "n_adequate",
                "n_naive",
            )
        )
    )


def cohort_status(
    verdicts: pl.DataFrame, persons: pl.DataFrame, policy: PolicyDefinition
) -> pl.DataFrame:
    """TRD status, counts, index date and reasons for every person of the cohort.

    Parameters
    ----------
    verdicts
        Output of :func:`trdkit.cohort.pheno_verdicts.judge_cohort_trials`.
    persons
        ``person_id``, ``year_of_birth``, ``obs_end`` for every person (people without a trial
        are ``insufficient_data``, as a record without treatments is).
    policy
        The clinical TRD policy.

    Returns
    -------
    polars.DataFrame
        ``person_id``, ``trd_status``, ``index_date``, ``adequate_failed_trials``,
        ``naive_failed_trials``, ``trials``, ``age``, ``because``.

    References
    ----------
    EMA/CHMP/185423/2010 Rev. 2 (2013); McIntyre RS, et al. World Psychiatry. 2023;22:394-412.
    """
    threshold = load_drug_doses().threshold("adult_age_years")
    need = policy.min_failed_trials
    counts = _counts(verdicts, policy)
    frame = person_ages(persons).join(counts, on="person_id", how="left")
    zero = [c for c in counts.columns if c != "person_id"]
    frame = frame.with_columns(pl.col(zero).fill_null(0).cast(pl.Int64))
    status = (
        pl.when((pl.col("age") < threshold.value).fill_null(False))
        .then(pl.lit(TrdStatus.not_applicable.value))
        .when(pl.col("known") == 0)
        .then(pl.lit(TrdStatus.insufficient_data.value))
        .when(pl.col("n_adequate") >= need)
        .then(pl.lit(TrdStatus.trd.value))
        .when(pl.col("n_possible") >= need)
        .then(pl.lit(TrdStatus.insufficient_data.value))
        .when(pl.col("n_naive") >= need)
        .then(pl.lit(TrdStatus.pseudo_resistant.value))
        .otherwise(pl.lit(TrdStatus.not_trd.value))
    )
    frame = frame.with_columns(status.alias("trd_status"))
    frame = frame.join(_index_dates(verdicts, policy), on="person_id", how="left").with_columns(
        pl.when(pl.col("trd_status") == TrdStatus.trd.value).then(pl.col("index_date")),
        _because(policy, threshold.value, threshold.label).alias("because"),
    )
    return frame.select(
        "person_id",
        "trd_status",
        "index_date",
        "adequate_failed_trials",
        "naive_failed_trials",
        "trials",
        "age",
        "because",
    )
