"""Reading a FHIR R4 document: a Bundle, one resource or a list of resources.

Each resource of a type the importer uses is validated with the ``fhir.resources`` R4B models
(structurally the same as R4 for these types; the package's root models are R5 and reject R4
JSON) and kept as plain JSON data in the model's normal form, so later steps can rely on the
shapes. A resource that fails validation is reported, never half-read. References resolve by
``fullUrl``, by ``Type/id`` (also at the end of an absolute URL) and to contained resources.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from trdkit.interop.fhir_report import ImportLog, label_of
from trdkit.record.errors import FieldIssue, RecordError

__all__ = [
    "READ_TYPES",
    "FhirDocument",
    "FhirImportError",
    "FhirItem",
    "as_dicts",
    "is_fhir_document",
    "parse_date",
    "read_document",
]

# The resource types the importer reads; every other type is reported as ignored.
READ_TYPES = (
    "Patient",
    "Condition",
    "MedicationStatement",
    "MedicationRequest",
    "MedicationDispense",
    "MedicationAdministration",
    "Medication",
    "Observation",
    "QuestionnaireResponse",
    "Procedure",
    "AllergyIntolerance",
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class FhirImportError(RecordError):
    """A document that cannot be imported at all (not FHIR, several patients, ...)."""

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__([FieldIssue("", message)], source)


@dataclass
class FhirItem:
    """One validated resource of the document."""

    resource_type: str
    data: dict[str, Any]
    full_url: str | None = None

    @property
    def rid(self) -> str:
        """The resource id (``'?'`` when absent)."""
        return label_of(self.data)

    @property
    def ref(self) -> str:
        """The ``Type/id`` form of this resource."""
        return f"{self.resource_type}/{self.rid}"


@dataclass
class FhirDocument:
    """The validated resources of a document, in order, with a reference index."""

    items: list[FhirItem] = field(default_factory=list)
    index: dict[str, FhirItem] = field(default_factory=dict)

    def add(self, item: FhirItem) -> None:
        """Append ``item`` and index it by fullUrl and ``Type/id``."""
        self.items.append(item)
        if item.full_url:
            self.index.setdefault(item.full_url, item)
        if item.rid != "?":
            self.index.setdefault(item.ref, item)

    def resolve(self, reference: Any, holder: FhirItem | None = None) -> FhirItem | None:
        """Return the resource a Reference (or reference string) points to, if present."""
        ref = reference.get("reference") if isinstance(reference, dict) else reference
        if not isinstance(ref, str) or not ref:
            return None
        if ref.startswith("#") and holder is not None:
            for contained in as_dicts(holder.data.get("contained")):
                if contained.get("id") == ref[1:]:
                    return FhirItem(str(contained.get("resourceType")), contained)
            return None
        if ref in self.index:
            return self.index[ref]
        parts = ref.rstrip("/").split("/")
        tail = "/".join(parts[-2:]) if len(parts) >= 2 else ref
        return self.index.get(tail)

    def of_type(self, *types: str) -> list[FhirItem]:
        """Return the items of the given resource types, in document order."""
        return [item for item in self.items if item.resource_type in types]


def as_dicts(value: Any) -> list[dict[str, Any]]:
    """Return the mappings in a JSON list (an absent value or a single mapping also work)."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def parse_date(value: Any) -> tuple[dt.date, bool] | None:
    """Read a FHIR date or dateTime as written (no time-zone shift).

    Returns the date and whether it was partial (year or year-month only, read as the first
    day); ``None`` when the value is not a date.
    """
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month or 1), int(day or 1)), day is None
    except ValueError:
        return None


def is_fhir_document(data: Any) -> bool:
    """Whether parsed input is FHIR (a resource or a list of resources) rather than a record."""
    if isinstance(data, dict):
        return isinstance(data.get("resourceType"), str)
    if isinstance(data, list) and data:
        return all(isinstance(d, dict) and "resourceType" in d for d in data)
    return False


def _validate(resource: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    # Imported here: fhir.resources is large and only FHIR input needs it.
    from fhir.resources.R4B import get_fhir_model_class

    try:
        model = get_fhir_model_class(str(resource["resourceType"]))
        valid = model.model_validate(resource)
        data: dict[str, Any] = valid.model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        shown = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(resource)'}: {e['msg']}" for e in errors[:3]
        )
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        return None, f"not a valid FHIR R4 {resource['resourceType']}: {shown}{more}"
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        return None, f"not a valid FHIR R4 resource: {type(exc).__name__}: {exc}"
    return data, None


def _entries(document: Any, log: ImportLog) -> list[tuple[dict[str, Any], str | None]]:
    found: list[tuple[dict[str, Any], str | None]] = []
    stack: list[tuple[Any, str | None]] = [(document, None)]
    while stack:
        node, full_url = stack.pop(0)
        if isinstance(node, list):
            stack[0:0] = [(n, None) for n in node]
            continue
        if not isinstance(node, dict) or not isinstance(node.get("resourceType"), str):
            log.add("(entry)", "?", "not_imported", ["not a FHIR resource (no resourceType)"])
            continue
        if node["resourceType"] == "Bundle":
            entries = node.get("entry", [])
            if not isinstance(entries, list):
                log.add("Bundle", label_of(node), "not_imported", ["Bundle.entry is not a list"])
                continue
            nested: list[tuple[Any, str | None]] = []
            for entry in entries:
                if not isinstance(entry, dict) or "resource" not in entry:
                    log.add("(entry)", "?", "not_imported", ["Bundle entry without a resource"])
                    continue
                url = entry.get("fullUrl")
                nested.append((entry["resource"], url if isinstance(url, str) else None))
            stack[0:0] = nested
            continue
        found.append((node, full_url))
    return found


def read_document(document: Any, log: ImportLog, source: str | None = None) -> FhirDocument:
    """Validate and index the resources of a FHIR document.

    Parameters
    ----------
    document
        Parsed JSON: a Bundle (any type; nested Bundles are read too), one resource, or a list.
    log
        Receives an entry for every resource that is invalid or of a type trdkit does not use.
    source
        File name for error messages.

    Raises
    ------
    FhirImportError
        When the document is not FHIR at all.
    """
    if not is_fhir_document(document):
        raise FhirImportError(
            "not a FHIR document: expected a JSON object with 'resourceType' (a Bundle or a "
            "resource) or a list of resources",
            source,
        )
    doc = FhirDocument()
    for resource, full_url in _entries(document, log):
        rtype = str(resource["resourceType"])
        if rtype not in READ_TYPES:
            log.ignore(rtype, label_of(resource), f"{rtype} is not used by trdkit")
            continue
        data, problem = _validate(resource)
        if data is None:
            log.add(rtype, label_of(resource), "not_imported", [problem or "invalid"])
            continue
        doc.add(FhirItem(rtype, data, full_url))
    return doc
