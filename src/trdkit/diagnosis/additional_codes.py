"""ICD-10-CM codes recorded beside the MDD code (``mdd.additional_codes``).

Which record fact adds which code is data (``related_codes.yaml``, ``trigger``): catatonia ->
F06.1, current suicidal thoughts -> R45.851, a prior suicide attempt -> Z91.51, depressed mood
for the persistent-depressive-disorder duration -> F34.1 (double depression when an MDE is also
present). Only the PDD duration is checked; its other criteria remain a clinical judgement.

References
----------
American Psychiatric Association. DSM-5-TR. Washington, DC: APA Publishing; 2022. Catatonia
associated with another mental disorder; persistent depressive disorder; suicidal behaviour codes.
CMS/NCHS. ICD-10-CM Tabular List, FY2026.
Keller MB, Shapiro RW. "Double depression". Am J Psychiatry. 1982;139(4):438-442.
"""

from __future__ import annotations

from trdkit.diagnosis.course import current_onset
from trdkit.diagnosis.dsm5 import is_minor
from trdkit.diagnosis.result import AdditionalCode, MdeResult
from trdkit.knowledge.diagnosis_criteria import load_dsm5_criteria
from trdkit.knowledge.diagnosis_tables import RelatedCode, load_related_codes
from trdkit.record.models import PatientRecord

__all__ = ["additional_codes"]


def _add(code: RelatedCode, why: str) -> tuple[AdditionalCode, str]:
    return (
        AdditionalCode(code=code.code, display=code.display),
        f"{code.code} {code.display}: {why} (DSM-5-TR; ICD-10-CM 2026)",
    )


def _pdd(
    record: PatientRecord, mde: MdeResult
) -> tuple[AdditionalCode | None, list[str], list[str]]:
    years = record.history.chronic_depressed_mood_years
    code = load_related_codes().by_trigger("chronic_depressed_mood")
    assert code.duration_years is not None  # checked by the loader
    adult, youth = code.duration_years.adult, code.duration_years.under_18
    under = load_dsm5_criteria().youth.under_age
    why: list[str] = []
    if is_minor(record):
        why.append(
            f"age {record.age} < {under}: persistent depressive disorder needs {youth:g} "
            f"year(s) of depressed or irritable mood instead of {adult:g} (DSM-5-TR)"
        )
    if years is None:
        return None, why, []
    if record.age is None and youth <= years < adult:
        gap = (
            f"persistent depressive disorder: {years:g} years of depressed mood meets the "
            f"{youth:g}-year threshold under age {under} but not the adult {adult:g} years; "
            "age not recorded"
        )
        return None, [*why, f"{gap} (DSM-5-TR)"], [gap]
    need = youth if is_minor(record) else adult
    if years < need:
        return None, why, []
    double = " with a current MDE: double depression (Keller & Shapiro 1982);" if mde.met else ""
    added, reason = _add(
        code,
        f"depressed mood for {years:g} years >= {need:g}{double} duration criterion only, the "
        "other criteria need clinical confirmation",
    )
    return added, [*why, reason], []


def additional_codes(
    record: PatientRecord, mde: MdeResult
) -> tuple[list[AdditionalCode], list[str], list[str]]:
    """Return the additional codes, the reasons and the gaps.

    Parameters
    ----------
    record
        The patient record.
    mde
        The current episode's MDE result (double depression needs a current MDE).

    Returns
    -------
    codes, because, undecided
    """
    table = load_related_codes()
    episode = record.current_episode
    codes: list[AdditionalCode] = []
    because: list[str] = []
    if episode is not None and episode.catatonia:
        added, why = _add(table.by_trigger("catatonia"), "catatonia in the current episode")
        codes.append(added)
        because.append(why)
    if record.symptoms.suicidal_thoughts:
        added, why = _add(table.by_trigger("suicidal_thoughts"), "suicidal thoughts recorded")
        codes.append(added)
        because.append(why)
    attempts = sorted(record.history.suicide_attempts or [])
    if attempts:
        added, why = _add(
            table.by_trigger("suicide_attempt_history"),
            f"{len(attempts)} prior suicide attempt(s), latest {attempts[-1]}",
        )
        codes.append(added)
        because.append(why)
        onset, _ = current_onset(record)
        if onset is not None and attempts[-1] >= onset:
            because.append(
                f"the attempt on {attempts[-1]} falls in the current episode: T14.91XA/XD apply "
                "when it belongs to this encounter, which the record does not say, so none is "
                "added (DSM-5-TR; ICD-10-CM 2026)"
            )
    pdd, why_pdd, gaps = _pdd(record, mde)
    if pdd is not None:
        codes.append(pdd)
    because.extend(why_pdd)
    return codes, because, gaps
