"""The patient record ``trdkit.patient/1``: models, loading and field-path errors."""

from trdkit.record.errors import FieldIssue, RecordError
from trdkit.record.load import load_record, parse_record_text, validate_record
from trdkit.record.models import (
    Biomarkers,
    CodedDiagnosis,
    CurrentEpisode,
    DateRange,
    Genetics,
    History,
    Labs,
    PatientRecord,
    Symptoms,
    Urgent,
)
from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.treatment_models import Treatment

__all__ = [
    "Biomarkers",
    "CodedDiagnosis",
    "CurrentEpisode",
    "DateRange",
    "FieldIssue",
    "Genetics",
    "History",
    "Labs",
    "PatientRecord",
    "RecordError",
    "ScaleAdministration",
    "Symptoms",
    "Treatment",
    "Urgent",
    "load_record",
    "parse_record_text",
    "validate_record",
]
