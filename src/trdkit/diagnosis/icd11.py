"""ICD-11 single episode (6A70) and recurrent (6A71) depressive disorder.

An episode needs at least five of the ten ICD-11 symptoms (the nine DSM domains plus
hopelessness) with at least one affective symptom. ICD-11 grades severity by clinical judgement,
not by a count, so trdkit uses the clinician's rating and, without one, codes "severity
unspecified" (.5) instead of deriving a severity from the symptom count (choice recorded in
``icd11.yaml``). Psychotic symptoms occur only in moderate or severe episodes: a psychotic
episode rated mild is coded moderate with psychotic symptoms. The course is the shared result
(2-month interval; ICD-11 says "several months", which the reasons point out).

References
----------
World Health Organization. ICD-11 for Mortality and Morbidity Statistics: 6A70, 6A71.
World Health Organization. Clinical Descriptions and Diagnostic Requirements for ICD-11 Mental,
Behavioural and Neurodevelopmental Disorders (CDDR). Geneva: WHO; 2024. Mood disorders.
"""

from __future__ import annotations

from trdkit.diagnosis._logic import tally
from trdkit.diagnosis.course import CourseResult
from trdkit.diagnosis.result import CodeResult
from trdkit.knowledge.derived import per_table
from trdkit.knowledge.diagnosis_icd_tables import Icd11Table, load_icd11
from trdkit.record.models import PatientRecord
from trdkit.record.vocab import PsychoticFeatures, Remission

__all__ = ["icd11_code"]

_SRC = "(ICD-11 MMS 6A70/6A71; CDDR)"


@per_table
def _symptom_names(table: Icd11Table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Depends on the table only: computed once per loaded table (knowledge.derived).
    names = tuple(s.record_symptom for s in table.symptoms)
    affective = tuple(s.record_symptom for s in table.symptoms if s.cluster == "affective")
    return names, affective


def _episode(record: PatientRecord, table: Icd11Table) -> tuple[bool | None, list[str], list[str]]:
    rule = table.episode_rule
    names, affective = _symptom_names(table)
    t, a = tally(record.symptoms, names), tally(record.symptoms, affective)
    n, unk = len(t.present), len(t.unknown)
    enough = True if n >= rule.min_symptoms else False if n + unk < rule.min_symptoms else None
    core = (
        True if len(a.present) >= rule.min_affective
        else False if len(a.present) + len(a.unknown) < rule.min_affective
        else None
    )  # fmt: skip
    met = False if False in (enough, core) else None if None in (enough, core) else True
    because = [
        f"ICD-11 depressive episode: {n} of 10 symptoms present (hopelessness included), "
        f">={rule.min_symptoms} with >={rule.min_affective} affective required {_SRC}"
    ]
    if met is None:
        gap = f"ICD-11: {t.unknown_text()} decide whether a depressive episode is present"
        return None, [*because, gap], [gap]
    return met, because, []


def _status(record: PatientRecord, table: Icd11Table) -> tuple[str, list[str], list[str]]:
    episode = record.current_episode
    assert episode is not None
    psychotic = episode.psychotic_features
    has_psychosis = psychotic not in (None, PsychoticFeatures.none)
    if episode.severity is None:
        if has_psychosis:
            gap = (
                "ICD-11 severity not rated: a psychotic episode is moderate (6A7x.2) or severe "
                "(6A7x.4)"
            )
            return "unspecified", [f"{gap}; coded severity unspecified {_SRC}"], [gap]
        return (
            "unspecified",
            [
                "ICD-11 severity is a clinical judgement of intensity and functioning; no "
                "clinician rating recorded, so severity unspecified (.5); the symptom count is "
                f"not used {_SRC}"
            ],
            [],
        )
    severity = episode.severity.value
    because = [f"severity {severity}: clinician rating {_SRC}"]
    if has_psychosis:
        if severity not in table.psychotic_allowed_with:
            because.append(
                f"psychotic symptoms occur only in {' or '.join(table.psychotic_allowed_with)} "
                f"episodes: rated {severity}, coded {table.psychotic_minimum_severity} with "
                f"psychotic symptoms {_SRC}"
            )
            severity = table.psychotic_minimum_severity
        return f"{severity}_psychotic", because, []
    if psychotic is None and severity != "mild":
        because.append(f"psychotic symptoms not recorded: coded without them {_SRC}")
    return severity, because, []


def icd11_code(record: PatientRecord, course: CourseResult) -> tuple[CodeResult, list[str]]:
    """Choose the ICD-11 6A70/6A71 code.

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
    table = load_icd11()
    episode = record.current_episode
    if episode is None:
        return CodeResult(because=[f"no current episode recorded: no 6A70/6A71 code {_SRC}"]), []
    manic = record.history.manic_or_hypomanic_episode
    cause = episode.due_to_substance_or_medical_condition
    if manic:
        reason = f"a manic, hypomanic or mixed episode is recorded: 6A70/6A71 exclude it {_SRC}"
        return CodeResult(because=[reason]), []
    if cause:
        reason = f"due to a substance or another medical condition: 6A70/6A71 do not apply {_SRC}"
        return CodeResult(because=[reason]), []
    gaps: list[str] = []
    if episode.remission in (Remission.partial, Remission.full):
        status = f"{episode.remission.value}_remission"
        because = [f"current episode in {episode.remission.value} remission {_SRC}"]
    else:
        met, because, gaps = _episode(record, table)
        if not met:
            if met is False:
                because.append(f"no ICD-11 depressive episode {_SRC}")
            return CodeResult(because=because), gaps
        status, why, more = _status(record, table)
        because += why
        gaps += more
    if course.course is None:
        options = " or ".join(
            f"{table.code_for(c, status).code} ({c})" for c in ("single", "recurrent")
        )
        because.append(f"course undecided: {options} {_SRC}")
        return CodeResult(because=because), gaps
    row = table.code_for(course.course, status)
    if manic is None or cause is None:
        because.append(
            "manic/hypomanic/mixed history or substance/medical cause not recorded: once they "
            f"are excluded the code would be {row.code} {row.title} {_SRC}"
        )
        return CodeResult(because=because), gaps
    if course.course == "recurrent":
        because.append(
            "recurrence from the shared 2-month interval; ICD-11 asks for several months "
            f"without significant mood disturbance between episodes {_SRC}"
        )
    because.append(f"{row.code} {row.title} [{row.confidence}] {_SRC}")
    return CodeResult(code=row.code, title=row.title, because=because), gaps
