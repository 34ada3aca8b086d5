"""Major depressive disorder: criteria, course, code, name and additional codes in one result.

Codes and a name are given only when MDD is met. When it is undecided the reasons say which code
it would be, so a provisional code is never mistaken for a diagnosis.

References
----------
American Psychiatric Association. DSM-5-TR. Washington, DC: APA Publishing; 2022. Major
depressive disorder: criteria, coding and recording procedures.
"""

from __future__ import annotations

from trdkit.diagnosis.additional_codes import additional_codes
from trdkit.diagnosis.codes import build_label, choose_status, lookup_code
from trdkit.diagnosis.course import CourseResult
from trdkit.diagnosis.dsm5 import evaluate_mdd_criteria
from trdkit.diagnosis.result import MddResult, MdeResult
from trdkit.knowledge.diagnosis_tables import MddCodeRow
from trdkit.record.models import PatientRecord

__all__ = ["build_mdd"]

_SRC = "(DSM-5-TR MDD coding; ICD-10-CM 2026)"


def build_mdd(
    record: PatientRecord, mde: MdeResult, course: CourseResult
) -> tuple[MddResult, list[str]]:
    """Assemble the MDD result.

    Parameters
    ----------
    record
        The patient record.
    mde
        The current episode's MDE result.
    course
        The single/recurrent result.

    Returns
    -------
    MddResult, list of str
        The result and the gaps for ``undecided`` (criteria, course, status, codes).
    """
    crit = evaluate_mdd_criteria(record, mde)
    because = list(crit.because)
    undecided = list(crit.undecided)
    if crit.met is False:
        because.append(f"MDD not met: no MDD code {_SRC}")
        codes, why_codes, gaps_codes = additional_codes(record, mde)
        return (
            MddResult(
                met=False,
                additional_codes=codes,
                criteria={"D": crit.d, "E": crit.e},
                because=[*because, *why_codes],
            ),
            [*undecided, *gaps_codes],
        )

    because.extend(course.because)
    undecided.extend(course.undecided)
    choice = choose_status(record, mde)
    because.extend(choice.because)
    undecided.extend(choice.undecided)

    row: MddCodeRow | None = None
    if course.course is None:
        single, recurrent = (
            lookup_code("single", choice.status),
            lookup_code("recurrent", choice.status),
        )
        because.append(
            f"course undecided: {single.icd10cm} if single, {recurrent.icd10cm} if recurrent {_SRC}"
        )
    elif crit.met is None:
        candidate = lookup_code(course.course, choice.status)
        because.append(
            f"MDD not established: once it is, the code would be {candidate.icd10cm} "
            f"({candidate.label}) {_SRC}"
        )
    else:
        row = lookup_code(course.course, choice.status)
        because.append(f"{row.icd10cm} (DSM-5 ICD-9-CM {row.dsm5_icd9cm}): {row.label} {_SRC}")

    label, specifiers, why_label = build_label(record, row, course.course, choice)
    because.extend(why_label)
    codes, why_codes, gaps_codes = additional_codes(record, mde)
    because.extend(why_codes)
    undecided.extend(gaps_codes)
    result = MddResult(
        met=crit.met,
        course=course.course,
        severity=choice.severity,
        psychotic_features=choice.psychotic,
        psychotic_type=choice.psychotic_type,
        additional_codes=codes,
        remission=choice.remission,
        icd10cm=row.icd10cm if row else None,
        dsm5_icd9cm=row.dsm5_icd9cm if row else None,
        label=label,
        specifiers=specifiers,
        criteria={"D": crit.d, "E": crit.e},
        because=because,
    )
    return result, undecided
