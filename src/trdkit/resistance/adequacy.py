"""Judging each treatment trial: episode, outcome, adequacy, and whether it counts as a failure.

A trial is a failure for the TRD definition only when it belongs to the current episode, is of a
kind the policy counts, had a failed outcome (no or partial response below the policy's
improvement cut-off) and was adequate in dose, duration and adherence. Each shortfall is named in
``because``; the single ``verdict`` follows a fixed precedence for a failed-outcome trial:
``prior_episode`` > ``not_counted`` > ``inadequate_adherence`` > ``early_stop`` >
``inadequate_dose`` > ``inadequate_duration`` > ``adequacy_undecided`` > ``adequate_failure``.
Adherence comes first because a trial not taken says nothing about dose or duration; an early stop
comes before dose because a trial stopped in its first weeks never reached a test of its dose.

Decisions recorded here (each is also stated in the trial's reasons):

* Esketamine and ketamine are rapid-acting treatments given once TRD is established; they are not
  counted among the antidepressant trials that define TRD. Psychotherapy, light therapy and
  non-antidepressant monotherapy are not counted either.
* A clinician's ``response`` is kept; only ``no_response``/``partial_response`` are re-read
  against ``policy.response_below_pct``: an improvement at or above it is not a non-response.
* ``naive_failure`` is a failed outcome in the current episode of a kind the policy counts,
  adequacy aside (so a failed psychotherapy never makes a patient look pseudo-resistant).

References
----------
Sforzini L, et al. A Delphi-method-based consensus guideline for definition of TRD for clinical
trials. Mol Psychiatry. 2022;27:1286-1299.
Chandler GM, et al. Validation of the MGH ATRQ. CNS Neurosci Ther. 2010;16:322-325.
Desseilles M, et al. Personalizing depression treatment: 2 clinical tools. Current Psychiatry.
2012;11(3).
McIntyre RS, et al. Treatment-resistant depression. World Psychiatry. 2023;22:394-412.
"""

from __future__ import annotations

import datetime as dt

from trdkit._trusted import trusted
from trdkit.knowledge.drug_doses import DrugDoseTable, load_drug_doses
from trdkit.knowledge.drugs import DrugKind, load_drug_catalogue
from trdkit.knowledge.policies import PolicyDefinition
from trdkit.record.models import PatientRecord
from trdkit.record.treatment_models import Treatment
from trdkit.record.vocab import Episode, Outcome, Procedure, Role
from trdkit.resistance.model import TrialCategory, TrialVerdict, Verdict
from trdkit.resistance.trial_checks import check_adequacy, fmt_number

__all__ = ["episode_onset", "judge_trials"]

_RECORD = "patient-record.md"
_DAYS_PER_MONTH = 365.25 / 12
_PROCEDURE_CATEGORY = {
    Procedure.ect: TrialCategory.neuromodulation,
    Procedure.rtms: TrialCategory.neuromodulation,
    Procedure.itbs: TrialCategory.neuromodulation,
    Procedure.vns: TrialCategory.neuromodulation,
    Procedure.dbs: TrialCategory.neuromodulation,
    Procedure.esketamine: TrialCategory.rapid_acting,
    Procedure.ketamine_iv: TrialCategory.rapid_acting,
    Procedure.psychotherapy_cbt: TrialCategory.psychotherapy,
    Procedure.psychotherapy_other: TrialCategory.psychotherapy,
    Procedure.light_therapy: TrialCategory.other,
}
_SHORTFALL_ORDER = (
    Verdict.inadequate_adherence,
    Verdict.early_stop,
    Verdict.inadequate_dose,
    Verdict.inadequate_duration,
)
_NOT_FAILED = {
    Outcome.remission: (Verdict.response, "remission: not a failure"),
    Outcome.response: (Verdict.response, "response: not a failure"),
    Outcome.response_lost: (
        Verdict.response_lost,
        "response, then loss of response (tachyphylaxis): not a failure (Desseilles 2012)",
    ),
    Outcome.intolerance: (
        Verdict.intolerance,
        "stopped for intolerance: intolerance is not resistance (Sforzini 2022)",
    ),
    Outcome.ongoing: (Verdict.ongoing, "ongoing: judged once its outcome is known"),
    Outcome.unknown: (Verdict.outcome_unknown, "outcome not recorded"),
}


