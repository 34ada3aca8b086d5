"""Maudsley Staging Method (MSM; Fekadu 2009, standardised 2018): a 3-15 score in three bands.

Five items: episode duration (1-3), symptom severity (1-5), failed antidepressants (1-5, by
count band), augmentation used (0/1) and ECT used (0/1). Totals 3-6 are mild, 7-10 moderate,
11-15 severe. The MSM describes resistance, so it is not scored without an adequate failed
antidepressant; nor when the episode's duration or severity is unknown. Points, bands and the
record-to-item mappings live in ``knowledge/staging.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence

from trdkit.knowledge.staging import StagingTable, load_staging_table
from trdkit.knowledge.staging_models import CountBand, DurationBand, MaudsleyBand, MaudsleyRules
from trdkit.record import PatientRecord
from trdkit.resistance.model import MaudsleyStage, StageBreakdown, TrialVerdict
from trdkit.resistance.staging._maudsley_items import episode_months, severity_level
from trdkit.resistance.staging._trials import (
    adequate_failures,
    describe,
    ect_courses,
    failed_in_categories,
)
from trdkit.scales import ScaleResult

__all__ = ["duration_band", "failure_band", "maudsley_total", "stage_maudsley"]


def duration_band(rules: MaudsleyRules, months: float) -> DurationBand:
    """The duration band holding ``months`` (the last band is open-ended)."""
    return next(b for b in rules.duration_bands if b.max_months is None or months <= b.max_months)


def failure_band(rules: MaudsleyRules, count: int) -> CountBand:
    """The antidepressant-failure band holding ``count`` (at least 1)."""
    return next(
        b for b in rules.antidepressant_bands if b.max_count is None or count <= b.max_count
    )


def maudsley_total(rules: MaudsleyRules, items: dict[str, int]) -> tuple[int, MaudsleyBand]:
    """Sum the five item scores and name the band of the total.

    Parameters
    ----------
    rules
        Maudsley rules of the staging table.
    items
        Item scores under the contract's keys: ``duration``, ``severity``, ``antidepressants``,
        ``augmentation``, ``ect``.

    Returns
    -------
    total, band
        The total and its band (``mild``, ``moderate`` or ``severe``).

    References
    ----------
    Fekadu A, Donocik JG, Cleare AJ. BMC Psychiatry. 2018;18(1):100, Table 3.
    """
    total = sum(items.values())
    band = next(b for b in rules.total_bands if b.lower <= total <= b.upper)
    return total, band.band


def _antidepressants(
    record: PatientRecord, verdicts: Sequence[TrialVerdict], rules: MaudsleyRules
) -> tuple[list[str], list[str]]:
    seen: list[str] = []
    names: list[str] = []
    for v in adequate_failures(verdicts, rules.antidepressant_categories.value):
        if v.treatment not in seen:
            seen.append(v.treatment)
            names.append(describe(record, v))
    return seen, names


def _used_items(
    record: PatientRecord, verdicts: Sequence[TrialVerdict], t: StagingTable
) -> tuple[int, int, list[str]]:
    rules = t.maudsley
    because: list[str] = []
    augmented = failed_in_categories(
        verdicts,
        rules.augmentation_categories.value,
        require_adequate=rules.augmentation_requires_adequate.value,
    )
    aug = rules.augmentation_points.value if augmented else 0
    cite_aug = (
        f"{t.cite(rules.augmentation_points)}; counted: {t.cite(rules.augmentation_categories)}"
    )
    if augmented:
        names = ", ".join(describe(record, v) for v in augmented)
        because.append(f"augmentation used and failed ({names}): +{aug} ({cite_aug})")
    else:
        because.append(f"no failed augmentation in the episode: 0 ({cite_aug})")
    courses, _ = ect_courses(
        record, verdicts, t, respect_inadequate=rules.ect_requires_adequate.value
    )
    ect = rules.ect_points.value if courses else 0
    if courses:
        names = ", ".join(describe(record, c) for c in courses)
        because.append(f"ECT used and failed ({names}): +{ect} ({t.cite(rules.ect_points)})")
    else:
        because.append(f"no failed ECT in the episode: 0 ({t.cite(rules.ect_points)})")
    return aug, ect, because


def stage_maudsley(
    record: PatientRecord,
    verdicts: Sequence[TrialVerdict],
    scales: Sequence[ScaleResult],
    *,
    table: StagingTable | None = None,
) -> tuple[MaudsleyStage | None, StageBreakdown]:
    """MSM score, band and items of the current episode.

    Parameters
    ----------
    record
        The patient record: episode onset or duration, severity, psychotic features, ECT trials.
    verdicts
        Trial verdicts of the resistance engine.
    scales
        Scored scales; CGI-S and HAM-D17 rate severity when the clinician did not.
    table
        Staging rules; the packaged ``staging.yaml`` when omitted.

    Returns
    -------
    stage, breakdown
        The stage, or ``None`` when there is no adequate failed antidepressant or the duration
        or severity is unknown; the breakdown holds every item that could be read, and why.

    References
    ----------
    Fekadu A, Wooderson S, Donaldson C, et al. A multidimensional tool to quantify treatment
    resistance in depression: the Maudsley staging method. J Clin Psychiatry.
    2009;70(2):177-184. Fekadu A, Donocik JG, Cleare AJ. Standardisation framework for the
    Maudsley staging method for treatment resistance in depression. BMC Psychiatry.
    2018;18(1):100.
    """
    t = table or load_staging_table()
    rules = t.maudsley
    cite = t.cite_as[rules.sources[-1]]
    because: list[str] = []
    items: dict[str, float | int | str | None] = {}
    missing: list[str] = []

    months, why = episode_months(record)
    if months is None:
        missing.append(why)
        items["duration"] = None
    else:
        band = duration_band(rules, months)
        items["duration"] = band.points
        because.append(f"{why} -> {band.label}: {band.points} ({t.cite(band)})")
    level, why = severity_level(record, scales, rules, t)
    if level is None:
        missing.append(why)
        items["severity"] = None
    else:
        row = rules.severity_points(level)
        items["severity"] = row.points
        because.append(f"{why}: {row.points} ({t.cite(row)})")
    drugs, names = _antidepressants(record, verdicts, rules)
    items["antidepressant_count"] = len(drugs)
    if drugs:
        count_band = failure_band(rules, len(drugs))
        items["antidepressants"] = count_band.points
        because.append(
            f"{len(drugs)} failed antidepressant(s) ({', '.join(names)}): "
            f"{count_band.points} ({t.cite(count_band)})"
        )
    else:
        items["antidepressants"] = None
        missing.append("no adequate failed antidepressant in the episode")
    aug, ect, used = _used_items(record, verdicts, t)
    items["augmentation"], items["ect"] = aug, ect
    because += used

    source = t.citations(rules.sources)
    if missing:
        because.append(f"MSM not scored: {'; '.join(missing)} ({cite})")
        return None, StageBreakdown(items=items, because=because, source=source)
    scored = {
        key: int(items[key] or 0)
        for key in ("duration", "severity", "antidepressants", "augmentation", "ect")
    }
    total, band_name = maudsley_total(rules, scored)
    items["score"], items["band"] = total, band_name
    because.append(f"MSM total {total} -> {band_name} ({cite})")
    stage = MaudsleyStage(score=total, band=band_name, items=scored, because=list(because))
    return stage, StageBreakdown(items=items, because=because, source=source)
