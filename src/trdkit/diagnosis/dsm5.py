"""DSM-5-TR major depressive episode (criteria A-C) and disorder criteria (D, E).

Criterion A is counted from the record's symptoms; B-E are clinician judgements read from record
fields. Unknown fields stay unknown: a criterion is decided only when the unknowns cannot change
it, and each gap is named for the ``undecided`` list. Chart codes inform D and E (their reasons
mention them) but never override the recorded fields (patient-record.md).

References
----------
American Psychiatric Association. Diagnostic and Statistical Manual of Mental Disorders, Fifth
Edition, Text Revision (DSM-5-TR). Washington, DC: APA Publishing; 2022. Major depressive
disorder, criteria A-E.
SAMHSA. Impact of the DSM-IV to DSM-5 Changes on the NSDUH. 2016; Table 3.13 (NBK519704).
"""

from __future__ import annotations

from dataclasses import dataclass

from trdkit.diagnosis._logic import chart_matches, tally, tri_and
from trdkit.diagnosis.result import MdeResult
from trdkit.knowledge.derived import per_table
from trdkit.knowledge.diagnosis_criteria import CriterionA, load_dsm5_criteria
from trdkit.knowledge.diagnosis_tables import load_related_codes
from trdkit.record.models import PatientRecord
from trdkit.record.vocab import Remission

__all__ = ["MddCriteria", "evaluate_mdd_criteria", "evaluate_mde", "is_minor"]

_SRC_A = "(DSM-5-TR MDE criterion A)"


def is_minor(record: PatientRecord) -> bool:
    """Whether the patient is a child or adolescent by the table's youth age."""
    return record.age is not None and record.age < load_dsm5_criteria().youth.under_age


@dataclass(frozen=True)
class _CriterionA:
    met: bool | None
    count: int
    unknown: int
    core: bool | None
    because: list[str]
    undecided: list[str]


@per_table
def _criterion_a_names(rule: CriterionA) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Depends on the table only: computed once per loaded table (knowledge.derived).
    names = tuple(s.record_symptom for s in rule.symptoms)
    return names, tuple(s.record_symptom for s in rule.core_symptoms())


def _criterion_a(record: PatientRecord) -> _CriterionA:
    rule = load_dsm5_criteria().criterion_a
    names, core_names = _criterion_a_names(rule)
    t = tally(record.symptoms, names)
    core = tally(record.symptoms, core_names)
    n, unk = len(t.present), len(t.unknown)
    core_ok: bool | None = (
        True if len(core.present) >= rule.min_core
        else False if len(core.present) + len(core.unknown) < rule.min_core
        else None
    )  # fmt: skip
    count_ok: bool | None = (
        True if n >= rule.min_present else False if n + unk < rule.min_present else None
    )
    met = tri_and(count_ok, core_ok)
    of = len(rule.symptoms)
    because = [f"criterion A: {n} of {of} symptoms present, >={rule.min_present} required {_SRC_A}"]
    if unk:
        effect = "cannot change the result" if met is not None else "leave it undecided"
        because.append(f"criterion A: {t.unknown_text()}; they {effect} {_SRC_A}")
    if core_ok is False:
        because.append(
            "criterion A: neither depressed mood (A1) nor anhedonia (A2) present; one is "
            f"required {_SRC_A}"
        )
    elif core_ok:
        because.append(f"criterion A: core symptom present ({', '.join(core.present)}) {_SRC_A}")
    if is_minor(record):
        because.append(
            f"age {record.age} < {load_dsm5_criteria().youth.under_age}: irritable mood may "
            "count for A1 in children and adolescents; record it as depressed_mood "
            "(DSM-5-TR MDE criterion A1)"
        )
    gap = [f"criterion A: {t.unknown_text()}"]
    return _CriterionA(met, n, unk, core_ok, because, gap if met is None else [])


def _judged(
    value: bool | None, label: str, field: str, holds: str, fails: str
) -> tuple[bool | None, str, list[str]]:
    """A criterion that holds when ``value`` (the criterion's own truth) is true."""
    src = f"(DSM-5-TR MDE {label})"
    if value is None:
        return None, f"{label} not recorded ({field}) {src}", [f"{label} not recorded ({field})"]
    return value, f"{label}: {holds if value else fails} {src}", []


