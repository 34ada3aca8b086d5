"""Single episode or recurrent: the course of major depressive disorder from episode dates.

Two episodes are separate when at least ``min_gap_months`` consecutive months (2 in DSM-5-TR and
DCR-10) lie between the end of one and the onset of the next. The current episode's onset is
``current_episode.onset``, else estimated as ``assessed_on`` minus ``duration_months``. A prior
episode that ends less than the interval before the next onset is counted as part of it. When a
needed date is missing the course is undecided unless another pair of episodes already shows
recurrence; what is missing is named.

References
----------
American Psychiatric Association. DSM-5-TR. Washington, DC: APA Publishing; 2022. Major
depressive disorder, recurrent episode (interval of at least 2 consecutive months).
World Health Organization. ICD-10 Diagnostic Criteria for Research. Geneva: WHO; 1993. F33.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from trdkit.diagnosis._logic import chart_matches
from trdkit.diagnosis.result import Course
from trdkit.knowledge.diagnosis_criteria import load_dsm5_criteria
from trdkit.knowledge.diagnosis_tables import load_related_codes
from trdkit.record.models import DateRange, PatientRecord

__all__ = ["CourseResult", "add_months", "current_onset", "determine_course"]

_SRC = "(DSM-5-TR MDD recurrence: >=2 consecutive months between episodes)"


def add_months(day: dt.date, months: int) -> dt.date:
    """Shift ``day`` by whole calendar months, clamping to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def current_onset(record: PatientRecord) -> tuple[dt.date | None, str | None]:
    """Return the current episode's onset and, when it is estimated, how.

    Returns
    -------
    onset, note
        ``onset`` is ``None`` when neither ``onset`` nor ``duration_months`` is recorded.
    """
    episode = record.current_episode
    if episode is None:
        return None, None
    if episode.onset is not None:
        return episode.onset, None
    if episode.duration_months is None:
        return None, None
    whole = int(episode.duration_months)
    days = round((episode.duration_months - whole) * load_dsm5_criteria().course.days_per_month)
    onset = add_months(record.assessed_on, -whole) - dt.timedelta(days=days)
    return onset, (
        f"current onset estimated as {onset} (assessed_on {record.assessed_on} minus "
        f"{episode.duration_months:g} months)"
    )


@dataclass(frozen=True)
class CourseResult:
    """The course and why; ``course`` is ``None`` when missing dates leave it open."""

    course: Course | None
    onset: dt.date | None
    because: tuple[str, ...]
    undecided: tuple[str, ...]


def _span(ep: DateRange) -> str:
    return f"{ep.start} to {ep.end or '?'}"


def _separated(end: dt.date, next_start: dt.date, gap: int) -> bool:
    return add_months(end, gap) <= next_start


def determine_course(record: PatientRecord) -> CourseResult:
    """Decide single episode versus recurrent from the episode dates.

    Parameters
    ----------
    record
        The patient record; ``history.prior_episodes`` are earlier major depressive episodes.

    Returns
    -------
    CourseResult
    """
    gap = load_dsm5_criteria().course.min_gap_months
    priors = sorted(record.history.prior_episodes, key=lambda ep: ep.start)
    onset, note = current_onset(record)
    has_current = record.current_episode is not None
    because: list[str] = [note] if note else []
    missing: list[str] = []
    recurrent: list[str] = []
    merged: list[str] = []

    for index, ep in enumerate(priors):
        if ep.end is None:
            # Only an episode followed by another needs its end to measure the interval.
            if has_current or index < len(priors) - 1:
                missing.append(f"end date of the prior episode starting {ep.start}")
        elif has_current and onset is not None:
            if _separated(ep.end, onset, gap):
                recurrent.append(
                    f"prior episode {_span(ep)} ended >={gap} months before the current onset "
                    f"{onset}: recurrent {_SRC}"
                )
            else:
                merged.append(
                    f"prior episode {_span(ep)} ended less than {gap} months before the current "
                    f"onset {onset}: not a separate episode {_SRC}"
                )
    if has_current and onset is None and priors:
        missing.append("current episode onset (current_episode.onset or duration_months)")
    for i, first in enumerate(priors):
        for later in priors[i + 1 :]:
            if first.end is not None and _separated(first.end, later.start, gap):
                recurrent.append(
                    f"prior episodes {_span(first)} and {_span(later)} are >={gap} months apart: "
                    f"recurrent {_SRC}"
                )
            elif first.end is not None:
                merged.append(
                    f"prior episodes {_span(first)} and {_span(later)} are less than {gap} months "
                    f"apart: not separate {_SRC}"
                )

    if recurrent:
        return CourseResult("recurrent", onset, (*because, *recurrent), ())
    if not priors and not has_current:
        return CourseResult(None, None, ("no episode recorded: no course",), ())
    if missing:
        gaps = tuple(f"course: {m} not recorded" for m in missing)
        hint = _chart_hint(record)
        return CourseResult(
            None,
            onset,
            (
                *because,
                *merged,
                *(f"{g}: single or recurrent undecided {_SRC}" for g in gaps),
                *hint,
            ),
            gaps,
        )
    episodes = "one episode" if not priors else "no two episodes separated by the interval"
    return CourseResult(
        "single", onset, (*because, *merged, f"{episodes}: single episode {_SRC}"), ()
    )


def _chart_hint(record: PatientRecord) -> tuple[str, ...]:
    codes = chart_matches(
        record.history.diagnoses, load_related_codes().group("recurrent_depression")
    )
    if not codes:
        return ()
    return (
        f"the chart carries {', '.join(codes)} (recurrent depressive disorder): informative "
        "only, the course follows the episode dates (patient-record.md)",
    )
