"""False-TRD screen: pseudo-resistance (dose, duration, adherence) and intolerance flags.

Verdicts are built directly here; the adequacy rules that produce them are tested on their own.
"""

from __future__ import annotations

from typing import Any

from trdkit.flags import Flag, FlagId
from trdkit.record import PatientRecord, validate_record
from trdkit.record.vocab import Episode, Outcome
from trdkit.resistance.model import TrialCategory, TrialVerdict, Verdict
from trdkit.resistance.screen import pseudo_resistance_flags, screen_flags


def _verdict(verdict: Verdict, index: int = 0, **fields: Any) -> TrialVerdict:
    failed = verdict not in (Verdict.intolerance, Verdict.response, Verdict.ongoing)
    values: dict[str, Any] = {
        "index": index,
        "treatment": "sertraline",
        "category": TrialCategory.antidepressant,
        "outcome": Outcome.no_response if failed else Outcome.intolerance,
        "adequate": verdict is Verdict.adequate_failure,
        "failed_outcome": failed,
        "naive_failure": failed,
        "counts_as_failure": verdict is Verdict.adequate_failure,
        "verdict": verdict,
        "because": ["built by the test"],
    }
    return TrialVerdict(**{**values, **fields})


def _record(*adherence: str | None) -> PatientRecord:
    trials = [
        {"drug": "sertraline", "outcome": "no_response", **({"adherence": a} if a else {})}
        for a in adherence
    ]
    return validate_record({"id": "ps", "assessed_on": "2026-06-01", "treatments": trials})


def _flags(record: PatientRecord, *verdicts: TrialVerdict) -> dict[FlagId, Flag]:
    return {f.id: f for f in pseudo_resistance_flags(record, verdicts)}


# --- dose --------------------------------------------------------------------------------------


def test_pseudo_resistance_dose__names_drug_dose_and_minimum() -> None:
    v = _verdict(Verdict.inadequate_dose, dose_mg_per_day=25, min_dose_mg_per_day=50)
    flag = _flags(_record(None), v)[FlagId.pseudo_resistance_dose]
    assert flag.level == "warning"
    assert flag.because[0].startswith("trials[0] sertraline: 25 mg/day < 50 mg/day minimum")
    assert "CANMAT 2023 Table 7.1" in flag.because[0]


def test_pseudo_resistance_dose__not_raised_unless_a_naive_count_counts_it() -> None:
    v = _verdict(Verdict.inadequate_dose, naive_failure=False, dose_mg_per_day=25)
    assert FlagId.pseudo_resistance_dose not in _flags(_record(None), v)


def test_pseudo_resistance_dose__one_reason_per_trial() -> None:
    low = [
        _verdict(Verdict.inadequate_dose, i, treatment=d, dose_mg_per_day=10)
        for i, d in enumerate(["citalopram", "mirtazapine"])
    ]
    flag = _flags(_record(None, None), *low)[FlagId.pseudo_resistance_dose]
    assert [b.split(":")[0] for b in flag.because] == [
        "trials[0] citalopram",
        "trials[1] mirtazapine",
    ]
    assert "not recorded minimum" in flag.because[0]


# --- duration ----------------------------------------------------------------------------------


def test_pseudo_resistance_duration__short_trial_names_weeks_and_minimum() -> None:
    v = _verdict(Verdict.inadequate_duration, weeks=3, min_weeks=6)
    flag = _flags(_record(None), v)[FlagId.pseudo_resistance_duration]
    assert "trials[0] sertraline: 3 weeks < 6 weeks minimum of the policy" in flag.because[0]


def test_pseudo_resistance_duration__early_stop_is_not_a_failure() -> None:
    v = _verdict(Verdict.early_stop, weeks=2, naive_failure=False)
    flag = _flags(_record(None), v)[FlagId.pseudo_resistance_duration]
    assert "stopped early (2 weeks)" in flag.because[0] and "Sforzini 2022" in flag.because[0]