def episode_onset(record: PatientRecord) -> dt.date | None:
    """Onset of the current episode: its ``onset``, else ``assessed_on`` minus its duration.

    Parameters
    ----------
    record
        The patient record.

    Returns
    -------
    datetime.date or None
        ``None`` when the record gives neither.
    """
    episode = record.current_episode
    if episode is None:
        return None
    if episode.onset is not None:
        return episode.onset
    if episode.duration_months is None:
        return None
    return record.assessed_on - dt.timedelta(days=round(episode.duration_months * _DAYS_PER_MONTH))


def _category(trial: Treatment, doses: DrugDoseTable) -> tuple[TrialCategory, str | None]:
    if trial.procedure is not None:
        return _PROCEDURE_CATEGORY[trial.procedure], None
    drug = load_drug_catalogue().drugs.get(trial.name)
    drug_class = drug.drug_class.value if drug is not None else None
    if trial.role is Role.augmentation:
        return TrialCategory.augmentation, drug_class
    if trial.role is Role.combination:
        return TrialCategory.combination, drug_class
    is_ad = drug is not None and drug.kind is DrugKind.ANTIDEPRESSANT
    if is_ad or trial.name in doses.antidepressants:
        return TrialCategory.antidepressant, drug_class
    return TrialCategory.other, drug_class


def _counting(category: TrialCategory, policy: PolicyDefinition) -> tuple[bool, str | None]:
    pid = f"policy {policy.id}"
    if category is TrialCategory.antidepressant:
        return True, None
    switch = {
        TrialCategory.augmentation: (policy.count_augmentation, "Sforzini 2022; MGH-ATRQ usage"),
        TrialCategory.combination: (policy.count_combination, "Sforzini 2022; MGH-ATRQ usage"),
        TrialCategory.neuromodulation: (
            policy.count_neuromodulation,
            "Sforzini 2022: ECT may count as one of the failed treatments",
        ),
    }
    if category in switch:
        counted, why = switch[category]
        verb = "count" if counted else "do not count"
        return counted, f"{category.value} trials {verb} under {pid} ({why})"
    if category is TrialCategory.rapid_acting:
        return False, (
            "rapid-acting treatment (esketamine/ketamine): not one of the antidepressant trials "
            "that define TRD, as it is given once TRD is established (trdkit rule; US label)"
        )
    if category is TrialCategory.psychotherapy:
        return (
            False,
            "psychotherapy: not counted; TRD definitions count antidepressant trials (EMA 2013)",
        )
    return False, "not an antidepressant trial: not counted toward the TRD definition (EMA 2013)"


def _episode(trial: Treatment, onset: dt.date | None) -> tuple[Episode, str | None]:
    if trial.episode is Episode.prior:
        return (
            Episode.prior,
            f"recorded as a prior-episode trial: informs history, not TRD counting ({_RECORD})",
        )
    if trial.start is not None and onset is not None and trial.start < onset:
        return Episode.prior, (
            f"started {trial.start}, before the current episode's onset {onset}: prior episode, "
            f"not counted ({_RECORD})"
        )
    return Episode.current, None


def _outcome(trial: Treatment, policy: PolicyDefinition) -> tuple[bool, Verdict | None, str]:
    if trial.outcome in _NOT_FAILED:
        verdict, why = _NOT_FAILED[trial.outcome]
        return False, verdict, why
    label = trial.outcome.value.replace("_", " ")
    cut, pct = policy.response_below_pct, trial.improvement_pct
    if pct is None:
        return True, None, f"{label}: a failed outcome (improvement not recorded)"
    pct_text, cut_text = fmt_number(pct), fmt_number(cut)
    if pct >= cut:
        why = (
            f"{label} with {pct_text}% improvement >= {cut_text}%: not a non-response under "
            f"policy {policy.id} (non-response is < {cut_text}% improvement)"
        )
        return False, Verdict.response, why
    why = f"{label}, {pct_text}% improvement < {cut_text}%: a non-response under policy {policy.id}"
    return True, None, why


