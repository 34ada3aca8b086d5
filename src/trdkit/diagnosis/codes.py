"""DSM-5-TR code and diagnosis name for major depressive disorder.

Code selection follows the DSM-5-TR order of precedence: psychotic features (.3, whatever the
severity), then remission (partial/full), then severity, then unspecified (.9). Severity is the
clinician's rating when recorded; otherwise the labelled NESARC-III symptom-count
operationalisation (Hasin 2018) when the count decides it; otherwise unspecified. The name is
built in DSM recording order: disorder, single/recurrent episode, the coded part, then every
applicable uncoded specifier (specifiers.yaml order).

References
----------
American Psychiatric Association. DSM-5-TR. Washington, DC: APA Publishing; 2022. Major
depressive disorder: coding and recording procedures; specifiers for depressive disorders.
Hasin DS, et al. JAMA Psychiatry. 2018;75(4):336-346 (PMC5875313).
"""

from __future__ import annotations

from dataclasses import dataclass

from trdkit.diagnosis.result import (
    Course,
    MdeResult,
    PsychoticType,
    RemissionState,
    SeverityLevel,
)
from trdkit.knowledge.diagnosis_tables import (
    MddCodeRow,
    MddStatus,
    load_mdd_codes,
    load_severity,
    load_specifiers,
)
from trdkit.record.models import PatientRecord
from trdkit.record.vocab import PsychoticFeatures, Remission

__all__ = ["MddStatusChoice", "build_label", "choose_status", "count_severity", "lookup_code"]

_LEVELS: dict[str, SeverityLevel] = {"mild": "mild", "moderate": "moderate", "severe": "severe"}
_CODING = "(DSM-5-TR MDD coding: psychotic -> remission -> severity -> unspecified)"


@dataclass(frozen=True)
class MddStatusChoice:
    """The coded status of the current (or most recent) episode, with reasons."""

    status: MddStatus
    severity: SeverityLevel | None
    psychotic: bool | None
    psychotic_type: PsychoticType | None
    remission: RemissionState | None
    because: tuple[str, ...]
    undecided: tuple[str, ...]


def count_severity(mde: MdeResult) -> tuple[SeverityLevel | None, str, str | None]:
    """Severity from the criterion A count by the labelled operationalisation.

    Returns
    -------
    severity, reason, gap
        ``severity`` is ``None`` when the unknown symptoms span more than one band (``gap``
        then names them) or the count is below every band.
    """
    table = load_severity()
    low = table.band_for(mde.criterion_a_count)
    high = table.band_for(mde.criterion_a_count + mde.criterion_a_unknown)
    if low is not None and low == high:
        return (
            low,
            f"severity {low} from {mde.criterion_a_count} criterion A symptoms: {table.label}; "
            "no clinician rating recorded",
            None,
        )
    if low is None:
        return (
            None,
            "severity: the symptom count is below every band of the operationalisation",
            None,
        )
    gap = (
        f"severity: no clinician rating, and {mde.criterion_a_unknown} unrecorded criterion A "
        f"symptoms leave the symptom count between {low} and {high} ({table.label})"
    )
    return None, f"{gap}: severity unspecified", gap


def _severity(
    record: PatientRecord, mde: MdeResult
) -> tuple[SeverityLevel | None, list[str], list[str]]:
    episode = record.current_episode
    if episode is not None and episode.severity is not None:
        value = _LEVELS[episode.severity.value]
        return value, [f"severity {value}: clinician rating (DSM-5-TR severity specifier)"], []
    if mde.met:
        level, reason, gap = count_severity(mde)
        return level, [reason], [gap] if gap else []
    return None, ["severity: no clinician rating and no current MDE to count: unspecified"], []


