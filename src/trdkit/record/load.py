"""Reading a patient record from YAML or JSON and validating it.

Dates stay text until pydantic parses them: YAML's own timestamp conversion would turn an
impossible date such as ``2024-02-30`` into a parser crash with no field path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from trdkit.record.errors import FieldIssue, RecordError, issues_from_validation
from trdkit.record.models import PatientRecord

__all__ = ["load_record", "parse_record_text", "validate_record"]


class _NoDatesLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves ISO dates as strings."""


_NoDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_record_text(text: str, source: str | None = None) -> Any:
    """Parse YAML or JSON text (JSON is YAML) into plain Python data.

    Raises
    ------
    RecordError
        When the text is not well-formed, naming the line and column.
    """
    try:
        if text.lstrip().startswith(("{", "[")):
            return json.loads(text)
        return yaml.load(text, Loader=_NoDatesLoader)
    except json.JSONDecodeError as exc:
        raise RecordError(
            [FieldIssue("", f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")],
            source,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise RecordError([FieldIssue("", f"not valid YAML{where}: {problem}")], source) from None


def validate_record(data: Any, source: str | None = None) -> PatientRecord:
    """Validate parsed data as a ``trdkit.patient/1`` record.

    Parameters
    ----------
    data
        The parsed document (a mapping).
    source
        Where it came from, for messages (a file name).

    Raises
    ------
    RecordError
        Listing every problem with its field path and the allowed values.
    """
    if not isinstance(data, dict):
        raise RecordError([FieldIssue("", "a patient record must be a mapping of keys")], source)
    try:
        return PatientRecord.model_validate(data)
    except ValidationError as exc:
        raise RecordError(issues_from_validation(exc, PatientRecord), source) from None


def load_record(path: str | Path) -> PatientRecord:
    """Load and validate a patient record file (YAML or JSON).

    Raises
    ------
    RecordError
        When the file cannot be read or the record is invalid.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RecordError([FieldIssue("", f"cannot read file: {reason}")], str(p)) from None
    return validate_record(parse_record_text(text, str(p)), str(p))
