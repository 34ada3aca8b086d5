"""An assessment as a FHIR R4 Bundle (type ``collection``), validated with ``fhir.resources`` R4B.

The bundle carries both the patient record (tagged ``record``: enough to rebuild the record
exactly with :func:`trdkit.interop.import_fhir`) and trdkit's conclusions (tagged
``conclusion``): a DiagnosticReport that lists every result, the MDD Condition with its ICD-10-CM
code, score Observations with LOINC codes and ``derivedFrom``, the TRD status and staging
Observation, and Genomics Reporting Genotype and TherapeuticImplication Observations.

``mode="write_back"`` builds the bundle for writing the assessment back into the EHR the record
was imported from: a ``transaction`` of the conclusions only, referencing the EHR's own resources
through the import's provenance (:mod:`trdkit.render.fhir_writeback`).

References
----------
HL7 FHIR R4 (4.0.1); HL7 Genomics Reporting IG STU3 (3.0.0); LOINC codes of the scales and code
systems as listed in ``knowledge/fhir_codes.yaml``.
"""

from __future__ import annotations

from typing import Any, Literal

from trdkit.assessment import Assessment
from trdkit.interop.fhir_provenance import Provenance
from trdkit.record import PatientRecord
from trdkit.render.fhir_builder import BundleBuilder, concept
from trdkit.render.fhir_record import add_record
from trdkit.render.fhir_results import add_diagnosis, add_pgx, add_trd
from trdkit.render.fhir_scales import add_scales, add_score_conclusions
from trdkit.render.fhir_writeback import WriteBackBuilder, assessment_key
from trdkit.scales import score_scales

__all__ = ["ExportMode", "assessment_bundle", "render_fhir"]

ExportMode = Literal["full", "write_back"]


def _summary(a: Assessment, charted: list[str]) -> list[str]:
    mdd = a.diagnosis.mdd
    state = "MDD criteria not met" if mdd.met is False else "MDD undecided"
    failed = a.trd.adequate_failed_trials
    lines = [
        f"trdkit assessment of {a.patient_id} on {a.assessed_on} (knowledge {a.knowledge_version}, "
        f"policy {a.policy.id})",
        f"Diagnosis: {mdd.label or state}"
        + (f" ({mdd.icd10cm})" if mdd.icd10cm else "")
        + (f", already in the chart as {', '.join(charted)}" if charted else ""),
        f"TRD status: {a.trd.status.value} ({failed} adequate failed trial(s))",
    ]
    lines += [f"{f.level.upper()} {f.title}: {'; '.join(f.because)}" for f in a.flags]
    return lines


def _charted(assessment: Assessment, record: PatientRecord, b: BundleBuilder) -> list[str]:
    """The EHR's Conditions that already state trdkit's ICD-10-CM code (write-back only)."""
    code = assessment.diagnosis.mdd.icd10cm
    if not isinstance(b, WriteBackBuilder) or not assessment.diagnosis.mdd.met or not code:
        return []
    return [
        ref
        for i, dx in enumerate(record.history.diagnoses)
        if dx.system == "icd10cm" and dx.code == code
        for ref in b.record_refs(f"history.diagnoses[{i}]")
    ]


def assessment_bundle(
    assessment: Assessment,
    record: PatientRecord,
    *,
    mode: ExportMode = "full",
    provenance: Provenance | None = None,
) -> Any:
    """Build the FHIR R4 Bundle of ``assessment`` and the ``record`` it was made from.

    Parameters
    ----------
    assessment
        The result of :func:`trdkit.assess` for ``record``.
    record
        The patient record (the full bundle carries it so that an import rebuilds it).
    mode
        ``"full"``: a ``collection`` with the record (tagged ``record``) and the conclusions.
        ``"write_back"``: a ``transaction`` of ``PUT`` entries with the conclusions only,
        referencing the EHR's resources; needs ``provenance``. An MDD Condition is left out
        when the chart already holds a Condition with the same ICD-10-CM code.
    provenance
        The provenance of a FHIR import of ``record`` (``FhirImport.provenance``).

    Returns
    -------
    fhir.resources.R4B.bundle.Bundle
        The validated Bundle.

    Raises
    ------
    ValueError
        When the assessment is not of this record, or a write-back has no provenance or no
        EHR Patient.
    """
    if assessment.patient_id != record.id or assessment.assessed_on != record.assessed_on:
        raise ValueError("the assessment was not made from this record (id or date differ)")
    results = assessment.scales or score_scales(record.scales)
    b: BundleBuilder
    if mode == "write_back":
        if provenance is None or provenance.patient is None:
            raise ValueError(
                "a write-back export needs the provenance of a FHIR import naming the EHR's "
                "Patient (FhirImport.provenance)"
            )
        key = assessment_key(
            provenance.patient.reference, assessment.assessed_on.isoformat(), assessment.policy.id
        )
        b = WriteBackBuilder(provenance, key)
        scores = add_score_conclusions(record.scales, results, b)
    else:
        b = BundleBuilder(record.id)
        add_record(record, assessment.trd.trials, b)
        scores = add_scales(record.scales, results, b)
    conclusions = [*scores]
    charted = _charted(assessment, record, b)
    diagnosis = None if charted else add_diagnosis(assessment, scores, b)
    conclusions += add_trd(assessment, scores, b)
    conclusions += add_pgx(assessment, record, b)
    report: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "status": "final",
        "code": concept(
            "trdkit", "trd-assessment", text="trdkit treatment-resistant depression assessment"
        ),
        "subject": b.subject(),
        "effectiveDateTime": assessment.assessed_on.isoformat(),
        "result": [{"reference": r} for r in conclusions],
        "conclusion": "\n".join(_summary(assessment, charted)),
    }
    if (diagnosis is not None or charted) and assessment.diagnosis.mdd.icd10cm:
        report["conclusionCode"] = [
            concept("icd10cm", assessment.diagnosis.mdd.icd10cm, assessment.diagnosis.mdd.label)
        ]
    b.add("conclusion/report", report, "conclusion")
    return b.bundle("bundle")


def render_fhir(
    assessment: Assessment,
    record: PatientRecord,
    *,
    indent: int | None = 2,
    mode: ExportMode = "full",
    provenance: Provenance | None = None,
) -> str:
    """Return the assessment as FHIR R4 JSON (see :func:`assessment_bundle`)."""
    bundle = assessment_bundle(assessment, record, mode=mode, provenance=provenance)
    text: str = bundle.model_dump_json(indent=indent, exclude_none=True)
    return text