def choose_status(record: PatientRecord, mde: MdeResult) -> MddStatusChoice:
    """Choose the coded status by DSM-5-TR precedence.

    Parameters
    ----------
    record
        The patient record.
    mde
        The current episode's MDE result (its count feeds the severity fallback).

    Returns
    -------
    MddStatusChoice
    """
    episode = record.current_episode
    because: list[str] = []
    undecided: list[str] = []
    if episode is None:
        because.append(f"no current episode recorded: status unspecified {_CODING}")
        return MddStatusChoice("unspecified", None, None, None, None, tuple(because), ())

    kind = episode.psychotic_features
    psychotic = None if kind is None else kind is not PsychoticFeatures.none
    ptype: PsychoticType | None = (
        "mood_congruent" if kind is PsychoticFeatures.mood_congruent
        else "mood_incongruent" if kind is PsychoticFeatures.mood_incongruent
        else None
    )  # fmt: skip
    if psychotic is None:
        undecided.append("psychotic features not recorded (current_episode.psychotic_features)")
        because.append(
            "psychotic features not recorded: with them the code would be .3 whatever the "
            f"severity {_CODING}"
        )

    remission: RemissionState | None
    if episode.remission is not None:
        remission = episode.remission.value
    elif mde.met:
        remission = "none"
        because.append("remission: the current episode meets MDE criteria, so not in remission")
    else:
        remission = None
        undecided.append("remission status not recorded (current_episode.remission)")

    in_remission = episode.remission in (Remission.partial, Remission.full)
    severity: SeverityLevel | None = None
    if not in_remission:
        severity, why, gaps = _severity(record, mde)
        because.extend(why)
        undecided.extend(gaps)

    status: MddStatus
    if psychotic:
        status = "psychotic"
        because.append(f"psychotic features ({kind and kind.value}): code .3 {_CODING}")
    elif in_remission:
        status = "partial_remission" if remission == "partial" else "full_remission"
        because.append(f"in {remission} remission: remission code {_CODING}")
    elif severity is not None:
        status = severity
        because.append(f"{severity}: severity code {_CODING}")
    else:
        status = "unspecified"
        because.append(f"no psychotic features, remission or severity known: .9 {_CODING}")
    return MddStatusChoice(
        status, severity, psychotic, ptype, remission, tuple(because), tuple(undecided)
    )


def lookup_code(course: Course, status: MddStatus) -> MddCodeRow:
    """Return the code row for ``course`` and ``status`` (mdd_codes.csv)."""
    return load_mdd_codes().get(course, status)


def build_label(
    record: PatientRecord, row: MddCodeRow | None, course: Course | None, choice: MddStatusChoice
) -> tuple[str | None, list[str], list[str]]:
    """Build the DSM name in recording order and the applied specifier ids.

    Parameters
    ----------
    record
        The patient record (its specifiers and catatonia).
    row
        The code row, or ``None`` when no code could be chosen (then no label).
    course
        The course; specifiers that do not apply to it are dropped with a reason.
    choice
        The status choice (psychotic subtype for the coded part).

    Returns
    -------
    label, specifiers, because
    """
    table = load_specifiers()
    episode = record.current_episode
    recorded = {s.value for s in episode.specifiers} if episode else set()
    if episode is not None and episode.catatonia:
        recorded.add("catatonia")
    because: list[str] = []
    applied: list[str] = []
    displays: list[str] = []
    for spec in table.specifiers:
        if spec.coding == "status_code" or spec.id not in recorded:
            continue
        if course is not None and course not in spec.applies_to:
            because.append(
                f"{spec.display} dropped: DSM-5-TR uses it with {'/'.join(spec.applies_to)} "
                f"MDD only, and this is a {course} episode (DSM-5-TR specifiers)"
            )
            continue
        if course is None and len(spec.applies_to) < 2:
            because.append(
                f"{spec.display} applies only to {'/'.join(spec.applies_to)} MDD; the course is "
                "undecided (DSM-5-TR specifiers)"
            )
        clash = [other for other in spec.excluded_by if other in recorded]
        if clash:
            because.append(
                f"{spec.display} dropped: not specified together with {', '.join(clash)} in "
                "the same episode (DSM-5-TR specifiers)"
            )
            continue
        applied.append(spec.id)
        displays.append(spec.display)
    if row is None:
        return None, applied, because
    coded = row.label
    if choice.status == "psychotic" and choice.psychotic_type is not None:
        spec = table.get("psychotic_features")
        coded = coded.replace(spec.display, spec.display_by_type[choice.psychotic_type])
    label = ", ".join([coded, *displays])
    because.append(f"name in DSM-5-TR recording order: {label}")
    return label, applied, because
