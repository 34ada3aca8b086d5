"""The false-TRD screen: flags that say the resistance may not be what it seems.

Run beside the TRD status, following the pseudo-resistance checklist of CANMAT 2023 Table 7.1
(and McIntyre 2023): a missed bipolar course (``bipolarity.py``), a chronic course (persistent
depressive disorder, double depression), comorbid anxiety, trials that were too low, too short
or not taken, and trials that ended for side effects. The trial flags read the verdicts of the
adequacy rules; they never judge adequacy again.

References
----------
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69(9):641-687, Table 7.1.
McIntyre RS, et al. Treatment-resistant depression. World Psychiatry. 2023;22(3):394-412.
Sforzini L, et al. Delphi consensus definition of TRD. Mol Psychiatry. 2022;27(3):1286-1299.
American Psychiatric Association. DSM-5-TR. 2022. Persistent depressive disorder; specifiers.
Keller MB, Shapiro RW. "Double depression". Am J Psychiatry. 1982;139(4):438-442.
Spitzer RL, et al. The GAD-7. Arch Intern Med. 2006;166(10):1092-1097.
"""

from __future__ import annotations

from collections.abc import Sequence

from trdkit.diagnosis.dsm5 import evaluate_mde, is_minor
from trdkit.flags.model import Flag, FlagId, make_flag
from trdkit.knowledge.diagnosis_criteria import load_dsm5_criteria
from trdkit.knowledge.diagnosis_tables import load_related_codes
from trdkit.knowledge.flags import load_flag_table
from trdkit.record import PatientRecord
from trdkit.record.vocab import Adherence, Episode, Instrument
from trdkit.resistance.bipolarity import bipolarity_flag
from trdkit.resistance.model import TrialVerdict, Verdict
from trdkit.scales import ScaleResult

__all__ = [
    "anxiety_flag",
    "pdd_flag",
    "pseudo_resistance_flags",
    "screen_flags",
]

_CHECKLIST = "CANMAT 2023 Table 7.1"
_POOR_ADHERENCE = (Adherence.partial, Adherence.poor)


def _num(value: float | None, unit: str) -> str:
    return "not recorded" if value is None else f"{value:g} {unit}"


def _trial(v: TrialVerdict) -> str:
    return f"trials[{v.index}] {v.treatment}"


def pdd_flag(record: PatientRecord) -> Flag | None:
    """Raise ``persistent_depressive_disorder`` from the duration of depressed mood.

    Only the duration criterion is checked (``history.chronic_depressed_mood_years``, 2 years, 1
    under 18); the thresholds are the F34.1 row of ``diagnosis/related_codes.yaml``, so the flag
    and the added code agree. With a current MDE the wording is double depression.

    Parameters
    ----------
    record
        The patient record (duration of depressed mood, age, current episode).

    Returns
    -------
    Flag or None
        The warning flag when the duration is met.

    References
    ----------
    DSM-5-TR persistent depressive disorder; Keller & Shapiro 1982 (double depression).
    """
    years = record.history.chronic_depressed_mood_years
    duration = load_related_codes().by_trigger("chronic_depressed_mood").duration_years
    if years is None or duration is None:
        return None
    minor = is_minor(record)
    need = duration.under_18 if minor else duration.adult
    # Age unknown: only the adult duration is certain to apply.
    if years < need or (record.age is None and years < duration.adult):
        return None
    under = load_dsm5_criteria().youth.under_age
    youth = f" (age {record.age} < {under}: the youth duration applies)" if minor else ""
    because = [
        f"depressed mood for {years:g} years >= {need:g} years{youth}: persistent depressive "
        "disorder by duration; the other criteria (two associated symptoms, never free of "
        "symptoms for more than 2 months) need clinical confirmation (DSM-5-TR)"
    ]
    mde, _ = evaluate_mde(record)
    if mde.met:
        because.append(
            "a current major depressive episode on top of it: double depression "
            "(Keller & Shapiro 1982; DSM-5-TR)"
        )
    elif mde.met is None and record.current_episode is not None:
        because.append(
            "if the current episode meets the MDE criteria (undecided), this is double "
            "depression (Keller & Shapiro 1982)"
        )
    because.append(
        f"a chronic course is a cause of apparent resistance; treat it as such ({_CHECKLIST})"
    )
    return make_flag(FlagId.persistent_depressive_disorder, because)


def anxiety_flag(record: PatientRecord, scales: Sequence[ScaleResult]) -> Flag | None:
    """Raise ``comorbid_anxiety`` from comorbidities, GAD-7 totals and the episode specifiers.

    The comorbidities, the GAD-7 cut-point and the specifiers are ``flags.yaml`` settings.

    Parameters
    ----------
    record
        The patient record (comorbidities, current-episode specifiers).
    scales
        Scored scale results (every GAD-7 administration is read).

    Returns
    -------
    Flag or None
        The info flag naming each piece of evidence.

    References
    ----------
    CANMAT 2023 Table 7.1 (comorbid anxiety and PTSD in apparent TRD); Spitzer 2006 (GAD-7
    cut-point 10); DSM-5-TR anxious-distress specifier.
    """
    settings = load_flag_table().settings
    because = [
        f"comorbidity {c.value} recorded ({_CHECKLIST})"
        for c in record.history.comorbidities
        if c.value in settings.anxiety_comorbidities
    ]
    cut = settings.gad7_anxiety_min_total
    for res in scales:
        if res.instrument is not Instrument.gad7:
            continue
        if res.total is not None and res.total >= cut:
            because.append(f"GAD-7 {res.total} >= {cut} on {res.date} (Spitzer 2006)")
        elif res.positive:
            because.append(f"GAD-7 screen positive on {res.date} (Spitzer 2006)")
    episode = record.current_episode
    for spec in episode.specifiers if episode else []:
        if spec.value in settings.anxiety_specifiers:
            because.append(
                f"current episode with the {spec.value.replace('_', ' ')} specifier "
                "(DSM-5-TR; counted here by a local rule [U], see flags.yaml)"
            )
    return make_flag(FlagId.comorbid_anxiety, because) if because else None


