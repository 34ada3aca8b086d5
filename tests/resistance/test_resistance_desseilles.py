"""The published MGH-ATRQ worked example (Desseilles et al., 2012, Current Psychiatry 11(3)).

A 45-year-old in a current episode of several years had five trials. The published ATRQ verdicts:
sertraline 100 mg for about 3 months with no improvement - adequate, failed; citalopram 20 mg for
about a month - too short; venlafaxine 75 mg for 7 weeks with 30% improvement - dose too low;
duloxetine up to 90 mg for about 2 years, an 80% improvement later lost - a response followed by
tachyphylaxis, not a failure; aripiprazole 10 mg added to duloxetine for about 4 weeks without
response - failed. Two adequate failures: TRD under a ">= 2 failures" definition.
"""

from __future__ import annotations

from typing import Any

import pytest

from trdkit.diagnosis import diagnose
from trdkit.knowledge.policies import load_policy_table
from trdkit.record import validate_record
from trdkit.record.models import PatientRecord
from trdkit.resistance import TrdStatus, Verdict, judge_trials, trd_status

POLICIES = load_policy_table().policies
MGH_ATRQ = POLICIES["mgh_atrq"]

_SYMPTOMS = dict.fromkeys(
    [
        "depressed_mood",
        "anhedonia",
        "sleep_disturbance",
        "fatigue",
        "worthlessness_or_guilt",
        "poor_concentration",
    ],
    True,
)


def _desseilles() -> PatientRecord:
    trials: list[dict[str, Any]] = [
        {"drug": "sertraline", "dose_mg_per_day": 100, "weeks_at_dose": 13,
         "outcome": "no_response", "improvement_pct": 0},
        {"drug": "citalopram", "dose_mg_per_day": 20, "weeks_at_dose": 4,
         "outcome": "no_response", "improvement_pct": 0},
        {"drug": "venlafaxine", "dose_mg_per_day": 75, "weeks_at_dose": 7,
         "outcome": "partial_response", "improvement_pct": 30},
        {"drug": "duloxetine", "dose_mg_per_day": 90, "weeks_at_dose": 104,
         "outcome": "response_lost"},
        {"drug": "aripiprazole", "role": "augmentation", "with": ["duloxetine"],
         "dose_mg_per_day": 10, "weeks_at_dose": 4, "outcome": "no_response"},
    ]  # fmt: skip
    return validate_record(
        {
            "id": "desseilles-2012",
            "assessed_on": "2012-03-01",
            "age": 45,
            "current_episode": {
                "duration_months": 48,
                "symptoms": _SYMPTOMS,
                "functional_impairment": True,
                "due_to_substance_or_medical_condition": False,
            },
            "history": {
                "manic_or_hypomanic_episode": False,
                "schizophrenia_spectrum_disorder": False,
            },
            "treatments": trials,
        }
    )


def test_desseilles__published_verdict_for_each_trial() -> None:
    verdicts = judge_trials(_desseilles(), MGH_ATRQ)
    assert [v.verdict for v in verdicts] == [
        Verdict.adequate_failure,
        Verdict.inadequate_duration,
        Verdict.inadequate_dose,
        Verdict.response_lost,
        Verdict.adequate_failure,
    ]
    assert [v.counts_as_failure for v in verdicts] == [True, False, False, False, True]


@pytest.mark.parametrize(
    ("index", "reason"),
    [
        (0, "100 mg/day >= 50 mg minimum (MGH-ATRQ [U])"),
        (1, "4 weeks < 6 weeks minimum (policy mgh_atrq): inadequate duration"),
        (2, "75 mg/day < 150 mg minimum (MGH-ATRQ [V]): inadequate dose"),
        (3, "response, then loss of response (tachyphylaxis): not a failure (Desseilles 2012)"),
        (4, "4 weeks >= 4 weeks add-on minimum (policy mgh_atrq)"),
    ],
)
def test_desseilles__reasons_name_rule_and_source(index: int, reason: str) -> None:
    assert reason in judge_trials(_desseilles(), MGH_ATRQ)[index].because


def test_desseilles__two_adequate_failures_make_trd() -> None:
    record = _desseilles()
    diagnosis = diagnose(record)
    assert diagnosis.mdd.met is True
    result = trd_status(record, diagnosis, judge_trials(record, MGH_ATRQ), MGH_ATRQ)
    assert result.status is TrdStatus.trd
    assert result.adequate_failed_trials == 2
    assert result.naive_failed_trials == 4
    assert len(result.trials) == 5
    assert result.definition == "mgh_atrq"


def test_desseilles__four_week_add_on_not_adequate_under_ema() -> None:
    # The ~4-week add-on rule is uncertain [U]; EMA 2013 here asks 6 weeks, so the example is
    # then pseudo-resistant: the configurable setting decides.
    record = _desseilles()
    ema = POLICIES["ema_2013"]
    verdicts = judge_trials(record, ema)
    assert verdicts[4].verdict is Verdict.inadequate_duration
    result = trd_status(record, diagnose(record), verdicts, ema)
    assert result.status is TrdStatus.pseudo_resistant
