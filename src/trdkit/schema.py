"""JSON Schemas of the input record and the assessment, generated from the models."""

from __future__ import annotations

import json
from typing import Any

from trdkit.assessment import Assessment
from trdkit.record import PatientRecord

__all__ = ["SCHEMAS", "schema_text"]

SCHEMAS: dict[str, Any] = {
    "assessment.schema.json": Assessment,
    "patient-record.schema.json": PatientRecord,
}

_IDS = {
    "assessment.schema.json": "trdkit.assessment/1",
    "patient-record.schema.json": "trdkit.patient/1",
}


def schema_text(name: str) -> str:
    """Return the committed form of schema ``name`` (stable key order, trailing newline)."""
    model = SCHEMAS[name]
    mode = "serialization" if model is Assessment else "validation"
    schema = model.model_json_schema(by_alias=True, mode=mode)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _IDS[name],
        **schema,
    }
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