def _dose(verdicts: Sequence[TrialVerdict]) -> list[str]:
    return [
        f"{_trial(v)}: {_num(v.dose_mg_per_day, 'mg/day')} < "
        f"{_num(v.min_dose_mg_per_day, 'mg/day')} minimum adequate dose of the policy's dose "
        f"table; a naive count would call it a failure ({_CHECKLIST})"
        for v in verdicts
        if v.naive_failure and v.verdict is Verdict.inadequate_dose
    ]


def _duration(verdicts: Sequence[TrialVerdict]) -> list[str]:
    reasons = []
    for v in verdicts:
        if v.verdict is Verdict.inadequate_duration:
            reasons.append(
                f"{_trial(v)}: {_num(v.weeks, 'weeks')} < {_num(v.min_weeks, 'weeks')} minimum "
                f"of the policy ({_CHECKLIST})"
            )
        elif v.verdict is Verdict.early_stop:
            reasons.append(
                f"{_trial(v)}: stopped early ({_num(v.weeks, 'weeks')}) without evidence of "
                "non-response: not a failed trial (Sforzini 2022)"
            )
    return reasons


def _adherence(record: PatientRecord, verdicts: Sequence[TrialVerdict]) -> list[str]:
    reasons = []
    for v in verdicts:
        trial = record.treatments[v.index] if v.index < len(record.treatments) else None
        adherence = trial.adherence if trial is not None else None
        taken = f"adherence {adherence.value}" if adherence else "adherence not confirmed"
        if v.verdict is Verdict.inadequate_adherence:
            reasons.append(
                f"{_trial(v)}: {taken}: not an adequate trial (McIntyre 2023; {_CHECKLIST})"
            )
        elif v.failed_outcome and v.episode is Episode.current and adherence in _POOR_ADHERENCE:
            reasons.append(
                f"{_trial(v)}: failed with {taken}: the failure may reflect doses not taken "
                f"(McIntyre 2023; {_CHECKLIST})"
            )
    return reasons


def _intolerance(verdicts: Sequence[TrialVerdict]) -> list[str]:
    return [
        f"{_trial(v)}: stopped for side effects after {_num(v.weeks, 'weeks')}: intolerance, "
        f"not resistance; not counted as a failure (Sforzini 2022; {_CHECKLIST})"
        for v in verdicts
        if v.verdict is Verdict.intolerance
    ]


def pseudo_resistance_flags(record: PatientRecord, verdicts: Sequence[TrialVerdict]) -> list[Flag]:
    """Raise the pseudo-resistance and intolerance flags from the trial verdicts.

    Parameters
    ----------
    record
        The patient record (a trial's adherence is read from its treatment).
    verdicts
        The adequacy rules' verdict for each trial.

    Returns
    -------
    list of Flag
        ``pseudo_resistance_dose``, ``pseudo_resistance_duration``,
        ``pseudo_resistance_adherence`` and ``intolerance_not_resistance``, each when any trial
        gives a reason; every reason names the trial.

    References
    ----------
    CANMAT 2023 Table 7.1; McIntyre 2023; Sforzini 2022 (intolerance and early stops are not
    failures).
    """
    found = (
        (FlagId.pseudo_resistance_dose, _dose(verdicts)),
        (FlagId.pseudo_resistance_duration, _duration(verdicts)),
        (FlagId.pseudo_resistance_adherence, _adherence(record, verdicts)),
        (FlagId.intolerance_not_resistance, _intolerance(verdicts)),
    )
    return [make_flag(flag_id, because) for flag_id, because in found if because]


def screen_flags(
    record: PatientRecord, scales: Sequence[ScaleResult], verdicts: Sequence[TrialVerdict]
) -> list[Flag]:
    """Run the false-TRD screen.

    Parameters
    ----------
    record
        The patient record.
    scales
        Scored scale results (MDQ, HCL-32, Bipolarity Index, GAD-7 are read).
    verdicts
        Trial verdicts of the adequacy rules, one per treatment.

    Returns
    -------
    list of Flag
        In order: ``bipolarity_risk``, ``persistent_depressive_disorder``, ``comorbid_anxiety``,
        the pseudo-resistance flags and ``intolerance_not_resistance``; only those raised.
        ``bipolar_disorder`` and ``substance_or_medical_cause`` come from ``flags.clinical``.

    References
    ----------
    CANMAT 2023 Table 7.1 (pseudo-resistance checklist); McIntyre 2023.

    Examples
    --------
    >>> from trdkit.record import validate_record
    >>> rec = validate_record({"id": "x", "assessed_on": "2026-01-01",
    ...                        "history": {"family_history_bipolar": "first_degree"}})
    >>> [f.id.value for f in screen_flags(rec, [], [])]
    ['bipolarity_risk']
    """
    flags = [bipolarity_flag(record, scales, verdicts), pdd_flag(record)]
    flags.append(anxiety_flag(record, scales))
    found = [f for f in flags if f is not None]
    return found + pseudo_resistance_flags(record, verdicts)
