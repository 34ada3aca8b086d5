"""Builders for the staging tests: records and trial verdicts made directly (no judge_trials)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from trdkit.record import PatientRecord
from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.vocab import Episode, Optimised, Outcome
from trdkit.resistance.model import TrialCategory, TrialVerdict, Verdict
from trdkit.scales import ScaleResult, score_scales

ASSESSED_ON = dt.date(2025, 6, 1)

# One catalogue drug per staging class, in order of preference for generated chains.
DRUGS_BY_GROUP: dict[str, list[tuple[str, str]]] = {
    "ssri": [("sertraline", "ssri"), ("escitalopram", "ssri"), ("fluoxetine", "ssri")],
    "snri": [("venlafaxine", "snri"), ("duloxetine", "snri"), ("desvenlafaxine", "snri")],
    "tca": [("nortriptyline", "tca"), ("amitriptyline", "tca"), ("imipramine", "tca")],
    "maoi": [("phenelzine", "maoi"), ("tranylcypromine", "maoi"), ("isocarboxazid", "maoi")],
    "other": [("bupropion", "ndri"), ("mirtazapine", "nassa"), ("vortioxetine", "multimodal")],
}

# Antidepressants in a fixed order, for trials whose class does not matter.
ANTIDEPRESSANTS = [
    drug for group in ("ssri", "snri", "tca", "maoi", "other") for drug in DRUGS_BY_GROUP[group]
]


def verdict(
    index: int,
    treatment: str,
    category: TrialCategory | str = TrialCategory.antidepressant,
    drug_class: str | None = None,
    *,
    adequate: bool | None = True,
    failed: bool = True,
    weeks: float | None = 8.0,
    optimised: Optimised | str | None = None,
    episode: Episode = Episode.current,
) -> TrialVerdict:
    """A trial verdict as the resistance engine would give it."""
    counts = bool(adequate) and failed and episode is Episode.current
    return TrialVerdict(
        index=index,
        treatment=treatment,
        category=TrialCategory(category),
        drug_class=drug_class,
        episode=episode,
        outcome=Outcome.no_response if failed else Outcome.response,
        weeks=weeks,
        optimised=None if optimised is None else Optimised(optimised),
        adequate=adequate,
        failed_outcome=failed,
        naive_failure=failed,
        counts_as_failure=counts,
        verdict=Verdict.adequate_failure if counts else Verdict.response,
        because=["built by the test"],
    )


def record(
    treatments: Sequence[dict[str, Any]] = (),
    *,
    episode: dict[str, Any] | None = None,
    scales: Sequence[dict[str, Any]] = (),
) -> PatientRecord:
    """A minimal valid record assessed on ``ASSESSED_ON``."""
    data: dict[str, Any] = {
        "id": "staging-test",
        "assessed_on": ASSESSED_ON.isoformat(),
        "current_episode": episode if episode is not None else {"duration_months": 6},
        "treatments": list(treatments),
        "scales": list(scales),
    }
    return PatientRecord.model_validate(data)


def scored(rec: PatientRecord) -> list[ScaleResult]:
    """Scale results of a record, as the assessment computes them."""
    return score_scales(rec.scales)


def scale(instrument: str, total: int, date: str = "2025-05-30") -> ScaleResult:
    """One scored administration given as a total."""
    adm = ScaleAdministration.model_validate(
        {"instrument": instrument, "date": date, "total": total}
    )
    return score_scales([adm])[0]


def drug_trials(
    drugs: Sequence[tuple[str, str]],
    *,
    category: TrialCategory = TrialCategory.antidepressant,
    start: int = 0,
    weeks: float | None = 8.0,
) -> tuple[list[dict[str, Any]], list[TrialVerdict]]:
    """Record trials and their adequate-failure verdicts for ``drugs`` (id, class)."""
    rows = [{"drug": name, "weeks_at_dose": weeks, "outcome": "no_response"} for name, _ in drugs]
    verdicts = [
        verdict(start + i, name, category, cls, weeks=weeks) for i, (name, cls) in enumerate(drugs)
    ]
    return rows, verdicts


def ect_trial(
    index: int, laterality: str | None = "bilateral", sessions: int | None = 10
) -> tuple[dict[str, Any], TrialVerdict]:
    """A failed ECT course: the record row and its verdict."""
    row: dict[str, Any] = {"procedure": "ect", "outcome": "no_response"}
    if laterality is not None:
        row["laterality"] = laterality
    if sessions is not None:
        row["sessions"] = sessions
    return row, verdict(
        index, "ect", TrialCategory.neuromodulation, None, adequate=None, weeks=None
    )


def add_on_trial(
    index: int,
    drug: str,
    drug_class: str,
    *,
    role: str = "augmentation",
    base: str = "sertraline",
    adequate: bool | None = True,
    failed: bool = True,
    weeks: float | None = 6.0,
) -> tuple[dict[str, Any], TrialVerdict]:
    """An augmentation or combination trial: the record row and its verdict."""
    row = {
        "drug": drug,
        "role": role,
        "with": [base],
        "weeks_at_dose": weeks,
        "outcome": "no_response" if failed else "response",
    }
    category = TrialCategory.augmentation if role == "augmentation" else TrialCategory.combination
    return row, verdict(
        index, drug, category, drug_class, adequate=adequate, failed=failed, weeks=weeks
    )
