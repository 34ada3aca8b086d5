"""TRD status: every branch of the contract's order of precedence, and the counts."""

from __future__ import annotations

from typing import Any

from trdkit.diagnosis import diagnose
from trdkit.knowledge.policies import PolicyDefinition, load_policy_table
from trdkit.record import validate_record
from trdkit.resistance import TrdResult, TrdStatus, Verdict, judge_trials, trd_status

POLICIES = load_policy_table().policies
EMA = POLICIES["ema_2013"]

_SYMPTOMS = {
    "depressed_mood": True,
    "anhedonia": True,
    "appetite_or_weight_change": True,
    "sleep_disturbance": True,
    "psychomotor_change": False,
    "fatigue": True,
    "worthlessness_or_guilt": True,
    "poor_concentration": True,
    "suicidal_thoughts": False,
}


def _episode(**changes: Any) -> dict[str, Any]:
    return {
        "onset": "2025-01-01",
        "symptoms": dict(_SYMPTOMS),
        "functional_impairment": True,
        "due_to_substance_or_medical_condition": False,
        **changes,
    }


def _history(**changes: Any) -> dict[str, Any]:
    return {
        "manic_or_hypomanic_episode": False,
        "schizophrenia_spectrum_disorder": False,
        **changes,
    }


def _fail(drug: str = "sertraline", **fields: Any) -> dict[str, Any]:
    trial: dict[str, Any] = {
        "drug": drug,
        "dose_mg_per_day": 200,
        "weeks_at_dose": 8,
        "adherence": "good",
        "outcome": "no_response",
    }
    trial.update(fields)
    return {k: v for k, v in trial.items() if v is not None}


def _status(*trials: dict[str, Any], policy: PolicyDefinition = EMA, **extra: Any) -> TrdResult:
    data: dict[str, Any] = {
        "id": "status",
        "assessed_on": "2026-06-30",
        "age": 45,
        "current_episode": _episode(),
        "history": _history(),
        "treatments": list(trials),
        **extra,
    }
    record = validate_record(data)
    return trd_status(record, diagnose(record), judge_trials(record, policy), policy)


# ---------------------------------------------------------------- not_applicable


def test_trd_status__under_18_is_not_applicable() -> None:
    result = _status(_fail(), _fail("citalopram", dose_mg_per_day=40), age=16)
    assert result.status is TrdStatus.not_applicable
    assert "age 16 < 18" in result.because[0]
    assert len(result.trials) == 2  # the trials are still shown


def test_trd_status__bipolar_is_not_applicable() -> None:
    result = _status(_fail(), history=_history(manic_or_hypomanic_episode=True))
    assert result.status is TrdStatus.not_applicable
    assert "criterion E" in result.because[0]


def test_trd_status__schizophrenia_spectrum_is_not_applicable() -> None:
    result = _status(_fail(), history=_history(schizophrenia_spectrum_disorder=True))
    assert result.status is TrdStatus.not_applicable
    assert "criterion D" in result.because[0]


def test_trd_status__no_mde_ever_is_not_applicable() -> None:
    few = dict.fromkeys(_SYMPTOMS, False) | {"depressed_mood": True}
    result = _status(_fail(), current_episode=_episode(symptoms=few))
    assert result.status is TrdStatus.not_applicable
    assert "no major depressive episode" in result.because[0]


def test_trd_status__undecided_mdd_proceeds_and_says_so() -> None:
    history = {"schizophrenia_spectrum_disorder": False}
    result = _status(_fail(), _fail("citalopram", dose_mg_per_day=40), history=history)
    assert result.status is TrdStatus.trd
    assert result.because[0].startswith("MDD undecided (")
    assert "criterion E not recorded" in result.because[0]


def test_trd_status__unknown_age_proceeds_and_says_so() -> None:
    result = _status(_fail(), age="unknown")
    assert result.status is not TrdStatus.not_applicable
    assert any("age not recorded" in b for b in result.because)


# ---------------------------------------------------------------- insufficient_data


