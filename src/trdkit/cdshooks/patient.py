"""The patient record of a hook call, read from the prefetched or fetched FHIR resources.

The resources go through the FHIR importer unchanged (:func:`trdkit.interop.import_fhir`), so a
hook sees the patient exactly as ``trdkit assess`` would see the same bundle. One thing differs:
the chart is opened today, so the record is assessed as of the call's date (never before the
latest data, and never after a recorded death), and the age is taken on that date. Recency rules
(the suicide-risk window, washouts, ongoing trials) then count to the day of the call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from trdkit.interop import FhirImport, import_fhir
from trdkit.interop.fhir_patient import age_at
from trdkit.interop.fhir_report import ImportEntry
from trdkit.record import PatientRecord, validate_record

__all__ = ["build_record"]


def _patient(resources: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    return next((r for r in resources if r.get("resourceType") == "Patient"), None)


def _deceased(patient: dict[str, Any] | None) -> bool:
    if patient is None:
        return False
    return patient.get("deceasedBoolean") is True or bool(patient.get("deceasedDateTime"))


def build_record(
    resources: Sequence[dict[str, Any]], today: dt.date
) -> tuple[PatientRecord, list[ImportEntry]]:
    """Import the resources and date the record ``today`` (see the module docstring).

    Raises
    ------
    trdkit.interop.FhirImportError
        When the resources cannot make a record (several patients, invalid data).
    """
    imported: FhirImport = import_fhir(list(resources), source="CDS Hooks request")
    record = imported.record
    patient = _patient(resources)
    if today <= record.assessed_on or _deceased(patient):
        return record, imported.report
    data = dict(imported.data)
    data["assessed_on"] = today.isoformat()
    birth = patient.get("birthDate") if patient is not None else None
    if isinstance(birth, str):
        data["age"] = age_at(birth, today)[0]
    return validate_record(data, "CDS Hooks request"), imported.report