def test_pseudo_resistance_duration__adequate_failure_raises_nothing() -> None:
    v = _verdict(Verdict.adequate_failure, weeks=8, min_weeks=6)
    assert _flags(_record("good"), v) == {}


# --- adherence ---------------------------------------------------------------------------------


def test_pseudo_resistance_adherence__inadequate_adherence_verdict_raises_it() -> None:
    flag = _flags(_record("poor"), _verdict(Verdict.inadequate_adherence))[
        FlagId.pseudo_resistance_adherence
    ]
    assert flag.because[0].startswith("trials[0] sertraline: adherence poor: not an adequate")


def test_pseudo_resistance_adherence__unknown_adherence_verdict_says_not_confirmed() -> None:
    flag = _flags(_record(None), _verdict(Verdict.inadequate_adherence))[
        FlagId.pseudo_resistance_adherence
    ]
    assert "adherence not confirmed" in flag.because[0]


def test_pseudo_resistance_adherence__partial_adherence_on_a_failed_trial_raises_it() -> None:
    flag = _flags(_record("partial"), _verdict(Verdict.adequate_failure))[
        FlagId.pseudo_resistance_adherence
    ]
    assert "failed with adherence partial" in flag.because[0]


def test_pseudo_resistance_adherence__good_adherence_raises_nothing() -> None:
    assert _flags(_record("good"), _verdict(Verdict.adequate_failure)) == {}


def test_pseudo_resistance_adherence__poor_adherence_on_a_response_raises_nothing() -> None:
    v = _verdict(Verdict.response, outcome=Outcome.response, failed_outcome=False)
    assert _flags(_record("poor"), v) == {}


def test_pseudo_resistance_adherence__prior_episode_trials_are_left_out() -> None:
    v = _verdict(Verdict.prior_episode, episode=Episode.prior)
    assert _flags(_record("poor"), v) == {}


# --- intolerance -------------------------------------------------------------------------------


def test_intolerance_not_resistance__is_info_and_names_the_trial() -> None:
    v = _verdict(Verdict.intolerance, treatment="venlafaxine", weeks=1.5)
    flag = _flags(_record(None), v)[FlagId.intolerance_not_resistance]
    assert flag.level == "info"
    assert flag.because[0].startswith("trials[0] venlafaxine: stopped for side effects after 1.5")
    assert "not counted as a failure" in flag.because[0]


def test_intolerance_not_resistance__not_raised_for_a_failure() -> None:
    assert FlagId.intolerance_not_resistance not in _flags(
        _record(None), _verdict(Verdict.adequate_failure)
    )


# --- the whole screen --------------------------------------------------------------------------


def test_screen_flags__orders_the_trial_flags_after_the_record_flags() -> None:
    rec = validate_record(
        {
            "id": "ps",
            "assessed_on": "2026-06-01",
            "history": {"comorbidities": ["ptsd"]},
            "treatments": [
                {"drug": "sertraline", "outcome": "no_response", "adherence": "poor"},
                {"drug": "venlafaxine", "outcome": "intolerance"},
                {"drug": "citalopram", "outcome": "no_response"},
            ],
        }
    )
    verdicts = [
        _verdict(Verdict.inadequate_adherence, 0),
        _verdict(Verdict.intolerance, 1, treatment="venlafaxine"),
        _verdict(Verdict.inadequate_dose, 2, treatment="citalopram", dose_mg_per_day=10),
    ]
    ids = [f.id for f in screen_flags(rec, [], verdicts)]
    assert ids == [
        FlagId.comorbid_anxiety,
        FlagId.pseudo_resistance_dose,
        FlagId.pseudo_resistance_adherence,
        FlagId.intolerance_not_resistance,
    ]


def test_screen_flags__empty_record_raises_nothing() -> None:
    rec = validate_record({"id": "e", "assessed_on": "2026-06-01"})
    assert screen_flags(rec, [], []) == []
