"""False-TRD flags a cohort can support, and the chart-code evidence beside them.

From the trial verdicts, as ``resistance.screen.pseudo_resistance_flags`` raises them:
``pseudo_resistance_dose`` (a naive failure below the minimum dose), ``pseudo_resistance_duration``
(a trial too short or stopped before week 4), ``pseudo_resistance_adherence`` (adherence partial
or poor, when the input records it) and ``intolerance_not_resistance`` (an outcome recorded as
intolerance). From coded diagnoses, as ``flags.clinical`` reads the chart:
``substance_or_medical_cause`` (ICD-10-CM F06.3x). The other flags need what prescription data
lack (history, scales, family history, labs) and are not raised.

Chart evidence columns say whether a person carries a code of each group of
``cohort_policies.yaml`` (``chart_bipolar``, ...): codes inform, they never decide a status.

References
----------
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69(9):641-687, Table 7.1.
Sforzini L, et al. Mol Psychiatry. 2022;27(3):1286-1299.
"""

from __future__ import annotations

import polars as pl

from trdkit.cohort.pheno_concepts import group_columns
from trdkit.cohort.pheno_frames import group_by_person
from trdkit.flags.model import FlagId
from trdkit.knowledge.cohort_policies import load_cohort_policies
from trdkit.record.vocab import Adherence, Episode
from trdkit.resistance.model import Verdict

__all__ = ["FLAG_COLUMNS", "chart_columns", "chart_evidence", "cohort_flags"]

FLAG_COLUMNS = tuple(
    f"flag_{f.value}"
    for f in (
        FlagId.pseudo_resistance_dose,
        FlagId.pseudo_resistance_duration,
        FlagId.pseudo_resistance_adherence,
        FlagId.intolerance_not_resistance,
        FlagId.substance_or_medical_cause,
    )
)


def chart_columns() -> tuple[str, ...]:
    """Names of the chart-evidence columns, one per code group (medical causes are a flag)."""
    return tuple(f"chart_{g}" for g in load_cohort_policies().code_groups if g != "medical_cause")


def chart_evidence(conditions: pl.DataFrame, ancestor: pl.DataFrame | None) -> pl.DataFrame:
    """Per person, whether any diagnosis falls in each code group (``in_<group>`` columns)."""
    groups = list(load_cohort_policies().code_groups)
    marked = group_columns(conditions, ancestor)
    return marked.group_by("person_id").agg(pl.col(f"in_{g}").any() for g in groups)


def cohort_flags(
    verdicts: pl.DataFrame, evidence: pl.DataFrame, persons: pl.DataFrame
) -> pl.DataFrame:
    """Flag and chart columns for every person of ``persons``.

    Parameters
    ----------
    verdicts
        Trial verdicts (``judge_cohort_trials``).
    evidence
        Output of :func:`chart_evidence`.
    persons
        Frame with ``person_id`` of every person.

    Returns
    -------
    polars.DataFrame
        ``person_id``, the ``FLAG_COLUMNS`` and the ``chart_*`` columns (booleans).

    References
    ----------
    CANMAT 2023 Table 7.1; Sforzini 2022 (intolerance and early stops are not failures).
    """
    verdict = pl.col("verdict")
    poor = pl.col("adherence").is_in([Adherence.partial.value, Adherence.poor.value])
    current = pl.col("episode") == Episode.current.value
    per = group_by_person(verdicts).agg(
        (pl.col("naive_failure") & (verdict == Verdict.inadequate_dose.value))
        .any()
        .alias("flag_pseudo_resistance_dose"),
        verdict.is_in([Verdict.inadequate_duration.value, Verdict.early_stop.value])
        .any()
        .alias("flag_pseudo_resistance_duration"),
        (
            (verdict == Verdict.inadequate_adherence.value)
            | (pl.col("failed_outcome") & current & poor.fill_null(False))
        )
        .any()
        .alias("flag_pseudo_resistance_adherence"),
        (verdict == Verdict.intolerance.value).any().alias("flag_intolerance_not_resistance"),
    )
    groups = [g for g in load_cohort_policies().code_groups if g != "medical_cause"]
    charts = evidence.select(
        "person_id",
        pl.col("in_medical_cause").alias("flag_substance_or_medical_cause"),
        *(pl.col(f"in_{g}").alias(f"chart_{g}") for g in groups),
    )
    frame = persons.select("person_id").join(per, on="person_id", how="left")
    frame = frame.join(charts, on="person_id", how="left")
    columns = [*FLAG_COLUMNS, *chart_columns()]
    return frame.select("person_id", *(pl.col(c).fill_null(False) for c in columns))
