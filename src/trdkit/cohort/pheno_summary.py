"""The cohort summary (``PREFIX.summary.json``): what was applied, found, and not supported.

The summary stamps the knowledge version and digest and the policy with every parameter, as an
assessment does, then counts statuses, stages, flags, chart evidence and trial verdicts, and
lists what the data could not support (so a reader of the table knows which empty column is
empty because the data lack it).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from trdkit import __version__
from trdkit.cohort.pheno_flags import FLAG_COLUMNS, chart_columns
from trdkit.cohort.tables import CohortData
from trdkit.knowledge import knowledge_digest, knowledge_version
from trdkit.knowledge.cohort_policies import load_cohort_policies
from trdkit.knowledge.policies import PolicyDefinition
from trdkit.resistance.model import TrdStatus

__all__ = ["SUMMARY_FORMAT", "build_summary", "cannot_support"]

SUMMARY_FORMAT = "trdkit.cohort-phenotype/1"


def _counts(series: pl.Series) -> dict[str, int]:
    frame = series.drop_nulls().cast(pl.String).value_counts(sort=True)
    return {str(k): int(v) for k, v in frame.rows()}


def cannot_support(data: CohortData, trials: pl.DataFrame) -> list[str]:
    """What the rules need and these data lack, each with its consequence."""
    notes = [
        "DSM-5 criteria: MDD stays undecided; statuses are given provisionally, and coded "
        "diagnoses only inform (chart_* columns)",
        "Maudsley staging: needs the episode's duration and severity (stage_maudsley empty)",
        "ECT and other procedures: not read; no ECT points in any stage",
        "bipolarity_risk, persistent_depressive_disorder, comorbid_anxiety: need history, "
        "family history or scales, not raised",
    ]
    if trials.height and trials["dose"].null_count() == trials.height:
        notes.append("daily doses: none recorded; dose adequacy is undecided for every trial")
    if trials.height and trials["outcome_inferred"].all():
        notes.append(
            "trial outcomes: none recorded; a switch or add-on marks a non-response, "
            "intolerance cannot be told from failure"
        )
    if trials.height and trials["adherence"].null_count() == trials.height:
        notes.append("adherence: not recorded; counted as the policy says for unknown adherence")
    if data.source == "omop":
        notes.append("episodes: OMOP has none; every trial is read as the current episode")
    return notes


def build_summary(
    data: CohortData,
    policy: PolicyDefinition | Any,
    clinical: PolicyDefinition,
    patients: pl.DataFrame,
    trials: pl.DataFrame,
    gap_days: int,
) -> dict[str, Any]:
    """Build the summary dictionary of a phenotyping run.

    Parameters
    ----------
    data
        The cohort read.
    policy
        The policy applied (clinical or cohort-only).
    clinical
        The clinical policy whose verdicts gave the stage and flag columns.
    patients
        The per-person table.
    trials
        The judged trials.
    gap_days
        The era gap used for the trials.

    Returns
    -------
    dict
        JSON-ready summary (format ``trdkit.cohort-phenotype/1``).
    """
    table = load_cohort_policies()
    is_clinical = isinstance(policy, PolicyDefinition)
    status = patients["trd_status"]
    mgh = patients["stage_mgh_s"].drop_nulls()
    return {
        "format": SUMMARY_FORMAT,
        "trdkit_version": __version__,
        "knowledge_version": knowledge_version(),
        "knowledge_digest": knowledge_digest(),
        "policy": {
            "id": policy.id,
            "title": policy.title,
            "kind": "clinical" if is_clinical else "cohort",
            "params": policy.params(),
            "sources": list(policy.sources),
        },
        "stages_and_flags_from_policy": clinical.id,
        "input": {"source": data.source, "notes": list(data.notes)},
        "settings": {
            "era_gap_days": gap_days,
            "switch_window_days": table.settings.switch_window_days.value,
            "eras_from": "drug_era table"
            if data.drug_eras is not None and gap_days == table.settings.era_gap_days.value
            else "built from exposures",
        },
        "persons": patients.height,
        "status_counts": {s.value: int((status == s.value).sum()) for s in TrdStatus},
        "with_index_date": int(patients["index_date"].is_not_null().sum()),
        "trials": {
            "total": trials.height,
            "by_category": _counts(trials["category"]),
            "by_verdict": _counts(trials["verdict"]),
            "drugs": _counts(trials["drug"]),
            "outcomes_inferred": int(trials["outcome_inferred"].sum()),
            "roles_inferred_augmentation": int(
                (trials["role_inferred"] & (trials["role"] == "augmentation")).sum()
            ),
            "without_dose": int(trials["dose"].null_count()),
        },
        "stages": {
            "thase_rush": _counts(patients["stage_thase_rush"]),
            "european": _counts(patients["stage_european"]),
            "mgh_s": {
                "scored": mgh.len(),
                "mean": None if mgh.is_empty() else round(float(mgh.mean()), 3),  # type: ignore[arg-type]
                "max": None if mgh.is_empty() else float(mgh.max()),  # type: ignore[arg-type]
            },
            "maudsley": "not scored: the data hold no episode duration or severity",
        },
        "flags": {c.removeprefix("flag_"): int(patients[c].sum()) for c in FLAG_COLUMNS},
        "chart_evidence": {
            c.removeprefix("chart_"): int(patients[c].sum()) for c in chart_columns()
        },
        "cannot_support": cannot_support(data, trials),
    }