def _judge(
    record: PatientRecord,
    index: int,
    trial: Treatment,
    onset: dt.date | None,
    policy: PolicyDefinition,
    doses: DrugDoseTable,
) -> TrialVerdict:
    category, drug_class = _category(trial, doses)
    episode, why_episode = _episode(trial, onset)
    counted, why_counted = _counting(category, policy)
    failed, outcome_verdict, why_outcome = _outcome(trial, policy)
    adq = check_adequacy(record, trial, category, policy, doses)
    shortfalls = [v for v in _SHORTFALL_ORDER if v in adq.shortfalls]
    if episode is Episode.prior:
        verdict = Verdict.prior_episode
    elif outcome_verdict is not None:
        verdict = outcome_verdict
    elif not counted:
        verdict = Verdict.not_counted
    elif shortfalls:
        verdict = shortfalls[0]
    else:
        verdict = Verdict.adequacy_undecided if adq.missing else Verdict.adequate_failure
    because = [r for r in (why_episode, why_counted, why_outcome) if r is not None]
    because.extend(adq.reasons)
    if failed and len(shortfalls) > 1:
        names = ", ".join(v.value.replace("_", " ") for v in shortfalls)
        because.append(f"shortfalls: {names} (verdict shows the first by precedence)")
    if verdict is Verdict.adequacy_undecided:
        because.append(f"adequacy undecided, missing: {'; '.join(adq.missing)}")
    if verdict is Verdict.adequate_failure and policy.require_different_mechanism:
        because.append(
            f"counts toward policy {policy.id} only if its class ({drug_class or trial.name}) "
            "differs from the earlier counted failures (Thase-Rush 1997; Souery 1999)"
        )
    # Every value is a validated record/knowledge field or computed here with the field's type.
    return trusted(
        TrialVerdict,
        index=index,
        treatment=trial.name,
        category=category,
        drug_class=drug_class,
        role=trial.role,
        episode=episode,
        outcome=trial.outcome,
        start=None if trial.start is None else trial.start.isoformat(),
        end=None if trial.end is None else trial.end.isoformat(),
        dose_mg_per_day=trial.dose_mg_per_day,
        min_dose_mg_per_day=adq.min_dose,
        weeks=trial.duration_weeks(),
        min_weeks=adq.min_weeks,
        improvement_pct=trial.improvement_pct,
        optimised=trial.optimised,
        adequate=adq.adequate,
        failed_outcome=failed,
        naive_failure=failed and counted and episode is Episode.current,
        counts_as_failure=verdict is Verdict.adequate_failure,
        verdict=verdict,
        because=because,
        missing=adq.missing,
    )


def judge_trials(record: PatientRecord, policy: PolicyDefinition) -> list[TrialVerdict]:
    """Judge every treatment trial of the record under a TRD policy.

    Parameters
    ----------
    record
        The validated patient record.
    policy
        The TRD policy: dose table, minimum weeks, improvement cut-off and counting rules.

    Returns
    -------
    list of TrialVerdict
        One verdict per ``record.treatments`` entry, in the same order (``index`` = position).

    References
    ----------
    Sforzini L, et al. Mol Psychiatry. 2022;27:1286-1299 (early stop, intolerance, <25%).
    Chandler GM, et al. CNS Neurosci Ther. 2010;16:322-325 (MGH-ATRQ adequacy).
    """
    doses = load_drug_doses()
    onset = episode_onset(record)
    return [
        _judge(record, i, trial, onset, policy, doses) for i, trial in enumerate(record.treatments)
    ]
