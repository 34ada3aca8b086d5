"""Procedure (ECT, rTMS, esketamine, psychotherapy ...) -> procedure trials; AllergyIntolerance.

Procedures are recognised by their text (``procedures`` of ``fhir_codes.yaml``): no verified
SNOMED CT codes for these treatments are in the reference notes. Sessions of one kind are merged
into one course with the same gap rule as medications; ECT, rTMS and iTBS courses count them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from trdkit.interop.fhir_codes import cc_text, codings
from trdkit.interop.fhir_draft import RecordDraft
from trdkit.interop.fhir_drugs import match_medication
from trdkit.interop.fhir_exposures import add_days
from trdkit.interop.fhir_read import FhirItem, parse_date
from trdkit.interop.fhir_report import ImportLog
from trdkit.knowledge.fhir_codes import load_fhir_codes

__all__ = ["read_allergy", "read_procedures"]

_COUNTED = ("ect", "rtms", "itbs")
_DONE = ("completed", "in-progress")


def _kind(item: FhirItem) -> str | None:
    texts = [cc_text(item.data.get("code")) or ""] + [
        c.display or "" for c in codings(item.data.get("code"))
    ]
    for row in load_fhir_codes().procedures:
        if any(row.text in t.casefold() for t in texts):
            return row.procedure.value
    return None


def _when(item: FhirItem) -> tuple[dt.date | None, dt.date | None]:
    data = item.data
    if isinstance(data.get("performedPeriod"), dict):
        start = parse_date(data["performedPeriod"].get("start"))
        end = parse_date(data["performedPeriod"].get("end"))
        return (start[0] if start else None), (end[0] if end else None)
    when = parse_date(data.get("performedDateTime"))
    return (when[0] if when else None), (when[0] if when else None)


def read_procedures(items: list[FhirItem], draft: RecordDraft, log: ImportLog) -> None:
    """Read non-trdkit Procedures: recognised treatments become trials, the rest is ignored."""
    gap = load_fhir_codes().import_settings.trial_merge_gap_days
    courses: dict[str, list[list[tuple[FhirItem, dt.date | None, dt.date | None]]]] = {}
    for item in items:
        kind = _kind(item)
        text = cc_text(item.data.get("code")) or "no text"
        if kind is None:
            log.ignore("Procedure", item.rid, "not a treatment trdkit counts")
            continue
        if item.data.get("status") not in _DONE:
            log.add(
                "Procedure", item.rid, "not_imported", [f"{text}: status {item.data.get('status')}"]
            )
            continue
        start, end = _when(item)
        runs = courses.setdefault(kind, [])
        last = runs[-1] if runs else None
        days = [d for _, s, e in (last or []) if (d := e or s) is not None]
        reach = max(days) if days else None
        limit = add_days(reach, gap)
        if last is not None and start and limit and start <= limit:
            last.append((item, start, end))
        else:
            runs.append([(item, start, end)])
    for kind, runs in courses.items():
        for run in runs:
            trial: dict[str, Any] = {"procedure": kind, "outcome": "unknown"}
            starts = [s for _, s, _ in run if s]
            ends = [e for _, _, e in run if e]
            if starts:
                trial["start"] = min(starts).isoformat()
            if ends and (not starts or max(ends) >= min(starts)):
                trial["end"] = max(ends).isoformat()
            if kind in _COUNTED:
                trial["sessions"] = min(len(run), 500)
            draft.treatments.append(trial)
            index = len(draft.treatments) - 1
            for item, start, end in run:
                draft.dated(start, end)
                why = [
                    f"{cc_text(item.data.get('code'))} -> {kind}",
                    f"{len(run)} session(s) read as one course",
                    "outcome unknown (not stated in FHIR)",
                ]
                log.add("Procedure", item.rid, "imported", why, [f"treatments[{index}]"])


def read_allergy(item: FhirItem, draft: RecordDraft, log: ImportLog) -> None:
    """Read an AllergyIntolerance to a drug into ``allergies``."""
    data = item.data
    verification = [c.code for c in codings(data.get("verificationStatus"))]
    clinical = [c.code for c in codings(data.get("clinicalStatus"))]
    if set(verification) & {"refuted", "entered-in-error"} or set(clinical) & {
        "inactive",
        "resolved",
    }:
        log.add(
            "AllergyIntolerance", item.rid, "not_imported", [f"status {clinical or verification}"]
        )
        return
    match = match_medication(data.get("code"))
    is_drug = "medication" in (data.get("category") or []) or bool(match.drugs)
    if not is_drug:
        log.ignore("AllergyIntolerance", item.rid, "not a drug allergy")
        return
    names = match.drugs or ([match.name] if match.name else [])
    if not names:
        log.add("AllergyIntolerance", item.rid, "not_imported", ["no substance code or name"])
        return
    for name in names:
        draft.add_unique(draft.allergies, name)
    log.add("AllergyIntolerance", item.rid, "imported", [match.how], ["allergies"])
