"""Reading the Maudsley illness items from the record: episode duration and symptom severity.

The MSM rates severity at the time of staging. Fekadu 2018 lets it be taken from the CGI, the
Psychiatric Status Rating or a diagnostic checklist, without fixing a mapping; trdkit reads, in
order, psychotic features, the clinician's severity rating, then each scale the table lists (the
latest valid administration). The mappings are configurable values of ``staging.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence

from trdkit.knowledge.staging import StagingTable
from trdkit.knowledge.staging_models import MaudsleyRules, SeverityLevel
from trdkit.record import PatientRecord
from trdkit.record.vocab import PsychoticFeatures
from trdkit.scales import ScaleResult

__all__ = ["DAYS_PER_MONTH", "episode_months", "severity_level"]

# Mean Gregorian month, so that 12 months from an onset date is one calendar year.
DAYS_PER_MONTH = 365.25 / 12


def episode_months(record: PatientRecord) -> tuple[float | None, str]:
    """Duration of the current episode in months, and where it was read from.

    ``duration_months`` is used as given; an ``onset`` date is counted to ``assessed_on``.
    """
    episode = record.current_episode
    if episode is None:
        return None, "no current episode recorded"
    if episode.duration_months is not None:
        return episode.duration_months, f"episode duration {episode.duration_months:g} months"
    if episode.onset is not None:
        months = (record.assessed_on - episode.onset).days / DAYS_PER_MONTH
        return months, f"episode since {episode.onset}: {months:.1f} months"
    return None, "episode onset and duration not recorded"


def _from_scales(
    scales: Sequence[ScaleResult], rules: MaudsleyRules, table: StagingTable
) -> tuple[SeverityLevel | None, str | None]:
    for mapping in rules.scale_severity:
        usable = [
            s
            for s in scales
            if s.instrument.value == mapping.instrument and s.valid and s.total is not None
        ]
        if not usable:
            continue
        latest = max(usable, key=lambda s: s.date)
        assert latest.total is not None
        level = mapping.level_for(latest.total)
        if level is not None:
            return level, (
                f"{latest.name} {latest.total} on {latest.date} -> {level} ({table.cite(mapping)})"
            )
    return None, None


def severity_level(
    record: PatientRecord,
    scales: Sequence[ScaleResult],
    rules: MaudsleyRules,
    table: StagingTable,
) -> tuple[SeverityLevel | None, str]:
    """The MSM severity level of the current episode, and why.

    Parameters
    ----------
    record
        The patient record (severity and psychotic features of the current episode).
    scales
        Scored scales; CGI-S and HAM-D17 totals are read when the clinician gave no severity.
    rules
        Maudsley rules of the staging table.
    table
        The staging table, for citations.

    Returns
    -------
    level, reason
        The level, or ``None`` with the reason when nothing in the record rates severity.

    References
    ----------
    Fekadu A, Donocik JG, Cleare AJ. BMC Psychiatry. 2018;18(1):100 (severity may come from the
    CGI or a diagnostic checklist).
    """
    episode = record.current_episode
    psychosis = episode.psychotic_features if episode is not None else None
    if psychosis is not None and psychosis is not PsychoticFeatures.none:
        level = rules.psychotic_features_level
        kind = psychosis.value.replace("_", "-")
        return level.value, f"{kind} psychotic features -> {level.value} ({table.cite(level)})"
    unknown = " (psychotic features not recorded)" if psychosis is None else ""
    if episode is not None and episode.severity is not None:
        row = next(r for r in rules.clinician_severity if r.severity == episode.severity.value)
        return row.level, (
            f"clinician severity {episode.severity.value} -> {row.level}{unknown} "
            f"({table.cite(row)})"
        )
    level_from_scale, why = _from_scales(scales, rules, table)
    if level_from_scale is not None and why is not None:
        return level_from_scale, why + unknown
    names = ", ".join(m.instrument for m in rules.scale_severity)
    return None, f"severity not recorded (no clinician severity, psychotic features, {names})"
