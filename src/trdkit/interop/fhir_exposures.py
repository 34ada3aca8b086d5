"""Medication resources as exposures: which drug, from when to when, at what dose, still taken?

MedicationStatement (effective period), MedicationRequest (authoredOn or the dosage bounds; the
expected supply duration times the fills gives an end), MedicationDispense (handed over, plus
days supplied) and MedicationAdministration (effective time) all become one ``Exposure``. A
``medicationReference`` is followed to a Medication in the bundle or contained in the resource.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from trdkit.interop.fhir_codes import codings
from trdkit.interop.fhir_drugs import DrugMatch, daily_dose, match_medication
from trdkit.interop.fhir_read import FhirDocument, FhirItem, as_dicts, parse_date
from trdkit.knowledge.fhir_codes import load_fhir_codes

__all__ = ["Exposure", "add_days", "read_exposure"]

_DAYS = {"d": 1, "day": 1, "days": 1, "wk": 7, "week": 7, "weeks": 7, "mo": 30, "month": 30}


@dataclass
class Exposure:
    """One medication resource read as a period of taking a drug."""

    item: FhirItem
    match: DrugMatch
    status: str
    start: dt.date | None = None
    end: dt.date | None = None
    dose: float | None = None
    active: bool = False
    adherence: str | None = None
    notes: list[str] = field(default_factory=list)
    end_stated: bool = False


def add_days(day: dt.date | None, days: float) -> dt.date | None:
    """``day`` plus ``days`` (``None`` when out of the calendar's range)."""
    if day is None:
        return None
    try:
        return day + dt.timedelta(days=days)
    except (OverflowError, ValueError):
        return None


def _date(value: Any) -> dt.date | None:
    parsed = parse_date(value)
    return parsed[0] if parsed else None


def _period(value: Any) -> tuple[dt.date | None, dt.date | None]:
    if not isinstance(value, dict):
        return None, None
    return _date(value.get("start")), _date(value.get("end"))


def _duration_days(quantity: Any) -> float | None:
    if not isinstance(quantity, dict) or "value" not in quantity:
        return None
    unit = str(quantity.get("code") or quantity.get("unit") or "d").casefold()
    factor = _DAYS.get(unit)
    return float(quantity["value"]) * factor if factor is not None else None


def _concept(item: FhirItem, doc: FhirDocument) -> tuple[Any, str | None]:
    data = item.data
    if "medicationCodeableConcept" in data:
        return data["medicationCodeableConcept"], None
    ref = data.get("medicationReference")
    target = doc.resolve(ref, item)
    if target is not None and target.resource_type == "Medication":
        return target.data.get("code"), f"medication from {target.ref}"
    display = ref.get("display") if isinstance(ref, dict) else None
    return ({"text": display} if display else None), "medicationReference not in the bundle"


def _adherence(data: dict[str, Any]) -> str | None:
    codes = load_fhir_codes().import_settings.adherence_codes
    stack = as_dicts(data.get("extension"))
    while stack:
        ext = stack.pop()
        stack += as_dicts(ext.get("extension"))
        for code in codings(ext.get("valueCodeableConcept")):
            if code.system == "snomedct" and code.code in codes:
                return codes[code.code].value
    return None


def _dates(item: FhirItem) -> tuple[dt.date | None, dt.date | None, str | None]:
    data = item.data
    kind = item.resource_type
    if kind in ("MedicationStatement", "MedicationAdministration"):
        if "effectivePeriod" in data:
            start, end = _period(data["effectivePeriod"])
            return start, end, None
        return _date(data.get("effectiveDateTime")), None, None
    if kind == "MedicationDispense":
        start = _date(data.get("whenHandedOver")) or _date(data.get("whenPrepared"))
        days = _duration_days(data.get("daysSupply"))
        note = f"{days:g} days supplied" if days is not None else None
        return start, add_days(start, days - 1) if days else None, note
    bounds: tuple[dt.date | None, dt.date | None] = (None, None)
    for dosage in as_dicts(data.get("dosageInstruction")):
        timing = dosage.get("timing")
        repeat = timing.get("repeat") if isinstance(timing, dict) else None
        if isinstance(repeat, dict) and "boundsPeriod" in repeat:
            bounds = _period(repeat["boundsPeriod"])
    start = bounds[0] or _date(data.get("authoredOn"))
    if bounds[1] is not None:
        return start, bounds[1], "end from the dosage bounds"
    supply = data.get("dispenseRequest")
    if isinstance(supply, dict):
        days = _duration_days(supply.get("expectedSupplyDuration"))
        if days:
            fills = 1 + int(supply.get("numberOfRepeatsAllowed", 0))
            note = f"{days:g} days supply x {fills} fill(s)"
            return start, add_days(start, days * fills - 1), note
    return start, None, None


def read_exposure(item: FhirItem, doc: FhirDocument) -> Exposure:
    """Read a MedicationStatement, -Request, -Dispense or -Administration."""
    data = item.data
    settings = load_fhir_codes().import_settings
    concept, note = _concept(item, doc)
    match = match_medication(concept)
    status = str(data.get("status", "unknown"))
    start, end, date_note = _dates(item)
    dosages = as_dicts(data.get("dosage")) + as_dicts(data.get("dosageInstruction"))
    if item.resource_type == "MedicationAdministration" and isinstance(data.get("dosage"), dict):
        dosages = []
        dose_q = data["dosage"].get("dose")
        if isinstance(dose_q, dict):
            dosages = [
                {"doseAndRate": [{"doseQuantity": dose_q}], "timing": {"repeat": {"frequency": 1}}}
            ]
    dose, dose_note = daily_dose(dosages, match.strength_mg) if dosages else (None, "no dosage")
    if dose is not None and not 0 < dose <= 5000:
        dose, dose_note = None, f"{dose_note}: outside 0-5000 mg/day, not used"
    active = status in settings.medication_active.get(item.resource_type, ())
    exposure = Exposure(item, match, status, start, end, dose, active, _adherence(data))
    # A supply-based end is a projection, not an observed date (it never sets assessed_on).
    exposure.end_stated = end is not None and date_note is None
    exposure.notes = [n for n in (note, date_note, match.how, dose_note) if n]
    return exposure
