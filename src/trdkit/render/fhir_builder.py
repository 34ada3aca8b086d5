"""Building an R4 Bundle resource by resource, each validated by its ``fhir.resources`` model.

Ids are UUIDs derived from the patient id and a stable key of each resource, so the same
assessment always exports the same bundle. Every resource is validated with the R4B model of its
type as it is added (R4B is structurally R4 for the resources used here; the package's root
models are R5). ``record_refs`` gives the references to a record part (a trial, a genotype): in
a full export trdkit's own copy in the bundle; a write-back builder
(``trdkit.render.fhir_writeback``) answers with the EHR's resources instead.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from trdkit.interop.fhir_codes import local_system
from trdkit.interop.fhir_fields import Tag, meta_tag
from trdkit.knowledge.fhir_codes import load_fhir_codes

__all__ = ["BundleBuilder", "coding", "concept", "record_key", "valid_code"]

_CODE = re.compile(r"^[^\s]+(\s[^\s]+)*$")
# Record paths (as in the import report) -> builder keys of the resources that carry them.
_RECORD_KEYS = (
    (re.compile(r"^treatments\[(\d+)\]$"), "trial/{0}"),
    (re.compile(r"^history\.diagnoses\[(\d+)\]$"), "diagnosis/{0}"),
    (re.compile(r"^genetics\.diplotypes\.([A-Za-z0-9]+)$"), "genotype/{0}"),
)


def _pruned(value: Any) -> Any:
    # FHIR forbids empty arrays and objects; builders may leave them when a part is absent.
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, [], {})}
    if isinstance(value, list):
        kept_items = [_pruned(v) for v in value]
        return [v for v in kept_items if v not in (None, [], {})]
    return value


def valid_code(code: str) -> bool:
    """Whether ``code`` is a valid FHIR ``code`` (no leading, trailing or double spaces)."""
    return bool(_CODE.match(code))


def record_key(path: str) -> str | None:
    """The builder key of the record-tagged resource that carries record ``path``, if any.

    >>> record_key("treatments[2]"), record_key("genetics.diplotypes.CYP2D6"), record_key("age")
    ('trial/2', 'genotype/CYP2D6', None)
    """
    for pattern, key in _RECORD_KEYS:
        match = pattern.match(path)
        if match:
            return key.format(match.group(1))
    return None


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    """A Coding; ``system`` is a trdkit system id (``loinc``, ``trdkit`` ...)."""
    uri = local_system() if system == "trdkit" else load_fhir_codes().uri(system)
    out: dict[str, Any] = {"system": uri, "code": code}
    if display:
        out["display"] = display
    return out


def concept(
    system: str, code: str, display: str | None = None, text: str | None = None
) -> dict[str, Any]:
    """A CodeableConcept with one coding (and optional text)."""
    out: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if text:
        out["text"] = text
    return out


class BundleBuilder:
    """Collects validated resources with deterministic ``urn:uuid`` full URLs."""

    bundle_type = "collection"

    def __init__(self, patient_id: str, seed: str | None = None) -> None:
        self._seed = seed or f"{load_fhir_codes().namespace}/{patient_id}"
        self._entries: list[tuple[str, Any]] = []
        self.patient_ref = self.ref("Patient")

    def ref(self, key: str) -> str:
        """The full URL of the resource with ``key`` (whether added yet or not)."""
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self._seed}/{key}')}"

    def meta(self, tag: Tag) -> dict[str, Any]:
        """The ``meta`` of an added resource: the trdkit tag."""
        return meta_tag(tag)

    def record_refs(self, path: str) -> list[str]:
        """References to the resources that hold record ``path`` (trdkit's copy here)."""
        key = record_key(path)
        return [self.ref(key)] if key is not None else []

    def add(self, key: str, resource: dict[str, Any], tag: Tag) -> str:
        """Validate ``resource`` with its R4B model, add it, and return its full URL."""
        from fhir.resources.R4B import get_fhir_model_class

        full_url = self.ref(key)
        body = _pruned(
            {
                "resourceType": resource["resourceType"],
                "id": full_url.removeprefix("urn:uuid:"),
                "meta": self.meta(tag),
                **{k: v for k, v in resource.items() if k != "resourceType"},
            }
        )
        model = get_fhir_model_class(resource["resourceType"]).model_validate(body)
        self._entries.append((full_url, model))
        return full_url

    def subject(self) -> dict[str, str]:
        """The reference to the patient."""
        return {"reference": self.patient_ref}

    def entry(self, full_url: str, model: Any) -> dict[str, Any]:
        """The Bundle entry of one added resource."""
        return {"fullUrl": full_url, "resource": model}

    def bundle(self, key: str) -> Any:
        """The Bundle (of :attr:`bundle_type`) of every resource added, validated."""
        from fhir.resources.R4B.bundle import Bundle

        return Bundle.model_validate(
            {
                "resourceType": "Bundle",
                "id": self.ref(key).removeprefix("urn:uuid:"),
                "type": self.bundle_type,
                "entry": [self.entry(url, model) for url, model in self._entries],
            }
        )
