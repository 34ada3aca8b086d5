"""Diagnosis rules: DSM-5-TR MDE/MDD with codes, WHO ICD-10 (DCR-10) and ICD-11.

``diagnose`` is pure: it takes a validated record and returns a ``Diagnosis``; every conclusion
carries reasons that name the rule and its source, and ``undecided`` lists what missing data left
open. Patients under 18 are still diagnosed; the reasons note the youth rules (irritable mood
for A1, a 1-year duration for persistent depressive disorder).

References
----------
American Psychiatric Association. Diagnostic and Statistical Manual of Mental Disorders, Fifth
Edition, Text Revision (DSM-5-TR). Washington, DC: APA Publishing; 2022.
World Health Organization. The ICD-10 Classification of Mental and Behavioural Disorders:
Diagnostic Criteria for Research. Geneva: WHO; 1993.
World Health Organization. ICD-11 for Mortality and Morbidity Statistics: 6A70, 6A71.
"""

from __future__ import annotations

from trdkit.diagnosis._logic import dedupe
from trdkit.diagnosis.course import determine_course
from trdkit.diagnosis.dsm5 import evaluate_mde
from trdkit.diagnosis.icd10 import icd10_code
from trdkit.diagnosis.icd11 import icd11_code
from trdkit.diagnosis.mdd import build_mdd
from trdkit.diagnosis.result import (
    AdditionalCode,
    CodeResult,
    Diagnosis,
    MddResult,
    MdeResult,
)
from trdkit.record.models import PatientRecord

__all__ = [
    "AdditionalCode",
    "CodeResult",
    "Diagnosis",
    "MddResult",
    "MdeResult",
    "diagnose",
]


def diagnose(record: PatientRecord) -> Diagnosis:
    """Diagnose one patient record.

    Parameters
    ----------
    record
        A validated ``trdkit.patient/1`` record.

    Returns
    -------
    Diagnosis
        The current MDE (DSM-5-TR A-C), MDD (D, E, course, code, name), the WHO ICD-10 and
        ICD-11 codes, and the ``undecided`` gaps (each named once).

    Examples
    --------
    >>> from trdkit.record.models import PatientRecord
    >>> rec = PatientRecord.model_validate({"id": "x", "assessed_on": "2025-06-01"})
    >>> diagnose(rec).mdd.met is None
    True
    """
    mde, gaps_mde = evaluate_mde(record)
    course = determine_course(record)
    mdd, gaps_mdd = build_mdd(record, mde, course)
    icd10, gaps_icd10 = icd10_code(record, course)
    icd11, gaps_icd11 = icd11_code(record, course)
    return Diagnosis(
        mde=mde,
        mdd=mdd,
        icd10=icd10,
        icd11=icd11,
        undecided=dedupe([*gaps_mde, *gaps_mdd, *gaps_icd10, *gaps_icd11]),
    )
