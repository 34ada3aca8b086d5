"""An assessment as a FHIR R4 Bundle (type ``collection``), validated with ``fhir.resources`` R4B.

The bundle carries both the patient record (tagged ``record``: enough to rebuild the record
exactly with :func:`trdkit.interop.import_fhir`) and trdkit's conclusions (tagged
``conclusion``): a DiagnosticReport that lists every result, the MDD Condition with its ICD-10-CM
code, score Observations with LOINC codes and ``derivedFrom``, the TRD status and staging
Observation, and Genomics Reporting Genotype and TherapeuticImplication Observations.

References
----------
HL7 FHIR R4 (4.0.1); HL7 Genomics Reporting IG STU3 (3.0.0); LOINC codes of the scales and code
systems as listed in ``knowledge/fhir_codes.yaml``.
"""

from __future__ import annotations

from typing import Any

from trdkit.assessment import Assessment
from trdkit.record import PatientRecord
from trdkit.render.fhir_builder import BundleBuilder, concept
from trdkit.render.fhir_record import add_record
from trdkit.render.fhir_results import add_diagnosis, add_pgx, add_trd
from trdkit.render.fhir_scales import add_scales
from trdkit.scales import score_scales

__all__ = ["assessment_bundle", "render_fhir"]


def _summary(a: Assessment) -> list[str]:
    mdd = a.diagnosis.mdd
    state = "MDD criteria not met" if mdd.met is False else "MDD undecided"
    failed = a.trd.adequate_failed_trials
    lines = [
        f"trdkit assessment of {a.patient_id} on {a.assessed_on} (knowledge {a.knowledge_version}, "
        f"policy {a.policy.id})",
        f"Diagnosis: {mdd.label or state}" + (f" ({mdd.icd10cm})" if mdd.icd10cm else ""),
        f"TRD status: {a.trd.status.value} ({failed} adequate failed trial(s))",
    ]
    lines += [f"{f.level.upper()} {f.title}: {'; '.join(f.because)}" for f in a.flags]
    return lines


def assessment_bundle(assessment: Assessment, record: PatientRecord) -> Any:
    """Build the FHIR R4 Bundle of ``assessment`` and the ``record`` it was made from.

    Parameters
    ----------
    assessment
        The result of :func:`trdkit.assess` for ``record``.
    record
        The patient record (the bundle carries it so that an import rebuilds it).

    Returns
    -------
    fhir.resources.R4B.bundle.Bundle
        The validated collection Bundle.

    Raises
    ------
    ValueError
        When the assessment is not of this record.
    """
    if assessment.patient_id != record.id or assessment.assessed_on != record.assessed_on:
        raise ValueError("the assessment was not made from this record (id or date differ)")
    b = BundleBuilder(record.id)
    add_record(record, assessment.trd.trials, b)
    results = assessment.scales or score_scales(record.scales)
    scores = add_scales(record.scales, results, b)
    conclusions = [*scores]
    diagnosis = add_diagnosis(assessment, scores, b)
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
        "conclusion": "\n".join(_summary(assessment)),
    }
    if diagnosis is not None and assessment.diagnosis.mdd.icd10cm:
        report["conclusionCode"] = [
            concept("icd10cm", assessment.diagnosis.mdd.icd10cm, assessment.diagnosis.mdd.label)
        ]
    b.add("conclusion/report", report, "conclusion")
    return b.bundle("bundle")


def render_fhir(assessment: Assessment, record: PatientRecord, *, indent: int | None = 2) -> str:
    """Return the assessment as FHIR R4 JSON (see :func:`assessment_bundle`)."""
    bundle = assessment_bundle(assessment, record)
    text: str = bundle.model_dump_json(indent=indent, exclude_none=True)
    return text
