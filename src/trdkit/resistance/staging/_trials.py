"""Which trial verdicts the staging models read, and the record facts they need beside them.

Every staging model counts only trials of the current episode. A drug trial is an adequate failure
when its verdict says ``adequate`` and ``failed_outcome``; the policy's ``counts_as_failure`` is
not used, because each staging model has its own counting rules (which categories count, whether
augmentation is a trial) that differ from the TRD definition's. ECT courses are looked up in the
record for laterality and sessions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from trdkit.knowledge.staging import StagingTable
from trdkit.record import PatientRecord, Treatment
from trdkit.record.vocab import EctLaterality, Episode, Procedure
from trdkit.resistance.model import TrialVerdict

__all__ = [
    "adequate_failures",
    "describe",
    "ect_courses",
    "failed_in_categories",
    "laterality",
    "record_trial",
    "total_weeks",
]


_CURRENT = Episode.current
_ECT = Procedure.ect
_ECT_NAME = Procedure.ect.value


def _current(verdicts: Iterable[TrialVerdict]) -> list[TrialVerdict]:
    return [v for v in verdicts if v.episode is _CURRENT]


def adequate_failures(
    verdicts: Sequence[TrialVerdict], categories: Iterable[str]
) -> list[TrialVerdict]:
    """Current-episode trials of ``categories`` that failed after an adequate trial."""
    wanted = set(categories)
    # A StrEnum member hashes and compares as its value: no ``.value`` look-up per trial.
    return [
        v
        for v in verdicts
        if v.episode is _CURRENT
        and v.category in wanted
        and v.adequate is True
        and v.failed_outcome
    ]


def failed_in_categories(
    verdicts: Sequence[TrialVerdict], categories: Iterable[str], *, require_adequate: bool
) -> list[TrialVerdict]:
    """Current-episode trials of ``categories`` with a failed outcome.

    With ``require_adequate`` the verdict must say adequate; without it, a trial that was used
    and failed counts whatever its adequacy (the Maudsley "used" items).
    """
    wanted = set(categories)
    return [
        v
        for v in verdicts
        if v.episode is _CURRENT
        and v.category in wanted
        and v.failed_outcome
        and (v.adequate is True or not require_adequate)
    ]


def record_trial(record: PatientRecord, verdict: TrialVerdict) -> Treatment | None:
    """The record's trial behind ``verdict``, when its index points at one."""
    if 0 <= verdict.index < len(record.treatments):
        return record.treatments[verdict.index]
    return None


def _is_ect(record: PatientRecord, verdict: TrialVerdict) -> bool:
    treatments = record.treatments
    if 0 <= verdict.index < len(treatments):
        return treatments[verdict.index].procedure is _ECT
    return verdict.treatment == _ECT_NAME


def ect_courses(
    record: PatientRecord,
    verdicts: Sequence[TrialVerdict],
    table: StagingTable,
    *,
    respect_inadequate: bool = True,
) -> tuple[list[TrialVerdict], list[str]]:
    """Failed ECT courses of the current episode, with reasons for the courses left out.

    A course counts when its outcome failed, its verdict does not call it inadequate (unless
    ``respect_inadequate`` is false) and it reached the table's minimum sessions, if one is set.
    """
    minimum = table.ect.min_sessions
    counted: list[TrialVerdict] = []
    reasons: list[str] = []
    for v in _current(verdicts):
        if not _is_ect(record, v) or not v.failed_outcome:
            continue
        if respect_inadequate and v.adequate is False:
            reasons.append(f"{describe(record, v)}: judged inadequate, not counted")
            continue
        trial = record_trial(record, v)
        sessions = trial.sessions if trial is not None else None
        if minimum.value is not None and (sessions is None or sessions < minimum.value):
            got = "not recorded" if sessions is None else str(sessions)
            reasons.append(
                f"{describe(record, v)}: sessions {got} < {minimum.value} "
                f"({table.cite(minimum)}), not counted"
            )
            continue
        counted.append(v)
    return counted, reasons


def laterality(record: PatientRecord, verdict: TrialVerdict) -> EctLaterality | None:
    """ECT laterality recorded for the trial behind ``verdict``."""
    trial = record_trial(record, verdict)
    return trial.laterality if trial is not None else None


def describe(record: PatientRecord, verdict: TrialVerdict) -> str:
    """Short name of a trial for reasons, e.g. ``sertraline (ssri)`` or ``ECT (bilateral, 10)``."""
    if _is_ect(record, verdict):
        trial = record_trial(record, verdict)
        parts = []
        if trial is not None and trial.laterality is not None:
            parts.append(trial.laterality.value.replace("_", " "))
        if trial is not None and trial.sessions is not None:
            parts.append(f"{trial.sessions} sessions")
        return f"ECT ({', '.join(parts)})" if parts else "ECT"
    if verdict.drug_class:
        return f"{verdict.treatment} ({verdict.drug_class})"
    return verdict.treatment


def total_weeks(verdicts: Sequence[TrialVerdict]) -> tuple[float, int]:
    """Summed weeks of ``verdicts`` and how many had no duration recorded."""
    known = [v.weeks for v in verdicts if v.weeks is not None]
    unknown = sum(1 for v in verdicts if v.weeks is None)
    return float(sum(known)), unknown
