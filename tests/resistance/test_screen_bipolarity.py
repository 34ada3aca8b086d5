"""The ``bipolarity_risk`` flag of the false-TRD screen: single signs, screens, Ghaemi, gaps.

The property (adding a sign never removes the flag) is in test_screen_bipolarity_property.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from trdkit.flags import Flag, FlagId
from trdkit.record import PatientRecord, validate_record
from trdkit.record.vocab import Outcome
from trdkit.resistance.bipolarity import bipolarity_flag, bipolarity_signs
from trdkit.resistance.model import TrialCategory, TrialVerdict, Verdict
from trdkit.resistance.screen import screen_flags
from trdkit.scales import ScaleResult, score_scales

ASSESSED = "2026-06-01"


def _record(history: dict[str, Any] | None = None, **fields: Any) -> PatientRecord:
    data: dict[str, Any] = {"id": "bp", "assessed_on": ASSESSED, "age": 40}
    data["history"] = history or {}
    return validate_record({**data, **fields})


def _verdict(index: int, drug: str, outcome: Outcome = Outcome.no_response) -> TrialVerdict:
    failed = outcome in (Outcome.no_response, Outcome.partial_response)
    return TrialVerdict(
        index=index,
        treatment=drug,
        category=TrialCategory.antidepressant,
        outcome=outcome,
        adequate=True,
        failed_outcome=failed,
        naive_failure=failed,
        counts_as_failure=failed,
        verdict=Verdict.adequate_failure if failed else Verdict.response_lost,
        because=["built by the test"],
    )


def _flag(
    record: PatientRecord,
    scales: list[ScaleResult] | None = None,
    verdicts: list[TrialVerdict] | None = None,
) -> Flag | None:
    return bipolarity_flag(record, scales or [], verdicts or [])


def _text(flag: Flag | None) -> str:
    assert flag is not None
    return "\n".join(flag.because)


# --- single decisive signs --------------------------------------------------------------------

SINGLE_SIGNS: dict[str, tuple[dict[str, Any], str]] = {
    "manic history": (
        {"history": {"manic_or_hypomanic_episode": True}},
        "manic or hypomanic episode in the history",
    ),
    "antidepressant-induced hypomania": (
        {"history": {"antidepressant_induced_hypomania": True}},
        "hypomania or mania after starting an antidepressant (Ghaemi C2)",
    ),
    "first-degree family history": (
        {"history": {"family_history_bipolar": "first_degree"}},
        "first-degree relative with bipolar disorder (Ghaemi C1)",
    ),
    "mixed features": (
        {"current_episode": {"specifiers": ["mixed_features"]}},
        "mixed features",
    ),
}


@pytest.mark.parametrize("name", SINGLE_SIGNS)
def test_bipolarity_flag__each_single_history_sign_raises_it(name: str) -> None:
    fields, evidence = SINGLE_SIGNS[name]
    flag = _flag(_record(**fields))
    assert flag is not None and flag.id is FlagId.bipolarity_risk
    assert flag.level == "warning"
    assert evidence in _text(flag)


def test_bipolarity_flag__mixed_features_is_marked_uncertain() -> None:
    flag = _flag(_record(current_episode={"specifiers": ["mixed_features"]}))
    line = next(b for b in flag.because if "mixed features" in b) if flag else ""
    assert "uncertain [U]" in line


def test_bipolarity_flag__no_sign_raises_nothing() -> None:
    assert _flag(_record({"manic_or_hypomanic_episode": False})) is None


def test_bipolarity_flag__second_degree_family_history_alone_raises_nothing() -> None:
    assert _flag(_record({"family_history_bipolar": "second_degree"})) is None


def test_bipolarity_flag__second_degree_is_noted_when_raised() -> None:
    rec = _record(
        {"family_history_bipolar": "second_degree", "antidepressant_induced_hypomania": True}
    )
    assert "second-degree relative with bipolar disorder" in _text(_flag(rec))


# --- screening instruments (through the real scorers) ------------------------------------------


def _bi(response: int) -> dict[str, Any]:
    domains = {"episode": 20, "age_at_onset": 15, "course": 10, "family_history": 0}
    return {"instrument": "bipolarity_index", "domains": {**domains, "response": response}}


SCREENS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # name: (positive administration, negative administration)
    "Mood Disorder Questionnaire": (
        {"instrument": "mdq", "total": 7, "same_period": True, "problem": "moderate"},
        {"instrument": "mdq", "total": 7, "same_period": True, "problem": "minor"},
    ),
    "HCL-32": ({"instrument": "hcl32", "total": 14}, {"instrument": "hcl32", "total": 13}),
    "Bipolarity Index": (_bi(response=5), _bi(response=2)),  # totals 50 and 47
}


def _scored(adm: dict[str, Any]) -> list[ScaleResult]:
    rec = _record(scales=[{"date": "2026-05-01", **adm}])
    return score_scales(rec.scales)


@pytest.mark.parametrize("name", SCREENS)
def test_bipolarity_flag__positive_screen_raises_it(name: str) -> None:
    flag = _flag(_record(), _scored(SCREENS[name][0]))
    assert f"{name} on 2026-05-01" in _text(flag)
    assert "positive" in _text(flag)


@pytest.mark.parametrize("name", SCREENS)
def test_bipolarity_flag__negative_screen_raises_nothing(name: str) -> None:
    results = _scored(SCREENS[name][1])
    assert results[0].positive is False
    assert _flag(_record(), results) is None


def test_bipolarity_flag__bipolarity_index_boundary_is_fifty() -> None:
    fifty = _scored(SCREENS["Bipolarity Index"][0])
    assert fifty[0].total == 50
    assert "50 >= 50" in _text(_flag(_record(), fifty))


def test_bipolarity_flag__other_instruments_are_ignored() -> None:
    gad = _scored({"instrument": "gad7", "total": 21})
    assert _flag(_record(), gad) is None


# --- Ghaemi bipolar spectrum criteria ----------------------------------------------------------

SHORT_PRIORS = [{"start": f"20{y}-01-01", "end": f"20{y}-02-01"} for y in (20, 21, 22)]
LONG_PRIORS = [{"start": f"20{y}-01-01", "end": f"20{y}-12-01"} for y in (20, 21, 22)]


def _soft(d_items: int) -> tuple[PatientRecord, list[TrialVerdict]]:
    """A record with exactly ``d_items`` (0-8) Ghaemi D items and no C item."""
    history: dict[str, Any] = {"age_at_first_episode": 40, "family_history_bipolar": "none"}
    episode: dict[str, Any] = {"specifiers": [], "psychotic_features": "none"}
    verdicts: list[TrialVerdict] = []
    steps = [
        lambda: episode["specifiers"].append("atypical"),  # D4
        lambda: episode.update(psychotic_features="mood_incongruent"),  # D5
        lambda: history.update(age_at_first_episode=20),  # D6
        lambda: episode["specifiers"].append("peripartum_onset"),  # D7
        lambda: history.update(prior_episodes=LONG_PRIORS),  # D2: 3 past + current episode
        lambda: verdicts.extend(_verdict(i, d) for i, d in enumerate(["a", "b", "c"])),  # D9
        lambda: verdicts.append(_verdict(9, "venlafaxine", Outcome.response_lost)),  # D8
        lambda: history.update(prior_episodes=SHORT_PRIORS),  # D3, keeping D2
    ]
    for step in steps[:d_items]:
        step()
    return _record(history, current_episode=episode), verdicts


@pytest.mark.parametrize("d_items", range(9))
def test_soft_builder__gives_the_requested_number_of_d_items(d_items: int) -> None:
    rec, verdicts = _soft(d_items)
    found = [f for f in bipolarity_signs(rec, verdicts) if f.present and f.sign.role == "soft"]
    assert len(found) == d_items


def test_bipolarity_flag__ghaemi_five_d_items_without_c_is_not_enough() -> None:
    rec, verdicts = _soft(5)
    assert _flag(rec, verdicts=verdicts) is None


def test_bipolarity_flag__ghaemi_six_d_items_without_c_raises_it() -> None:
    rec, verdicts = _soft(6)
    text = _text(_flag(rec, verdicts=verdicts))
    assert "Ghaemi bipolar spectrum criteria met" in text
    assert "D items 6/9" in text
    for item in ("(Ghaemi D2)", "(Ghaemi D4)", "(Ghaemi D5)", "(Ghaemi D6)", "(Ghaemi D9)"):
        assert item in text


def test_bipolarity_flag__ghaemi_one_c_and_two_d_items_is_met() -> None:
    rec = _record(
        {"family_history_bipolar": "first_degree", "age_at_first_episode": 19},
        current_episode={"specifiers": ["atypical"]},
    )
    assert "criteria met" in _text(_flag(rec)) and "C items 1/2 (C1)" in _text(_flag(rec))


def test_bipolarity_flag__ghaemi_soft_sign_evidence_is_named() -> None:
    rec, verdicts = _soft(8)
    text = _text(_flag(rec, verdicts=verdicts))
    assert "first episode at age 20 (< 25)" in text
    assert "4 episode(s) recorded, current included" in text
    assert "mean length of 3 dated past episode(s)" in text
    assert "3 failed antidepressant trial(s): a, b, c" in text
    assert "response lost on venlafaxine" in text
    assert "psychotic features: mood incongruent" in text
    assert "peripartum-onset" in text and "uncertain [U]" in text


def test_bipolarity_flag__names_the_unavailable_items() -> None:
    rec = _record({}, current_episode={"specifiers": ["mixed_features"]})
    gaps = next(b for b in _text(_flag(rec)).splitlines() if b.startswith("not available"))
    assert "hyperthymic temperament: the record format has no field for it" in gaps
    assert "history.age_at_first_episode" in gaps
    assert "history.family_history_bipolar" in gaps


def test_bipolarity_flag__treatments_without_verdicts_leave_trial_items_unavailable() -> None:
    rec = _record(
        {"antidepressant_induced_hypomania": True},
        treatments=[{"drug": "sertraline", "outcome": "no_response"}],
    )
    assert "trial verdicts not available" in _text(_flag(rec))


def test_screen_flags__never_raises_bipolar_disorder() -> None:
    ids = {f.id for f in screen_flags(_record({"manic_or_hypomanic_episode": True}), [], [])}
    assert ids == {FlagId.bipolarity_risk}