def evaluate_mde(record: PatientRecord) -> tuple[MdeResult, list[str]]:
    """Evaluate the current major depressive episode (DSM-5-TR criteria A-C).

    Parameters
    ----------
    record
        The patient record.

    Returns
    -------
    MdeResult, list of str
        The result and the gaps for ``undecided``.
    """
    episode = record.current_episode
    if episode is None:
        return (
            MdeResult(
                met=None,
                criterion_a_count=0,
                criterion_a_unknown=9,
                core_symptom=None,
                criteria={"A": None, "B": None, "C": None},
                because=["no current episode recorded: MDE criteria A-C not assessed (DSM-5-TR)"],
            ),
            ["current episode not recorded (current_episode)"],
        )
    crit_a = _criterion_a(record)
    impaired = episode.functional_impairment
    b, why_b, gap_b = _judged(
        impaired,
        "criterion B",
        "current_episode.functional_impairment",
        "clinically significant distress or impairment recorded",
        "no clinically significant distress or impairment: not met",
    )
    cause = episode.due_to_substance_or_medical_condition
    c, why_c, gap_c = _judged(
        None if cause is None else not cause,
        "criterion C",
        "current_episode.due_to_substance_or_medical_condition",
        "not attributable to a substance or another medical condition",
        "attributable to a substance or another medical condition: not met",
    )
    met = tri_and(crit_a.met, b, c)
    verdict = {True: "met", False: "not met", None: "undecided"}[met]
    because = [
        *crit_a.because,
        why_b,
        why_c,
        f"MDE criteria A-C {verdict} (DSM-5-TR major depressive episode)",
    ]
    if episode.remission in (Remission.partial, Remission.full) and met:
        because.append(
            f"remission recorded as {episode.remission.value} although criteria A-C are met "
            "now; check the remission status (DSM-5-TR remission specifiers)"
        )
    result = MdeResult(
        met=met,
        criterion_a_count=crit_a.count,
        criterion_a_unknown=crit_a.unknown,
        core_symptom=crit_a.core,
        criteria={"A": crit_a.met, "B": b, "C": c},
        because=because,
    )
    return result, [*crit_a.undecided, *gap_b, *gap_c]


@dataclass(frozen=True)
class MddCriteria:
    """MDD beyond the episode: an MDE ever, criteria D and E, and the verdict."""

    mde_ever: bool | None
    d: bool | None
    e: bool | None
    met: bool | None
    because: tuple[str, ...]
    undecided: tuple[str, ...]


def _mde_ever(record: PatientRecord, mde: MdeResult) -> tuple[bool | None, str]:
    episode = record.current_episode
    priors = len(record.history.prior_episodes)
    if mde.met:
        return True, "a major depressive episode: the current episode meets criteria A-C"
    if priors:
        return True, f"a major depressive episode: {priors} prior episode(s) recorded"
    if episode is not None and episode.remission in (Remission.partial, Remission.full):
        # The remission specifiers describe an episode that met full criteria before.
        return True, (
            f"a major depressive episode: the current episode is recorded in "
            f"{episode.remission.value} remission, so it met MDE criteria earlier"
        )
    if mde.met is False:
        return False, "no major depressive episode, current or recorded in the past"
    return None, "major depressive episode undecided and no prior episode recorded"


def _chart_criterion(
    record: PatientRecord,
    field_value: bool | None,
    *,
    label: str,
    field: str,
    group_id: str,
    holds: str,
    fails: str,
) -> tuple[bool | None, list[str], list[str]]:
    """D or E: holds when the disorder named by ``field`` is recorded absent."""
    group = load_related_codes().group(group_id)
    codes = chart_matches(record.history.diagnoses, group)
    src = f"(DSM-5-TR MDD {label})"
    if field_value is None:
        gap = f"{label} not recorded ({field})"
        if codes:
            gap += f"; chart diagnosis {', '.join(codes)} ({group.display}) suggests it may fail"
        return None, [f"{gap} {src}"], [gap]
    if field_value:
        return False, [f"{label} not met: {fails} {src}"], []
    because = [f"{label}: {holds} {src}"]
    if codes:
        because.append(
            f"{label}: the chart carries {', '.join(codes)} ({group.display}); the recorded "
            f"field {field} is used, chart codes only inform it (patient-record.md)"
        )
    return True, because, []


def evaluate_mdd_criteria(record: PatientRecord, mde: MdeResult) -> MddCriteria:
    """Decide whether MDD is met: an MDE (current or past) and criteria D and E.

    Parameters
    ----------
    record
        The patient record.
    mde
        The current episode's result from :func:`evaluate_mde`.

    Returns
    -------
    MddCriteria
    """
    history = record.history
    ever, why_ever = _mde_ever(record, mde)
    d, why_d, gap_d = _chart_criterion(
        record,
        history.schizophrenia_spectrum_disorder,
        label="criterion D",
        field="history.schizophrenia_spectrum_disorder",
        group_id="schizophrenia_spectrum",
        holds="not better explained by a schizophrenia-spectrum or other psychotic disorder",
        fails="a schizophrenia-spectrum or other psychotic disorder is recorded",
    )
    e, why_e, gap_e = _chart_criterion(
        record,
        history.manic_or_hypomanic_episode,
        label="criterion E",
        field="history.manic_or_hypomanic_episode",
        group_id="bipolar",
        holds="no manic or hypomanic episode recorded",
        fails="a manic or hypomanic episode is recorded (not MDD: consider bipolar disorder)",
    )
    met = tri_and(ever, d, e)
    verdict = {True: "met", False: "not met", None: "undecided"}[met]
    because = (
        f"{why_ever} (DSM-5-TR MDD criterion A-C)",
        *why_d,
        *why_e,
        f"MDD {verdict}: needs an MDE, criterion D and criterion E (DSM-5-TR MDD)",
    )
    return MddCriteria(ever, d, e, met, because, (*gap_d, *gap_e))
