"""WHO ICD-10 depressive episode (F32) and recurrent depressive disorder (F33) by DCR-10 counts.

The record's symptoms map to the DCR-10 typical (B) and other (C) symptoms as ``icd10_who.yaml``
says; ``worthlessness_or_guilt`` stands for both C1 and C2 and is counted once (the table's notes
give the reason). Severity comes from the counts alone. Unrecorded symptoms are named when they
could change the result; then the code falls back to unspecified (.9) rather than claim a
severity the data do not show. Recurrence uses the shared course result.

References
----------
World Health Organization. The ICD-10 Classification of Mental and Behavioural Disorders:
Diagnostic Criteria for Research. Geneva: WHO; 1993. F32, F33.
World Health Organization. ICD-10, Chapter V (2019 edition), F32/F33 titles.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from trdkit.diagnosis._logic import tally
from trdkit.diagnosis.course import CourseResult
from trdkit.diagnosis.result import CodeResult
from trdkit.knowledge.derived import per_table
from trdkit.knowledge.diagnosis_icd_tables import Icd10Table, load_icd10_who
from trdkit.record.models import PatientRecord
from trdkit.record.vocab import PsychoticFeatures, Remission

__all__ = ["dcr10_level", "icd10_code"]

_SRC = "(WHO ICD-10 DCR-10 F32/F33)"
_SRC_G = "(WHO ICD-10 DCR-10 F32 general criteria G2/G3)"
_RANK = {None: 0, "mild": 1, "moderate": 2, "severe": 3}


def dcr10_level(table: Icd10Table, b: int, total: int) -> str | None:
    """DCR-10 severity of ``b`` typical and ``total`` symptoms (``None``: no episode)."""
    return next(
        (r.severity for r in table.severity_rules if b >= r.min_b and total >= r.min_total), None
    )


def _weights(table: Icd10Table, group: str) -> dict[str, int]:
    names = [i.record_symptom for i in table.items if i.group == group]
    # A record symptom mapped to several items counts as the table's weight says (else per item).
    return {s: table.record_symptom_weight.get(s, names.count(s)) for s in dict.fromkeys(names)}


@per_table
def _bc_weights(table: Icd10Table) -> tuple[Mapping[str, int], Mapping[str, int]]:
    # Depends on the table only: computed once per loaded table (knowledge.derived).
    return MappingProxyType(_weights(table, "B")), MappingProxyType(_weights(table, "C"))


def _exclusion(record: PatientRecord) -> tuple[bool | None, list[str]]:
    """DCR-10 G2/G3: never (hypo)manic; not due to a substance or organic disorder."""
    manic = record.history.manic_or_hypomanic_episode
    episode = record.current_episode
    cause = episode.due_to_substance_or_medical_condition if episode else None
    if manic:
        return True, [f"a hypomanic or manic episode is recorded: F32/F33 do not apply {_SRC_G}"]
    if cause:
        return True, [f"due to a substance or organic disorder: F32/F33 do not apply {_SRC_G}"]
    if manic is None or cause is None:
        return None, [
            "hypomanic/manic history or substance/organic cause not recorded: no code until "
            f"they are excluded {_SRC_G}"
        ]
    return False, []


def icd10_code(record: PatientRecord, course: CourseResult) -> tuple[CodeResult, list[str]]:
    """Choose the WHO ICD-10 F32/F33 code.

    Parameters
    ----------
    record
        The patient record.
    course
        The shared single/recurrent result.

    Returns
    -------
    CodeResult, list of str
        The code (``None`` when it cannot be chosen) and the gaps for ``undecided``.
    """
    table = load_icd10_who()
    episode = record.current_episode
    if episode is None:
        return CodeResult(because=[f"no current episode recorded: no F32/F33 code {_SRC}"]), []
    excluded, because = _exclusion(record)
    if excluded:
        return CodeResult(because=because), []
    gaps: list[str] = []
    status: str | None
    if episode.remission in (Remission.partial, Remission.full):
        status = "remission"
        because.append(
            f"current episode in {episode.remission.value} remission (WHO ICD-10 DCR-10 F33.4)"
        )
    else:
        status = _status_from_counts(record, table, because, gaps)

    if status is None:
        return CodeResult(because=because), gaps
    if course.course is None:
        options = [
            f"{row.code} ({c})" for c in ("single", "recurrent")
            if (row := table.code_for(c, status)) is not None
        ]  # fmt: skip
        because.append(f"course undecided: {' or '.join(options)} {_SRC}")
        return CodeResult(because=because), gaps
    row = table.code_for(course.course, status)
    if row is None:
        because.append(
            "WHO ICD-10 has no code for a single depressive episode in remission (F33.4 is for "
            f"recurrent disorder only) {_SRC}"
        )
        return CodeResult(because=because), gaps
    if excluded is None:
        because.append(f"once they are excluded the code would be {row.code} {row.title}")
        return CodeResult(because=because), gaps
    because.append(f"{row.code} {row.title}: {course.course} course {_SRC}")
    return CodeResult(code=row.code, title=row.title, because=because), gaps


def _status_from_counts(
    record: PatientRecord, table: Icd10Table, because: list[str], gaps: list[str]
) -> str | None:
    episode = record.current_episode
    assert episode is not None
    b_w, c_w = _bc_weights(table)
    b_t, c_t = tally(record.symptoms, b_w), tally(record.symptoms, c_w)
    b = sum(b_w[s] for s in b_t.present)
    total = b + sum(c_w[s] for s in c_t.present)
    b_unk = sum(b_w[s] for s in b_t.unknown)
    total_unk = b_unk + sum(c_w[s] for s in c_t.unknown)
    low = dcr10_level(table, b, total)
    high = dcr10_level(table, b + b_unk, total + total_unk)
    because.append(
        f"DCR-10 counts: B {b} of 3, B+C {total} of 10 (worthlessness_or_guilt counts once for "
        f"C1/C2) -> {low or 'no depressive episode'} {_SRC}"
    )
    unknown = (*b_t.unknown, *c_t.unknown)
    if low != high:
        names = f"{len(unknown)} symptoms not recorded ({', '.join(unknown)})"
        if low is None:
            gaps.append(f"ICD-10: {names} decide whether a DCR-10 depressive episode is present")
            because.append(f"{names}: episode undecided {_SRC}")
            return None
        gaps.append(f"ICD-10 severity: {names} could change it from {low} to {high}")
        because.append(f"{names}: severity between {low} and {high}, coded unspecified {_SRC}")
        return "unspecified"
    if low is None:
        return None
    if "worthlessness_or_guilt" in c_t.present:
        bumped = dcr10_level(table, b, total + 1)
        if _RANK[bumped] > _RANK[low]:
            because.append(
                "if both loss of self-esteem (C1) and excessive guilt (C2) are present the total "
                f"is one higher and the episode would be {bumped} (trdkit mapping choice)"
            )
    psychotic = episode.psychotic_features
    if low == "severe" and psychotic not in (None, PsychoticFeatures.none):
        because.append("severe with psychotic symptoms (WHO ICD-10 DCR-10 F32.3)")
        return "psychotic"
    if psychotic not in (None, PsychoticFeatures.none):
        because.append(
            "psychotic symptoms recorded, but F32.3 needs the criteria of a severe episode "
            f"(B 3, total >= 8): coded by the counts; review {_SRC}"
        )
    elif psychotic is None and low == "severe":
        because.append(f"psychotic symptoms not recorded: with them the code would be .3 {_SRC}")
    if low in ("mild", "moderate"):
        because.append(
            "somatic syndrome (5th character .x0/.x1) not coded: the record lacks its items (CDDG)"
        )
    return low
