"""Suicide-risk flags: current positives within a recency window, prior attempts, gaps.

Sources: PHQ-9 item 9 is a safety signal independent of the total and never imputed (Kroenke
2001; PHQ manual); C-SSRS screener triage levels (Posner 2011; Columbia Lighthouse Project);
the window and the level rules are the contract's (assessment-output.md, fixed flag ids).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from trdkit.flags.model import Flag, FlagId, Level, make_flag, raise_level
from trdkit.knowledge.flags import load_flag_table
from trdkit.record import PatientRecord
from trdkit.scales import ScaleResult

__all__ = ["suicide_flags"]

_CSSRS_LEVEL: dict[str, Level] = {
    "low": "warning",
    "moderate": "warning",
    "high": "critical",
    "not_determinable": "warning",
}


def suicide_flags(record: PatientRecord, scales: Sequence[ScaleResult]) -> list[Flag]:
    """Raise ``suicide_risk`` and/or ``suicide_risk_not_assessed``.

    Parameters
    ----------
    record
        The patient record (symptoms, suicide attempts, assessment date).
    scales
        Scored scale administrations (PHQ-9 item 9, C-SSRS risk level).

    Returns
    -------
    list of Flag
        Zero, one or two flags.
    """
    settings = load_flag_table().settings
    window = settings.suicide_window_days
    since = record.assessed_on - dt.timedelta(days=window)
    levels: list[Level] = []
    current: list[str] = []
    older: list[str] = []
    assessed = False

    for res in scales:
        recent = res.date >= since
        if res.instrument == "phq9" and res.item9 is not None:
            assessed = assessed or recent
            if res.item9 > 0:
                text = (
                    f"PHQ-9 item 9 = {res.item9} on {res.date} (any value > 0 is a safety signal)"
                )
                (current if recent else older).append(text)
                if recent:
                    levels.append("warning")
        elif res.instrument == "cssrs_screener" and res.risk_level is not None:
            assessed = assessed or recent
            if res.risk_level != "none":
                text = f"C-SSRS screener risk {res.risk_level} on {res.date}"
                (current if recent else older).append(text)
                if recent:
                    levels.append(_CSSRS_LEVEL[res.risk_level])

    thoughts = record.symptoms.suicidal_thoughts
    if thoughts is not None:
        assessed = True
    if thoughts:
        current.append("suicidal thoughts recorded in the current episode (DSM-5-TR A9)")
        levels.append("warning")

    attempts = sorted(record.history.suicide_attempts or [])
    recent_attempts = [d for d in attempts if d >= since]
    if recent_attempts:
        current.append(f"suicide attempt within {window} days: {recent_attempts[-1]}")
        levels.append("critical")

    flags: list[Flag] = []
    if levels:
        level = max(levels, key=("info", "warning", "critical").index)
        because = [f"within {window} days of {record.assessed_on}: " + "; ".join(current)]
        earlier = [d for d in attempts if d < since]
        if earlier:
            level = raise_level(level)
            because.append(
                "prior suicide attempt(s) on " + ", ".join(map(str, earlier)) + " raise the level"
            )
        because += [f"older positive: {text}" for text in older]
        flags.append(make_flag(FlagId.suicide_risk, because, level))
    elif attempts:
        because = [
            "history of suicide attempt(s) on "
            + ", ".join(map(str, attempts))
            + f"; no positive screen within {window} days"
        ]
        because += [f"older positive: {text}" for text in older]
        flags.append(make_flag(FlagId.suicide_risk, because, settings.prior_attempt_only_level))
    elif older:
        flags.append(
            make_flag(
                FlagId.suicide_risk,
                [f"older positive: {text}" for text in older]
                + [f"no positive screen within {window} days"],
                "info",
            )
        )

    if not assessed:
        flags.append(
            make_flag(
                FlagId.suicide_risk_not_assessed,
                [
                    f"no item-level PHQ-9, no C-SSRS screener within {window} days, and "
                    "suicidal_thoughts unknown: ask about suicidality (C-SSRS screener)"
                ],
            )
        )
    return flags
