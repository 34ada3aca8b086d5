"""Loading the input of ``trdkit assess``: a ``trdkit.patient/1`` record or a FHIR R4 document.

FHIR is recognised by ``resourceType`` in the parsed JSON (a Bundle, a resource or a list of
resources); anything else is read as a patient record.
"""

from __future__ import annotations

from pathlib import Path

from trdkit.interop.fhir_import import import_fhir
from trdkit.interop.fhir_read import is_fhir_document
from trdkit.interop.fhir_report import ImportEntry
from trdkit.record import PatientRecord, RecordError, parse_record_text, validate_record
from trdkit.record.errors import FieldIssue

__all__ = ["load_patient"]


def load_patient(path: str | Path) -> tuple[PatientRecord, list[ImportEntry]]:
    """Load a record file or a FHIR document; return the record and the import report.

    The report is empty for a ``trdkit.patient/1`` record.

    Raises
    ------
    RecordError
        When the file cannot be read or parsed, or the record (or the import) is invalid;
        ``FhirImportError`` (a ``RecordError``) for a FHIR document that cannot be imported.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RecordError([FieldIssue("", f"cannot read file: {reason}")], str(p)) from None
    data = parse_record_text(text, str(p))
    if is_fhir_document(data):
        result = import_fhir(data, source=str(p))
        return result.record, result.report
    return validate_record(data, str(p)), []
