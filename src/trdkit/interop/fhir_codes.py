"""Codings in FHIR data and trdkit's own code system.

``codings`` reads a CodeableConcept into ``Code`` tuples with trdkit's short system id
(``loinc``, ``snomedct``, ``icd10cm`` ...). trdkit's own URIs (code system, extensions, tags,
questionnaires) hang off the namespace of ``knowledge/fhir_codes.yaml``; the import and the
export both take them from here so that an exported bundle reads back.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from trdkit.interop.fhir_read import as_dicts
from trdkit.knowledge.fhir_codes import load_fhir_codes

__all__ = [
    "Code",
    "assessment_tag_system",
    "cc_text",
    "codings",
    "has_code",
    "local_system",
    "patient_id_system",
    "questionnaire_url",
    "structure_url",
    "tag_system",
]


class Code(NamedTuple):
    """One coding: trdkit's system id (``None`` if unknown), the system URI, code, display."""

    system: str | None
    uri: str
    code: str
    display: str | None


def local_system() -> str:
    """The URI of trdkit's own code system."""
    return f"{load_fhir_codes().namespace}/CodeSystem/trdkit"


def patient_id_system() -> str:
    """The identifier system of trdkit record ids on an exported Patient."""
    return f"{load_fhir_codes().namespace}/patient-id"


def tag_system() -> str:
    """The URI of the meta.tag code system that marks trdkit's resources."""
    return f"{load_fhir_codes().namespace}/CodeSystem/trdkit-tag"


def assessment_tag_system() -> str:
    """The URI of the meta.tag code system that groups the resources of one written-back
    assessment (the code names the assessment; see ``trdkit.render.fhir_writeback``)."""
    return f"{load_fhir_codes().namespace}/CodeSystem/trdkit-assessment"


def structure_url(name: str) -> str:
    """The URL of trdkit extension ``name``."""
    return f"{load_fhir_codes().namespace}/StructureDefinition/{name}"


def questionnaire_url(instrument: str) -> str:
    """The canonical of trdkit's questionnaire for an instrument without LOINC codes."""
    table = load_fhir_codes()
    path = table.local_codes["questionnaire"].format(instrument=instrument)
    return f"{table.namespace}/{path}"


def codings(concept: Any) -> list[Code]:
    """Return the codings of a CodeableConcept (or a single Coding) with known system ids."""
    if not isinstance(concept, dict):
        return []
    table = load_fhir_codes()
    raw = as_dicts(concept.get("coding")) if "coding" in concept else [concept]
    out: list[Code] = []
    for coding in raw:
        code = coding.get("code")
        if not isinstance(code, str) or not code.strip():
            continue
        uri = str(coding.get("system") or "")
        system = "trdkit" if uri == local_system() else table.system_id(uri)
        display = coding.get("display")
        out.append(Code(system, uri, code.strip(), display if isinstance(display, str) else None))
    return out


def has_code(concept: Any, system: str, code: str) -> bool:
    """Whether a CodeableConcept carries ``code`` of ``system`` (trdkit system id)."""
    return any(c.system == system and c.code == code for c in codings(concept))


def cc_text(concept: Any) -> str | None:
    """The human text of a CodeableConcept: its text, else the first coding display."""
    if not isinstance(concept, dict):
        return None
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text.strip()
    for coding in as_dicts(concept.get("coding")):
        display = coding.get("display")
        if isinstance(display, str) and display.strip():
            return display.strip()
    return None
