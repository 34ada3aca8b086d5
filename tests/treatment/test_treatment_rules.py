"""Every rule of ``option_rules.yaml`` fires in its scenario and stays quiet in a control.

The rule ids come from the table: a rule added without a scenario here fails
``test_option_rules__every_rule_has_a_scenario``. A rule has fired when its id is named in an
option's reasons or cautions, or in an exclusion ("[rule <id>]"); effect-specific checks follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from treatment_records import base, excluded, mentions_rule, offered_ids, option, run, with_

from trdkit.assessment import Assessment
from trdkit.knowledge.option_rules import load_option_rules

RULE_IDS = [r.id for r in load_option_rules().rules]

_ONE_FAILURE = {"treatments": base()["treatments"][:1]}
_PARTIAL = {
    "treatments": [
        base()["treatments"][0],
        {**base()["treatments"][1], "outcome": "partial_response", "improvement_pct": 30},
    ]
}
_LOW_DOSE = {
    "treatments": [
        *base()["treatments"],
        {
            "drug": "citalopram",
            "dose_mg_per_day": 10,
            "start": "2026-03-01",
            "weeks_at_dose": 8,
            "adherence": "good",
            "outcome": "no_response",
        },
    ]
}
_FOUR_FAILURES = {
    "treatments": [
        *base()["treatments"],
        {**base()["treatments"][0], "drug": "mirtazapine", "dose_mg_per_day": 45,
         "start": "2026-01-10"},
        {**base()["treatments"][0], "drug": "bupropion", "dose_mg_per_day": 300,
         "start": "2026-04-01"},
    ]
}  # fmt: skip


def _first(option_id: str) -> Callable[[Assessment], bool]:
    return lambda a: offered_ids(a)[:1] == [option_id]


def _not_offered(option_id: str) -> Callable[[Assessment], bool]:
    return lambda a: option(a, option_id) is None and excluded(a, option_id) is not None


def _ahead(first: str, second: str) -> Callable[[Assessment], bool]:
    return lambda a: offered_ids(a).index(first) < offered_ids(a).index(second)


def _no_agent(drug: str) -> Callable[[Assessment], bool]:
    return lambda a: all(ag.drug != drug for o in a.options for ag in o.agents)


# rule id -> (changes that make it fire, changes that keep it quiet, check when it fires)
SCENARIOS: dict[str, tuple[dict[str, Any], dict[str, Any], Callable[[Assessment], bool]]] = {
    "not_repeat_adequate_failure": ({}, {"treatments": []}, _no_agent("sertraline")),
    "not_repeat_intolerance": (
        {
            "treatments": [
                *base()["treatments"],
                {
                    "drug": "mirtazapine",
                    "dose_mg_per_day": 30,
                    "start": "2026-03-01",
                    "weeks_at_dose": 2,
                    "outcome": "intolerance",
                },
            ]
        },
        {},
        _no_agent("mirtazapine"),
    ),
    "already_taking": (
        {"current_medications": ["bupropion"]},
        {},
        _not_offered("combine_bupropion"),
    ),
    "ect_first_urgent": (
        {"current_episode": {"urgent": {"need_rapid_response": True}}},
        {},
        _first("ect"),
    ),
    "psychotic_depression_combination": (
        {"current_episode": {"psychotic_features": "mood_congruent"}},
        {},
        lambda a: offered_ids(a)[:2] == ["ect", "antipsychotic_for_psychotic_depression"],
    ),
    "bipolar_no_antidepressant_monotherapy": (
        {"history": {"manic_or_hypomanic_episode": True}},
        {},
        _not_offered("switch_different_class"),
    ),
    "bipolar_mood_stabiliser_first": (
        {"history": {"manic_or_hypomanic_episode": True}},
        {},
        _first("mood_stabiliser_instead"),
    ),
    "bipolar_augmentation_caution": (
        {"history": {"manic_or_hypomanic_episode": True}},
        {},
        lambda a: any(
            "bipolar_augmentation_caution" in c for c in option(a, "augment_lithium").cautions
        ),  # type: ignore[union-attr]
    ),
    "bipolarity_risk_caution": (
        {"history": {"family_history_bipolar": "first_degree"}},
        {},
        lambda a: all(
            any("bipolarity_risk_caution" in c for c in o.cautions)
            for o in a.options
            if o.category == "switch"
        ),
    ),
    "mixed_features_caution": (
        {"current_episode": {"specifiers": ["mixed_features"]}},
        {},
        lambda a: any("mixed_features_caution" in c for c in option(a, "switch_tca").cautions),  # type: ignore[union-attr]
    ),
    "pseudo_resistance_optimise_first": (_LOW_DOSE, {}, _first("optimise_dose")),
    "pseudo_resistance_before_escalation": (_LOW_DOSE, {}, _ahead("optimise_dose", "esketamine")),
    "under_18_not_offered": ({"age": 16}, {}, _not_offered("esketamine")),
    "under_18_specialist_first": ({"age": 16}, {}, _first("specialist_referral")),
    "switch_if_no_response": ({}, _PARTIAL, lambda a: True),
    "augment_if_partial_response": (
        _PARTIAL,
        {},
        _ahead("augment_lithium", "switch_different_class"),
    ),
    "trd_rapid_and_neuromodulation": (
        {},
        _ONE_FAILURE,
        lambda a: option(a, "esketamine") is not None,
    ),
    "trd_maudsley_first_choice": ({}, _ONE_FAILURE, _ahead("augment_lithium", "combine_bupropion")),
    "ect_severe_episode": ({"current_episode": {"severity": "severe"}}, {}, lambda a: True),
    "ect_prior_response": (
        {
            "treatments": [
                *base()["treatments"],
                {"procedure": "ect", "episode": "prior", "sessions": 10, "outcome": "remission"},
            ]
        },
        {},
        _first("ect"),
    ),
    "older_adult_augment_aripiprazole": ({"age": 66}, {}, _first("augment_aripiprazole")),
    "psychotherapy_with_medication": (
        {"current_episode": {"severity": "severe"}},
        {},
        lambda a: True,
    ),
    "refractory_specialist": (_FOUR_FAILURES, {}, lambda a: option(a, "vns") is not None),
    "interaction_check_incomplete_caution": (
        {"current_medications": ["melatonin"]},
        {},
        lambda a: True,
    ),
    "pgx_guidance": (
        {"genetics": {"diplotypes": {"CYP2C19": "*2/*2"}}},
        {"genetics": {"diplotypes": {"CYP2C19": "*1/*1"}}},
        lambda a: any(
            ag.pgx_action not in (None, "use_standard_dose") for o in a.options for ag in o.agents
        ),
    ),
}


def test_option_rules__every_rule_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(RULE_IDS)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_option_rule__fires_in_its_scenario(rule_id: str) -> None:
    fires, _, check = SCENARIOS[rule_id]
    a = run(with_(fires))
    assert mentions_rule(a, rule_id), rule_id
    assert check(a), rule_id


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_option_rule__quiet_in_its_control(rule_id: str) -> None:
    _, quiet, _ = SCENARIOS[rule_id]
    assert not mentions_rule(run(with_(quiet)), rule_id), rule_id


def test_switch_versus_augment__re_ranks_without_filtering() -> None:
    switch_first = run(base())
    augment_first = run(with_(_PARTIAL))
    assert set(offered_ids(switch_first)) == set(offered_ids(augment_first))
    assert offered_ids(switch_first) != offered_ids(augment_first)


def test_ect__offered_after_two_failures_or_urgent_only() -> None:
    one = run(with_(_ONE_FAILURE))
    assert option(one, "ect") is None
    assert "ect_indication" in excluded(one, "ect").rules  # type: ignore[union-attr]
    for urgent in (
        {"current_episode": {"psychotic_features": "mood_incongruent"}},
        {"current_episode": {"catatonia": True}},
        {"current_episode": {"urgent": {"refusing_food_or_fluids": True}}},
        {"scales": [{"instrument": "cssrs_screener", "date": "2026-10-30",
                     "items": [1, 1, 1, 1, 1, 1], "behaviour_past_3_months": True}]},
    ):  # fmt: skip
        a = run(with_(urgent, with_(_ONE_FAILURE)))
        assert offered_ids(a)[0] == "ect", urgent


def test_options__ranks_run_from_one_without_gaps() -> None:
    a = run(base())
    assert [o.rank for o in a.options] == list(range(1, len(a.options) + 1))
    assert not {o.id for o in a.options} & {e.id for e in a.excluded_options}
