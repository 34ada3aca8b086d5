"""European Staging Method (ESM; Souery 1999): non-responder, TRD1-TRD5 or chronic resistant.

One adequate failure makes a non-responder; two or more adequate failures of different classes
make TRD, at a level of failures minus one (capped at TRD5). The published levels are week bands
that overlap, so the trial count decides and the summed weeks are only checked against the band.
Chronic resistant depression (CRD) is TRD that includes a failed augmentation and has lasted at
least twelve months. Values and choices live in ``knowledge/staging.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence

from trdkit.knowledge.staging import StagingTable, load_staging_table
from trdkit.knowledge.staging_models import EuropeanLevel, EuropeanRules
from trdkit.record import PatientRecord
from trdkit.resistance.model import StageBreakdown, TrialVerdict
from trdkit.resistance.staging._trials import (
    adequate_failures,
    describe,
    ect_courses,
    failed_in_categories,
    total_weeks,
)
from trdkit.scales import ScaleResult

__all__ = ["european_category", "stage_european"]

_ECT_CLASS = "ect"


def european_category(
    rules: EuropeanRules, failures: int, classes: int
) -> tuple[EuropeanLevel | None, str | None]:
    """The ESM level of ``failures`` adequate failures spread over ``classes`` classes.

    Parameters
    ----------
    rules
        The ESM rules of the staging table.
    failures
        Adequate failed trials in the episode.
    classes
        Distinct classes among them (ECT is a class of its own).

    Returns
    -------
    level, note
        The level (``None`` with no failure) and, when the class rule held the level back to
        non-responder, why.

    References
    ----------
    Souery D et al. Eur Neuropsychopharmacol. 1999;9(1-2):83-91.
    """
    if failures <= 0:
        return None, None
    if failures >= 2 and rules.require_different_classes.value and classes < 2:
        return rules.levels[0], f"{failures} adequate failures, all of one class"
    index = min(failures, len(rules.levels)) - 1
    return rules.levels[index], None


def _counted(
    record: PatientRecord, verdicts: Sequence[TrialVerdict], table: StagingTable
) -> tuple[list[tuple[TrialVerdict, str]], list[str]]:
    rules = table.european
    cite = table.cite_as[rules.sources[0]]
    counted: list[tuple[TrialVerdict, str]] = []
    reasons: list[str] = []
    for v in adequate_failures(verdicts, rules.counted_categories.value):
        row = table.group_of(v.drug_class)
        if row is None:
            reasons.append(f"{describe(record, v)}: no ESM antidepressant class, not counted")
            continue
        counted.append((v, row.group))
    if rules.count_ect.value:
        courses, ect_reasons = ect_courses(record, verdicts, table)
        counted += [(c, _ECT_CLASS) for c in courses]
        reasons += ect_reasons
    for v, group in counted:
        what = "failed course" if group == _ECT_CLASS else "adequate failure"
        reasons.append(f"{describe(record, v)}: {what}, class {group} ({cite})")
    return counted, reasons


def _weeks_check(level: EuropeanLevel, weeks: float, unknown: int, table: StagingTable) -> str:
    band = f"{level.min_weeks:g}-{level.max_weeks:g} weeks of {level.category}"
    source = table.cite(table.european.level_from_failures)
    if unknown:
        return (
            f"{weeks:g} weeks known ({unknown} trial(s) without duration); band {band} "
            f"({table.cite_as[table.european.sources[0]]})"
        )
    inside = level.min_weeks <= weeks <= level.max_weeks
    where = "within" if inside else "outside"
    return (
        f"{weeks:g} weeks of failed trials: {where} the {band}; the trial count decides ({source})"
    )


def _crd(
    record: PatientRecord,
    verdicts: Sequence[TrialVerdict],
    counted: Sequence[TrialVerdict],
    table: StagingTable,
) -> tuple[bool, str]:
    crd = table.european.crd
    augmentations = failed_in_categories(
        verdicts, ["augmentation"], require_adequate=crd.augmentation_requires_adequate
    )
    if not augmentations:
        return False, f"CRD not met: no failed augmentation in the episode ({table.cite(crd)})"
    weeks, unknown = total_weeks([*counted, *augmentations])
    weeks = round(weeks, 1)
    names = ", ".join(describe(record, a) for a in augmentations)
    if weeks >= crd.min_treatment_weeks:
        return True, (
            f"CRD: failed augmentation ({names}) and {weeks:g} >= {crd.min_treatment_weeks:g} "
            f"weeks of failed treatment ({table.cite(crd)})"
        )
    gap = f"; {unknown} trial(s) without duration" if unknown else ""
    return False, (
        f"CRD not met: {weeks:g} < {crd.min_treatment_weeks:g} weeks of failed treatment{gap} "
        f"({table.cite(crd)})"
    )


def stage_european(
    record: PatientRecord,
    verdicts: Sequence[TrialVerdict],
    scales: Sequence[ScaleResult],
    *,
    table: StagingTable | None = None,
) -> tuple[str | None, StageBreakdown]:
    """ESM category of the current episode: ``non_responder``, ``TRD1``-``TRD5``, ``CRD``.

    Parameters
    ----------
    record
        The patient record (ECT courses are looked up in it).
    verdicts
        Trial verdicts of the resistance engine.
    scales
        Scored scales (not used by this model; accepted for a uniform signature).
    table
        Staging rules; the packaged ``staging.yaml`` when omitted.

    Returns
    -------
    category, breakdown
        The category, ``None`` when no adequate trial failed, and its items and reasons.

    References
    ----------
    Souery D, Amsterdam J, de Montigny C, et al. Treatment resistant depression: methodological
    overview and operational criteria. Eur Neuropsychopharmacol. 1999;9(1-2):83-91; as
    summarised in Hägg D et al. PLoS One. 2020;15(7):e0236434, Panel 1.
    """
    t = table or load_staging_table()
    rules = t.european
    cite = t.cite_as[rules.sources[0]]
    pairs, because = _counted(record, verdicts, t)
    trials = [v for v, _ in pairs]
    classes = sorted({g for _, g in pairs})
    weeks, unknown = total_weeks(trials)
    weeks = round(weeks, 1)
    level, note = european_category(rules, len(trials), len(classes))
    items: dict[str, float | int | str | None] = {
        "adequate_failures": len(trials),
        "classes": len(classes),
        "treatment_weeks": weeks,
        "trials_without_weeks": unknown,
    }
    source = t.citations(rules.sources)
    if level is None:
        because.append(f"no adequate failed trial in the episode: ESM does not apply ({cite})")
        items["category"] = None
        return None, StageBreakdown(items=items, because=because, source=source)
    mapping = t.cite(rules.level_from_failures)
    if note is not None:
        because.append(
            f"{note}: TRD needs different classes ({t.cite(rules.require_different_classes)})"
        )
    rule = "" if level is rules.levels[0] else f"; TRD level = failures - 1, capped: {mapping}"
    because.append(
        f"{len(trials)} adequate failure(s) over {len(classes)} class(es) -> {level.category} "
        f"({cite}{rule})"
    )
    because.append(_weeks_check(level, weeks, unknown, t))
    category = level.category
    if level is not rules.levels[0]:
        is_crd, why = _crd(record, verdicts, trials, t)
        because.append(why)
        if is_crd:
            category = "CRD"
    items["category"] = category
    return category, StageBreakdown(items=items, because=because, source=source)
