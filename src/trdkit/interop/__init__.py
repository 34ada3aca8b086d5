"""Interoperability readers: FHIR R4 import (a Bundle or resources -> ``trdkit.patient/1``)
and loading whichever input ``trdkit assess`` is given."""

from trdkit.interop.fhir_import import FhirImport, import_fhir
from trdkit.interop.fhir_read import FhirImportError, is_fhir_document
from trdkit.interop.fhir_report import ImportEntry
from trdkit.interop.load import load_patient

__all__ = [
    "FhirImport",
    "FhirImportError",
    "ImportEntry",
    "import_fhir",
    "is_fhir_document",
    "load_patient",
]
