"""FHIR R4 -> a ``trdkit.patient/1`` record and an import report.

``import_fhir`` takes a Bundle (any type), one resource or a list of resources for one patient,
reads what maps onto the record (Patient, Condition, the four medication resources, Observation,
QuestionnaireResponse, Procedure, AllergyIntolerance) and reports everything else with a reason.
``assessed_on`` is the latest date read into the record (never after a recorded death); a trdkit
export states its own. The record is then validated like any other.

Examples
--------
>>> import json
>>> from trdkit.interop import import_fhir
>>> bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
...     {"resource": {"resourceType": "Patient", "id": "p1", "gender": "female"}},
...     {"resource": {"resourceType": "Observation", "status": "final",
...      "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
...      "effectiveDateTime": "2025-03-01", "valueInteger": 14}}]}
>>> result = import_fhir(bundle)
>>> result.record.scales[0].total, str(result.record.assessed_on)
(14, '2025-03-01')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from trdkit.interop.fhir_conditions import choose_episode, read_condition
from trdkit.interop.fhir_draft import RecordDraft
from trdkit.interop.fhir_exposures import Exposure, read_exposure
from trdkit.interop.fhir_fields import tag_of
from trdkit.interop.fhir_genomics import is_genotype, read_genotype
from trdkit.interop.fhir_medications import add_exposures
from trdkit.interop.fhir_patient import age_at, patient_keys, read_patient
from trdkit.interop.fhir_procedures import read_allergy, read_procedures
from trdkit.interop.fhir_provenance import Provenance, SourceRef
from trdkit.interop.fhir_read import (
    FhirDocument,
    FhirImportError,
    FhirItem,
    parse_date,
    read_document,
)
from trdkit.interop.fhir_report import ImportEntry, ImportLog
from trdkit.interop.fhir_scales import read_scales
from trdkit.interop.fhir_trdkit import read_trdkit
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.record import PatientRecord, RecordError, validate_record

__all__ = ["FhirImport", "import_fhir"]

_MEDICATIONS = (
    "MedicationStatement",
    "MedicationRequest",
    "MedicationDispense",
    "MedicationAdministration",
)
_DATE_KEYS = (
    "effectiveDateTime",
    "authoredOn",
    "whenHandedOver",
    "onsetDateTime",
    "performedDateTime",
    "authored",
    "recordedDate",
)
_T = TypeVar("_T")
# Errors a reader may meet in valid-but-odd data; the resource is then reported, not the import.
_READ_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError, ArithmeticError)


@dataclass
class FhirImport:
    """The result of an import: the validated record, the report, and the record data.

    ``provenance`` names the source resources of each record part and the EHR's Patient (see
    :mod:`trdkit.interop.fhir_provenance`); a write-back export references them.
    """

    record: PatientRecord
    report: list[ImportEntry]
    data: dict[str, Any]
    provenance: Provenance = field(default_factory=Provenance)


def _subject_ok(item: FhirItem, doc: FhirDocument, patient: FhirItem | None) -> bool:
    if patient is None:
        return True
    ref = item.data.get("subject") or item.data.get("patient")
    target = doc.resolve(ref, item)
    if target is not None and target.resource_type == "Patient":
        return bool(patient_keys(target) & patient_keys(patient))
    text = ref.get("reference") if isinstance(ref, dict) else None
    if isinstance(text, str) and "Patient/" in text:
        return text.rstrip("/").rsplit("Patient/", 1)[1] == patient.rid
    return True


def _day(item: FhirItem) -> dt.date | None:
    for key in _DATE_KEYS:
        parsed = parse_date(item.data.get(key))
        if parsed:
            return parsed[0]
    for key in ("effectivePeriod", "performedPeriod", "onsetPeriod"):
        period = item.data.get(key)
        parsed = parse_date(period.get("start")) if isinstance(period, dict) else None
        if parsed:
            return parsed[0]
    return None


def _guarded(
    log: ImportLog, item: FhirItem | None, step: Callable[..., _T], *args: Any
) -> _T | None:
    try:
        return step(*args)
    except _READ_ERRORS as exc:
        kind, rid = (item.resource_type, item.rid) if item else ("(import)", "?")
        log.add(kind, rid, "not_imported", [f"could not be read: {type(exc).__name__}: {exc}"])
        return None


def _route(
    doc: FhirDocument, patient: FhirItem | None, draft: RecordDraft, log: ImportLog
) -> dict[str, list[Any]]:
    excluded = load_fhir_codes().import_settings.medication_excluded
    batches: dict[str, list[Any]] = {"qr": [], "obs": [], "proc": [], "exp": []}
    for item in doc.items:
        kind, tag = item.resource_type, tag_of(item.data)
        if kind == "Patient":
            continue
        if kind == "Medication":
            log.ignore(kind, item.rid, "read through the medication references to it")
        elif not _subject_ok(item, doc, patient):
            log.add(kind, item.rid, "not_imported", ["the subject is another patient"])
        elif tag == "conclusion":
            log.ignore(kind, item.rid, "a trdkit conclusion, not patient data")
        elif draft.deceased_on and (day := _day(item)) and day > draft.deceased_on:
            log.add(
                kind,
                item.rid,
                "not_imported",
                [f"dated {day}, after the death on {draft.deceased_on}"],
            )
        elif tag == "record" and _guarded(log, item, read_trdkit, item, draft, log):
            continue
        elif kind == "Condition":
            _guarded(log, item, read_condition, item, draft, log)
        elif kind in _MEDICATIONS:
            if item.data.get("status") in excluded:
                log.add(kind, item.rid, "not_imported", [f"status {item.data.get('status')}"])
            else:
                exposure = _guarded(log, item, read_exposure, item, doc)
                batches["exp"] += [exposure] if exposure else []
        elif kind == "Observation" and is_genotype(item):
            _guarded(log, item, read_genotype, item, draft, log)
        elif kind == "Observation":
            batches["obs"].append(item)
        elif kind == "QuestionnaireResponse":
            batches["qr"].append(item)
        elif kind == "Procedure":
            batches["proc"].append(item)
        elif kind == "AllergyIntolerance":
            _guarded(log, item, read_allergy, item, draft, log)
    return batches


def _first_subject(doc: FhirDocument) -> str | None:
    for item in doc.items:
        ref = item.data.get("subject") or item.data.get("patient")
        text = ref.get("reference") if isinstance(ref, dict) else None
        if isinstance(text, str) and "Patient/" in text:
            return text.rsplit("Patient/", 1)[1].strip("/") or None
    return None


def _dates(draft: RecordDraft, log: ImportLog, rid: str) -> tuple[dt.date, int | None]:
    because: list[str] = []
    explicit = parse_date(draft.explicit.get("assessed_on"))
    if explicit is not None:
        assessed_on = explicit[0]
        because.append(f"assessed_on {assessed_on} stated by the trdkit export")
    elif draft.dates:
        assessed_on = max(draft.dates)
        because.append(f"assessed_on {assessed_on}: the latest date read into the record")
    else:
        assessed_on = dt.date.today()
        because.append(f"no dated data: assessed_on is today ({assessed_on})")
    if draft.deceased_on is not None and assessed_on > draft.deceased_on:
        assessed_on = draft.deceased_on
        because.append(f"assessed_on moved back to the death on {assessed_on}")
    age: int | None = None
    if draft.birth_date is not None:
        age, how = age_at(draft.birth_date, assessed_on)
        because.append(how)
    elif isinstance(draft.explicit.get("age"), int):
        age = draft.explicit["age"]
        because.append(f"age {age} stated by the trdkit export")
    else:
        because.append("no birthDate: age unknown")
    log.add("Patient", rid, "imported", because, ["assessed_on", "age"])
    return assessed_on, age


def _provenance(
    doc: FhirDocument, patient: FhirItem | None, draft: RecordDraft, report: list[ImportEntry]
) -> Provenance:
    urls = {(i.resource_type, i.rid): i.full_url for i in doc.items if i.full_url}
    found = Provenance.from_report(report, urls)
    if patient is not None and patient.rid != "?":
        found.patient = SourceRef("Patient", patient.rid, patient.full_url)
    elif patient is None and draft.patient_id is not None:
        # No Patient resource: the resources' own subject reference names the patient.
        found.patient = SourceRef("Patient", draft.patient_id)
    for path, items in draft.related.items():
        for item in items:
            if item.rid != "?":
                found.add(path, SourceRef(item.resource_type, item.rid, item.full_url))
    return found


def import_fhir(document: Any, *, source: str | None = None) -> FhirImport:
    """Import one patient's FHIR R4 data as a validated ``trdkit.patient/1`` record.

    Parameters
    ----------
    document
        Parsed JSON: a Bundle, a single resource, or a list of resources.
    source
        File name for messages.

    Returns
    -------
    FhirImport
        The record, the import report (one entry per resource or group), the raw data and the
        provenance of each record part.

    Raises
    ------
    FhirImportError
        When the document is not FHIR, holds several patients, or yields an invalid record.
    """
    log = ImportLog()
    doc = read_document(document, log, source)
    draft = RecordDraft()
    patient = read_patient(doc, draft, log)
    if draft.patient_id is None:
        draft.patient_id = _first_subject(doc)
    batches = _route(doc, patient, draft, log)
    _guarded(log, None, read_scales, doc, batches["qr"], batches["obs"], draft, log)
    exposures: list[Exposure] = batches["exp"]
    _guarded(log, None, add_exposures, exposures, draft, log)
    _guarded(log, None, read_procedures, batches["proc"], draft, log)
    _guarded(log, None, choose_episode, draft, log)
    assessed_on, age = _dates(draft, log, patient.rid if patient else "?")
    data = draft.to_record_data(assessed_on, age)
    try:
        record = validate_record(data, source)
    except RecordError as exc:
        issues = "; ".join(str(i) for i in exc.issues[:5])
        raise FhirImportError(
            f"the imported data is not a valid record: {issues}", source
        ) from None
    report = log.entries()
    return FhirImport(record, report, data, _provenance(doc, patient, draft, report))
