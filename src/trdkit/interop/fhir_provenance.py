"""Where each part of an imported record came from: the source FHIR resources, by record path.

A FHIR import keeps, beside the record, which resources each record part was read from
(``treatments[0]`` <- ``MedicationRequest/abc`` and ``MedicationRequest/def`` merged into one
trial; ``scales[2]`` <- ``QuestionnaireResponse/q1``), and the EHR's Patient. An export written
back to the EHR the patient came from uses it to reference the EHR's own resources instead of
copies (``render_fhir(..., mode="write_back")``). The record format itself is unchanged.

Paths are those of the import report's ``fields`` (``scales[3]``, ``history.diagnoses[0]``,
``genetics.diplotypes.CYP2C19``, ``current_episode`` ...). ``scales[i].total`` lists the EHR's own
total Observations of an item-level administration (derived from the response, or of the same
instrument and date), which the import did not read again. A resource without an id cannot be
referenced on a server and is left out.

Examples
--------
>>> from trdkit.interop import import_fhir
>>> imported = import_fhir([
...     {"resourceType": "Patient", "id": "p1"},
...     {"resourceType": "Observation", "id": "o1", "status": "final",
...      "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2025-03-01",
...      "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
...      "valueInteger": 14}])
>>> imported.provenance.patient.reference, imported.provenance.references("scales[0]")
('Patient/p1', ['Observation/o1'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from trdkit.interop.fhir_report import ImportEntry

__all__ = ["Provenance", "SourceRef"]

_READ = ("imported", "partial")


@dataclass(frozen=True)
class SourceRef:
    """One source resource: its type, its id, and its Bundle ``fullUrl`` when it had one."""

    resource_type: str
    id: str
    full_url: str | None = None

    @property
    def reference(self) -> str:
        """The relative reference ``Type/id`` (the resource's id on the server it came from)."""
        return f"{self.resource_type}/{self.id}"


@dataclass
class Provenance:
    """The source resources of each record path, and the Patient the record belongs to."""

    patient: SourceRef | None = None
    fields: dict[str, list[SourceRef]] = field(default_factory=dict)

    def add(self, path: str, source: SourceRef) -> None:
        """Note that ``path`` was read from ``source`` (each source once per path)."""
        known = self.fields.setdefault(path, [])
        if source not in known:
            known.append(source)

    def sources(self, path: str, *types: str) -> list[SourceRef]:
        """The sources of ``path`` (only of the given resource types, when any are given)."""
        return [s for s in self.fields.get(path, []) if not types or s.resource_type in types]

    def references(self, path: str, *types: str) -> list[str]:
        """The ``Type/id`` references of the sources of ``path``."""
        return [s.reference for s in self.sources(path, *types)]

    @classmethod
    def from_report(
        cls,
        report: Iterable[ImportEntry],
        full_urls: Mapping[tuple[str, str], str] | None = None,
    ) -> Provenance:
        """Build the provenance from an import report (its ids and the fields they wrote).

        Parameters
        ----------
        report
            The import report (``FhirImport.report`` or ``Assessment.import_report``).
        full_urls
            ``(type, id) -> fullUrl`` of the document's resources, to keep them beside the ids.

        Notes
        -----
        Only entries that were read (``imported``, ``partial``) count. The Patient is the first
        Patient entry that wrote the record ``id``. EHR totals of item-level administrations
        (``scales[i].total``) are not in the report; :func:`trdkit.interop.import_fhir` adds
        them.
        """
        urls = full_urls or {}
        out = cls()
        for entry in report:
            if entry.status not in _READ:
                continue
            for rid in entry.ids:
                if rid == "?":
                    continue
                source = SourceRef(entry.resource_type, rid, urls.get((entry.resource_type, rid)))
                if entry.resource_type == "Patient" and "id" in entry.fields:
                    out.patient = out.patient or source
                for path in entry.fields:
                    if entry.resource_type != "Patient":
                        out.add(path, source)
        return out
