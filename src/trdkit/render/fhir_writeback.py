"""Building the write-back export: trdkit's conclusions only, for the EHR the record came from.

A full export carries the record beside the conclusions; written into the EHR the patient was
read from, the record copies would sit beside the EHR's own resources and be read twice next
time. The write-back builder writes only conclusions and points their references
(``derivedFrom``, ``evidence``, ``result``, the ``failed-trial`` extension, the subject) at the
EHR's own resources, by the ``Type/id`` the import's provenance recorded.

Idempotent re-runs: the bundle is a ``transaction`` of ``PUT Type/id`` entries whose ids are
UUIDs derived from the *assessment key* (the EHR Patient, ``assessed_on`` and the policy) and a
stable key per conclusion. Running the same assessment again replaces the same resources instead
of adding a second set. Each resource also carries a ``meta.tag`` naming the assessment key, so
that a writer can find and delete conclusions of the same key that a re-run no longer produces
(:func:`trdkit.interop.fhir_write.post_write_back`). The knowledge version is not part of the key:
a re-run after an upgrade replaces the earlier conclusions (the report states the version).
"""

from __future__ import annotations

import uuid
from typing import Any

from trdkit.interop.fhir_codes import assessment_tag_system
from trdkit.interop.fhir_fields import Tag
from trdkit.interop.fhir_provenance import Provenance
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.render.fhir_builder import BundleBuilder

__all__ = ["WriteBackBuilder", "assessment_key"]


def assessment_key(patient_ref: str, assessed_on: str, policy_id: str) -> str:
    """The key that one write-back set is written under (``Patient/1|2024-03-05|ema_2013``)."""
    return f"{patient_ref}|{assessed_on}|{policy_id}"


class WriteBackBuilder(BundleBuilder):
    """A :class:`BundleBuilder` for a write-back: EHR references, stable ids, a transaction.

    Parameters
    ----------
    provenance
        The import's provenance (``FhirImport.provenance``): the EHR Patient and the source
        resources of each record part.
    key
        The assessment key (:func:`assessment_key`).

    Raises
    ------
    ValueError
        When the provenance names no Patient (there is nothing to write back to).
    """

    bundle_type = "transaction"

    def __init__(self, provenance: Provenance, key: str) -> None:
        if provenance.patient is None:
            raise ValueError("a write-back export needs the EHR's Patient: the import named none")
        super().__init__(
            provenance.patient.id, seed=f"{load_fhir_codes().namespace}/write-back/{key}"
        )
        self.provenance = provenance
        self.key = key
        self.patient_ref = provenance.patient.reference

    @property
    def key_code(self) -> str:
        """The ``meta.tag`` code of the assessment key (a UUID: a tag code has no spaces)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{assessment_tag_system()}/{self.key}"))

    def meta(self, tag: Tag) -> dict[str, Any]:
        """The trdkit tag and the tag of the assessment key."""
        meta = super().meta(tag)
        meta["tag"].append(
            {"system": assessment_tag_system(), "code": self.key_code, "display": self.key}
        )
        return meta

    def record_refs(self, path: str) -> list[str]:
        """The EHR's own resources that hold record ``path`` (``Type/id``)."""
        return self.provenance.references(path)

    def entry(self, full_url: str, model: Any) -> dict[str, Any]:
        """A transaction entry: ``PUT Type/id``, so that a re-run replaces it."""
        url = f"{model.get_resource_type()}/{full_url.removeprefix('urn:uuid:')}"
        return {"fullUrl": full_url, "resource": model, "request": {"method": "PUT", "url": url}}
