"""Exposures -> treatment trials and current medications.

Exposures to the same antidepressant or augmenting agent are merged into one trial when each
starts within ``trial_merge_gap_days`` of the previous one's end (its start when the end is
unknown): a re-order of the same drug is not a switch. The trial starts with the first exposure,
ends with the last (no end while one is still active: the outcome is then ``ongoing``), holds the
highest computed daily dose, and has an ``unknown`` outcome otherwise (FHIR does not say whether a
drug worked). An augmenting agent taken while an antidepressant trial runs is recorded as an
augmentation of it. Every active medication, catalogue drug or not, is a current medication.

References
----------
OHDSI drug eras use a 30-day persistence gap in the same way (the merge gap is [U], configurable
in ``fhir_codes.yaml``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from trdkit.interop.fhir_draft import RecordDraft
from trdkit.interop.fhir_exposures import Exposure, add_days
from trdkit.interop.fhir_report import ImportLog
from trdkit.knowledge.drugs import DrugKind, load_drug_catalogue
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.record.treatment_models import Treatment

__all__ = ["add_exposures"]

_TRIAL_KINDS = (DrugKind.ANTIDEPRESSANT, DrugKind.AUGMENTING_AGENT)


def _is_trial_drug(exposure: Exposure) -> bool:
    if len(exposure.match.drugs) != 1:
        return False
    drug = load_drug_catalogue().drugs[exposure.match.drugs[0]]
    return drug.kind in _TRIAL_KINDS


def _groups(exposures: list[Exposure]) -> list[list[Exposure]]:
    gap = load_fhir_codes().import_settings.trial_merge_gap_days
    groups: list[list[Exposure]] = []
    by_drug: dict[str, list[Exposure]] = {}
    for exposure in exposures:
        by_drug.setdefault(exposure.match.drugs[0], []).append(exposure)
    for items in by_drug.values():
        dated = sorted((e for e in items if e.start), key=lambda e: e.start or dt.date.min)
        undated = [e for e in items if not e.start]
        drug_groups: list[list[Exposure]] = []
        for exposure in dated:
            if drug_groups:
                last = drug_groups[-1]
                reach = max((e.end or e.start or dt.date.min) for e in last)
                limit = add_days(reach, gap)
                if exposure.start and (limit is None or exposure.start <= limit):
                    last.append(exposure)
                    continue
            drug_groups.append([exposure])
        if drug_groups:
            drug_groups[0] += undated
        elif undated:
            drug_groups.append(undated)
        groups += drug_groups
    return sorted(groups, key=lambda g: min((e.start or dt.date.max) for e in g))


def _trial(group: list[Exposure]) -> tuple[dict[str, Any], list[str]]:
    drug = group[0].match.drugs[0]
    starts = [e.start for e in group if e.start]
    ends = [e.end for e in group if e.end]
    ongoing = any(e.active for e in group)
    trial: dict[str, Any] = {"drug": drug, "outcome": "ongoing" if ongoing else "unknown"}
    notes = [f"{len(group)} resource(s) of {drug} read as one trial"]
    if starts:
        trial["start"] = min(starts).isoformat()
    if ends and not ongoing and (not starts or max(ends) >= min(starts)):
        trial["end"] = max(ends).isoformat()
    doses = [e.dose for e in group if e.dose is not None]
    if doses:
        trial["dose_mg_per_day"] = max(doses)
    adherence = [e.adherence for e in group if e.adherence]
    if adherence:
        trial["adherence"] = adherence[0]
        notes.append(f"adherence {adherence[0]} from a medication-adherence extension")
    notes.append("ongoing: still active" if ongoing else "outcome unknown (not stated in FHIR)")
    return trial, notes


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if "start" not in a or "start" not in b:
        return False
    b_end = b.get("end") or ("9999-12-31" if b["outcome"] == "ongoing" else b["start"])
    return bool(b["start"] <= a["start"] <= b_end)


def _roles(trials: list[dict[str, Any]], notes: list[list[str]]) -> None:
    catalogue = load_drug_catalogue()
    antidepressants = [
        t for t in trials if catalogue.drugs[t["drug"]].kind is DrugKind.ANTIDEPRESSANT
    ]
    for trial, note in zip(trials, notes, strict=True):
        if catalogue.drugs[trial["drug"]].kind is not DrugKind.AUGMENTING_AGENT:
            continue
        base = [t["drug"] for t in antidepressants if _overlaps(trial, t)]
        if base:
            trial["role"] = "augmentation"
            trial["with"] = list(dict.fromkeys(base))
            note.append(f"taken while {', '.join(trial['with'])} ran: an augmentation")


def add_exposures(exposures: list[Exposure], draft: RecordDraft, log: ImportLog) -> None:
    """Turn exposures into trials and current medications, with one report entry each."""
    trial_exposures = [e for e in exposures if _is_trial_drug(e)]
    groups = _groups(trial_exposures)
    built = [_trial(g) for g in groups]
    trials, notes = [t for t, _ in built], [n for _, n in built]
    _roles(trials, notes)
    for group, trial, note in zip(groups, trials, notes, strict=True):
        try:
            Treatment.model_validate(trial)
        except ValidationError as exc:
            for e in group:
                log.add(
                    e.item.resource_type,
                    e.item.rid,
                    "not_imported",
                    [*e.notes, f"invalid trial: {exc.errors()[0]['msg']}"],
                )
            continue
        draft.treatments.append(trial)
        index = len(draft.treatments) - 1
        for e in group:
            draft.dated(e.start, e.end if e.end_stated and not e.active else None)
            log.add(
                e.item.resource_type,
                e.item.rid,
                "imported",
                [*e.notes, *note],
                [f"treatments[{index}]"],
            )
    for exposure in exposures:
        _current(exposure, exposure in trial_exposures, draft, log)


def _current(exposure: Exposure, in_trial: bool, draft: RecordDraft, log: ImportLog) -> None:
    names = exposure.match.drugs or ([exposure.match.name] if exposure.match.name else [])
    if exposure.active and names:
        added = [n for n in names if draft.add_unique(draft.current_medications, n)]
        draft.dated(exposure.start)
        if not in_trial:
            why = [*exposure.notes, f"status {exposure.status}: taken now"]
            if not exposure.match.drugs:
                why.append(
                    "not in the drug catalogue: kept as written (interaction check incomplete)"
                )
            log.add(
                exposure.item.resource_type,
                exposure.item.rid,
                "imported",
                why,
                ["current_medications"] if added else [],
            )
        return
    if in_trial:
        return
    if not names:
        log.add(
            exposure.item.resource_type,
            exposure.item.rid,
            "not_imported",
            [*exposure.notes, "no medication code or name"],
        )
    else:
        reason = (
            f"status {exposure.status}, not an antidepressant or augmenting agent: "
            "past use not recorded"
        )
        log.ignore(exposure.item.resource_type, exposure.item.rid, reason)
