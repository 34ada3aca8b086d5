"""Patient: the record id, sex, birth date and death date; and the age at ``assessed_on``.

A trdkit export also carries record fields on its Patient (``assessed_on``, ``age``, the
history flags, genetics, biomarkers and labs) in ``record-field`` extensions.
"""

from __future__ import annotations

import datetime as dt

from trdkit.interop.fhir_codes import patient_id_system
from trdkit.interop.fhir_draft import RecordDraft
from trdkit.interop.fhir_fields import nest, read_fields, tag_of
from trdkit.interop.fhir_read import FhirDocument, FhirImportError, FhirItem, as_dicts, parse_date
from trdkit.interop.fhir_report import ImportLog

__all__ = ["age_at", "patient_keys", "read_patient"]

_SEX = {"male": "male", "female": "female", "other": "other", "unknown": "unknown"}


def _record_id(item: FhirItem) -> str | None:
    for ident in as_dicts(item.data.get("identifier")):
        if ident.get("system") == patient_id_system() and ident.get("value"):
            return str(ident["value"])
    return item.rid if item.rid != "?" else None


def patient_keys(item: FhirItem) -> set[str]:
    """The references that point to this Patient (fullUrl and ``Patient/id``)."""
    keys = {item.ref}
    if item.full_url:
        keys.add(item.full_url)
    return keys


def read_patient(doc: FhirDocument, draft: RecordDraft, log: ImportLog) -> FhirItem | None:
    """Read the Patient of the document into ``draft``.

    Raises
    ------
    FhirImportError
        When the document holds more than one patient (trdkit assesses one at a time).
    """
    patients = doc.of_type("Patient")
    ids = {_record_id(p) for p in patients}
    if len(ids) > 1:
        shown = ", ".join(sorted(str(i) for i in ids))
        raise FhirImportError(f"the document holds {len(ids)} patients ({shown}); import one")
    if not patients:
        return None
    item = patients[0]
    data = item.data
    because: list[str] = []
    fields = ["id"]
    draft.patient_id = _record_id(item)
    gender = data.get("gender")
    draft.sex = _SEX.get(str(gender), "unknown")
    if gender is not None:
        because.append(f"gender {gender} -> sex {draft.sex}")
        fields.append("sex")
    birth = data.get("birthDate")
    if parse_date(birth) is not None:
        draft.birth_date = str(birth)
        because.append(f"birthDate {data['birthDate']} -> age at assessed_on")
        fields.append("age")
    death = parse_date(data.get("deceasedDateTime"))
    if death is not None:
        draft.deceased_on = death[0]
        because.append(
            f"deceased {death[0]}: data dated after death is not imported, and assessed_on "
            "is not later than the death"
        )
    if tag_of(data) == "record":
        values, problems = read_fields(data)
        draft.explicit = nest(values)
        because += [f"trdkit record fields: {', '.join(sorted(values))}", *problems]
        fields += sorted(values)
    for other in patients[1:]:
        log.add("Patient", other.rid, "imported", ["same patient listed again"], ["id"])
    log.add("Patient", item.rid, "imported", because or ["patient id"], fields)
    return item


def age_at(birth: str, day: dt.date) -> tuple[int | None, str]:
    """Age in whole years on ``day`` from a FHIR birthDate, and how it was reached.

    A partial birth date (year or year-month) gives the younger of the possible ages (the
    latest possible birthday), so that rules for minors apply when in doubt.
    """
    parsed = parse_date(birth)
    if parsed is None:
        return None, f"birthDate {birth!r} is not a date: age unknown"
    born, partial = parsed
    if partial:
        year, month = born.year, (12 if len(birth.strip()) == 4 else born.month)
        try:
            after = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        except ValueError:
            return None, f"birthDate {birth!r} is out of range: age unknown"
        born = after - dt.timedelta(days=1)
    if born > day:
        return None, f"birth date {birth} is after {day}: age unknown"
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if years > 125:
        return None, f"age {years} from birthDate {birth} is implausible: age unknown"
    note = " (partial birthDate: the younger possible age)" if partial else ""
    return years, f"age {years} on {day} from birthDate {birth}{note}"
