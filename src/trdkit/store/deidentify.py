"""De-identified copies of stored records, for the researcher role.

What is done to each record (docs/privacy-and-audit.md):

* ``id`` becomes a pseudonym, an HMAC-SHA-256 of the stored patient id under the server's secret
  key: stable across exports from one server (visits can be linked), not reversible without it.
* Every date moves by one offset per patient (1-365 days, either way, from the same HMAC), so
  intervals -- trial lengths, time between visits -- are kept and calendar dates are not.
* Ages of 90 and above become 90.
* Free text and file references go: coded diagnoses keep system and code but lose ``display``;
  ``genetics.vcf`` and ``genetics.sample`` are removed.

The result is pseudonymised, not anonymous: it is still personal data under the GDPR and must be
handled as such.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from trdkit.record import PatientRecord, validate_record
from trdkit.store.records import record_document

__all__ = ["AGE_CAP", "date_offset_days", "deidentify_record", "pseudonym"]

AGE_CAP = 90
_MAX_SHIFT_DAYS = 365


def _mac(key: bytes, patient_id: str) -> bytes:
    return hmac.new(key, patient_id.encode("utf-8"), hashlib.sha256).digest()


def pseudonym(key: bytes, patient_id: str) -> str:
    """The export id of a stored patient (``P-`` and 16 hex digits)."""
    return "P-" + _mac(key, patient_id).hex()[:16]


def date_offset_days(key: bytes, patient_id: str) -> int:
    """The patient's date shift in days: non-zero, at most a year either way."""
    raw = int.from_bytes(_mac(key, patient_id)[8:12], "big")
    magnitude = raw % _MAX_SHIFT_DAYS + 1
    return magnitude if raw & 1 << 31 else -magnitude


def _shift(value: Any, days: int) -> Any:
    if not isinstance(value, str):
        return value
    return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()


def _shift_fields(items: list[dict[str, Any]], keys: tuple[str, ...], days: int) -> None:
    for item in items:
        for key in keys:
            if key in item:
                item[key] = _shift(item[key], days)


def deidentify_record(record: PatientRecord, key: bytes, patient_id: str) -> dict[str, Any]:
    """A de-identified ``trdkit.patient/1`` document of one stored patient.

    Parameters
    ----------
    record
        The patient's assembled record.
    key
        The server's secret key.
    patient_id
        The stored patient id (opaque), from which pseudonym and date shift derive.
    """
    days = date_offset_days(key, patient_id)
    doc = record_document(record)
    doc["id"] = pseudonym(key, patient_id)
    doc["assessed_on"] = _shift(record.assessed_on.isoformat(), days)
    if record.age is not None and record.age >= AGE_CAP:
        doc["age"] = AGE_CAP
    episode = doc.get("current_episode")
    if isinstance(episode, dict) and "onset" in episode:
        episode["onset"] = _shift(episode["onset"], days)
    history = doc.get("history", {})
    _shift_fields(history.get("prior_episodes", []), ("start", "end"), days)
    if history.get("suicide_attempts"):
        history["suicide_attempts"] = [_shift(d, days) for d in history["suicide_attempts"]]
    for diagnosis in history.get("diagnoses", []):
        diagnosis.pop("display", None)
    _shift_fields(doc.get("treatments", []), ("start", "end"), days)
    _shift_fields(doc.get("scales", []), ("date",), days)
    genetics = doc.get("genetics")
    if isinstance(genetics, dict):
        genetics.pop("vcf", None)
        genetics.pop("sample", None)
    # Validated like any record: the export is a contract document, not a loose dump.
    validate_record(doc)
    return doc