def test_trd_status__no_trials_is_insufficient_data() -> None:
    result = _status()
    assert result.status is TrdStatus.insufficient_data
    assert result.missing == ["no treatment trial recorded in the current episode"]


def test_trd_status__only_pending_outcomes_is_insufficient_data() -> None:
    result = _status(_fail(outcome="ongoing"), _fail("citalopram", outcome="unknown"))
    assert result.status is TrdStatus.insufficient_data
    assert result.missing == [
        "outcome of trials[0] (sertraline): ongoing",
        "outcome of trials[1] (citalopram): not recorded",
    ]


def test_trd_status__prior_episode_trials_leave_data_insufficient() -> None:
    result = _status(_fail(episode="prior"), _fail("citalopram", start="2023-01-01"))
    assert result.status is TrdStatus.insufficient_data
    assert result.adequate_failed_trials == 0


def test_trd_status__undecided_adequacy_that_could_tip_is_insufficient_data() -> None:
    result = _status(_fail(), _fail("citalopram", dose_mg_per_day=None))
    assert result.status is TrdStatus.insufficient_data
    assert result.missing == ["trials[1] (citalopram): dose_mg_per_day"]
    assert result.adequate_failed_trials == 1 and result.naive_failed_trials == 2


# ---------------------------------------------------------------- trd, pseudo_resistant, not_trd


def test_trd_status__two_adequate_failures_is_trd() -> None:
    result = _status(_fail(), _fail("venlafaxine", dose_mg_per_day=225))
    assert result.status is TrdStatus.trd
    assert result.adequate_failed_trials == 2 and result.naive_failed_trials == 2
    assert result.definition == "ema_2013"
    assert "2 adequate failed trials in the current episode >= 2 required" in result.because[-1]
    assert result.stages.thase_rush is None and result.stages.breakdown == {}


def test_trd_status__augmentation_counts_as_a_trial() -> None:
    add_on = _fail("aripiprazole", role="augmentation", dose_mg_per_day=5)
    add_on["with"] = ["sertraline"]
    assert _status(_fail(), add_on).status is TrdStatus.trd


def test_trd_status__naive_count_without_adequate_failures_is_pseudo_resistant() -> None:
    result = _status(
        _fail(dose_mg_per_day=25),
        _fail("citalopram", weeks_at_dose=3),
        _fail("duloxetine", adherence="poor"),
    )
    assert result.status is TrdStatus.pseudo_resistant
    assert result.adequate_failed_trials == 0 and result.naive_failed_trials == 3
    assert "inadequate_dose" in result.because[-1]


def test_trd_status__one_failure_is_not_trd() -> None:
    result = _status(_fail(), _fail("citalopram", outcome="remission"))
    assert result.status is TrdStatus.not_trd
    assert result.adequate_failed_trials == 1


def test_trd_status__intolerance_does_not_make_trd() -> None:
    result = _status(_fail(), _fail("citalopram", outcome="intolerance"))
    assert result.status is TrdStatus.not_trd
    assert result.naive_failed_trials == 1


def test_trd_status__prior_episode_failures_do_not_count() -> None:
    result = _status(_fail(), _fail("citalopram", episode="prior"))
    assert result.status is TrdStatus.not_trd
    assert result.trials[1].verdict is Verdict.prior_episode


def test_trd_status__different_mechanism_needs_distinct_classes() -> None:
    two_ssris = (_fail(), _fail("citalopram", dose_mg_per_day=40))
    assert _status(*two_ssris).status is TrdStatus.trd
    strict = _status(*two_ssris, policy=POLICIES["different_mechanism"])
    assert strict.status is TrdStatus.not_trd
    assert strict.adequate_failed_trials == 2  # trials, not classes
    assert "distinct classes" in strict.because[-1]
    mixed = _status(_fail(), _fail("venlafaxine", dose_mg_per_day=225))
    assert mixed.status is TrdStatus.trd


def test_trd_status__every_result_has_reasons() -> None:
    for result in (_status(), _status(_fail()), _status(_fail(), age=12)):
        assert result.because and all(isinstance(b, str) and b for b in result.because)
