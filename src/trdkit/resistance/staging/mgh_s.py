"""MGH Staging model (MGH-s; Fava 2003): a continuous score summed over failed trials.

Each adequate failed antidepressant trial scores a point; optimising its dose or its duration
adds half a point each; an augmentation or combination trial that failed adds half a point; each
failed ECT course adds three. There is no class hierarchy and no upper bound. Points and the
trial categories each item reads live in ``knowledge/staging.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from trdkit.knowledge.derived import per_table
from trdkit.knowledge.staging import StagingTable, load_staging_table
from trdkit.knowledge.staging_models import MghPoints, MghSRules
from trdkit.record import PatientRecord
from trdkit.record.vocab import Optimised
from trdkit.resistance.model import StageBreakdown, TrialVerdict
from trdkit.resistance.staging._trials import adequate_failures, describe, ect_courses
from trdkit.scales import ScaleResult

__all__ = ["stage_mgh_s"]

_DOSE = (Optimised.dose, Optimised.both)
_DURATION = (Optimised.duration, Optimised.both)


@per_table
def _points(rules: MghSRules) -> Mapping[str, MghPoints]:
    # The points row of each item, looked up once per loaded table (first row of an item wins,
    # as ``MghSRules.item`` does).
    rows: dict[str, MghPoints] = {}
    for row in rules.points:
        rows.setdefault(row.item, row)
    return MappingProxyType(rows)


def _award(row: MghPoints, what: str, table: StagingTable) -> str:
    return f"{what}: +{row.points:g} ({table.cite(row)})"


def stage_mgh_s(
    record: PatientRecord,
    verdicts: Sequence[TrialVerdict],
    scales: Sequence[ScaleResult],
    *,
    table: StagingTable | None = None,
) -> tuple[float, StageBreakdown]:
    """MGH-s score of the current episode.

    Parameters
    ----------
    record
        The patient record (ECT courses are looked up in it).
    verdicts
        Trial verdicts of the resistance engine; ``optimised`` is read from them.
    scales
        Scored scales (not used by this model; accepted for a uniform signature).
    table
        Staging rules; the packaged ``staging.yaml`` when omitted.

    Returns
    -------
    score, breakdown
        The score (0 when nothing failed) and its items and reasons.

    References
    ----------
    Fava M. Diagnosis and definition of treatment-resistant depression. Biol Psychiatry.
    2003;53(8):649-659; points as summarised in Hägg D et al. PLoS One. 2020;15(7):e0236434,
    Panel 1.
    """
    t = table or load_staging_table()
    rules = t.mgh_s
    points = _points(rules)
    trial, aug = points["adequate_failed_trial"], points["augmentation_or_combination"]
    dose, duration = points["dose_optimisation"], points["duration_optimisation"]
    ect = points["ect_course"]
    counts = dict.fromkeys(("trials", "augmentation", "dose", "duration", "ect"), 0)
    because: list[str] = []
    scoring = {*rules.trial_categories.value, *rules.augmentation_categories.value}
    trial_categories = rules.trial_categories.value
    optimisation_categories = rules.optimisation_categories.value
    for v in adequate_failures(verdicts, scoring):
        name = describe(record, v)
        # A StrEnum member compares as its value: no ``.value`` look-up needed to test it.
        if v.category in trial_categories:
            counts["trials"] += 1
            because.append(_award(trial, f"{name} adequate failed trial", t))
        else:
            counts["augmentation"] += 1
            because.append(_award(aug, f"{name} {v.category.value} trial failed", t))
        if v.category not in optimisation_categories:
            continue
        if v.optimised in _DOSE:
            counts["dose"] += 1
            because.append(_award(dose, f"{name} dose optimised", t))
        if v.optimised in _DURATION:
            counts["duration"] += 1
            because.append(_award(duration, f"{name} duration optimised", t))
    courses, ect_reasons = ect_courses(record, verdicts, t)
    because += ect_reasons
    for course in courses:
        counts["ect"] += 1
        because.append(_award(ect, f"{describe(record, course)} failed", t))
    score = (
        counts["trials"] * trial.points
        + counts["augmentation"] * aug.points
        + counts["dose"] * dose.points
        + counts["duration"] * duration.points
        + counts["ect"] * ect.points
    )
    cite = t.cite_as[rules.sources[0]]
    if not any(counts.values()):
        because.append(f"no adequate failed trial or ECT course in the episode: MGH-s 0 ({cite})")
    because.append(f"MGH-s total {score:g} ({cite})")
    items: dict[str, float | int | str | None] = {
        "adequate_failed_trials": counts["trials"],
        "augmentation_or_combination": counts["augmentation"],
        "dose_optimised": counts["dose"],
        "duration_optimised": counts["duration"],
        "ect_courses": counts["ect"],
        "score": score,
    }
    return score, StageBreakdown(items=items, because=because, source=t.citations(rules.sources))
