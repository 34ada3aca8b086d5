"""The three tiers of safety, rule by rule, generated from ``safety.yaml``.

Each contraindication's condition is turned into a record (``_record_for``); the drugs it names
must then be in no offered option, and the rule must be named where they were left out. Each
caution must reach an offered option, and each interaction must fire with a partner drug taken
now (``PARTNERS``; a new interaction without a partner fails the coverage test).
"""

from __future__ import annotations

from typing import Any

import pytest
from treatment_records import agents, base, excluded, mentions_rule, option, run, with_

from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.treatment_rows import Condition
from trdkit.knowledge.treatment_safety import ConditionRule, load_safety

SAFETY = load_safety()

# Record changes that make one fact hold (the base record holds none of them).
_FACT_CHANGES: dict[str, dict[str, Any]] = {
    "qtc_high": {"labs": {"qtc_ms": 520}},
    "qtc_prolonged": {"labs": {"qtc_ms": 470}},
    "egfr_low": {"labs": {"egfr_ml_per_min": 50}},
    "egfr_very_low": {"labs": {"egfr_ml_per_min": 20}},
    "psychotic_features": {"current_episode": {"psychotic_features": "mood_congruent"}},
    "history_psychosis": {"history": {"schizophrenia_spectrum_disorder": True}},
    "suicide_risk": {"current_episode": {"symptoms": {"suicidal_thoughts": True}}},
}


def _changes_for_fact(fact: str) -> dict[str, Any]:
    if fact in _FACT_CHANGES:
        return _FACT_CHANGES[fact]
    name, _, value = fact.partition(":")
    if name == "medical":
        return {"history": {"medical": [value]}}
    if name == "comorbidity":
        return {"history": {"comorbidities": [value]}}
    if name in ("age_at_least", "age_over"):
        return {"age": int(value) + 1}
    raise AssertionError(f"no record change known for fact {fact!r}")


def _record_for(condition: Condition) -> dict[str, Any]:
    record = base()
    for fact in (*condition.all, *condition.any[:1]):
        record = with_(_changes_for_fact(fact), record)
    return record


def _ids(rules: tuple[ConditionRule, ...]) -> list[str]:
    return [r.id for r in rules]


@pytest.mark.parametrize("rule_id", _ids(SAFETY.contraindications))
def test_contraindication__excludes_with_the_rule_named(rule_id: str) -> None:
    rule = next(r for r in SAFETY.contraindications if r.id == rule_id)
    a = run(_record_for(rule.when))
    drugs = load_drug_catalogue().drugs
    assert rule.drugs is not None
    hit = {d for d in agents(run(base())) if rule.drugs.matches(drugs[d])}
    assert hit, f"{rule_id}: no option of the base record starts these drugs"
    assert not {d for d in agents(a) if rule.drugs.matches(drugs[d])}
    assert mentions_rule(a, rule_id)


@pytest.mark.parametrize("rule_id", _ids(SAFETY.cautions))
def test_caution__reaches_an_offered_option(rule_id: str) -> None:
    rule = next(r for r in SAFETY.cautions if r.id == rule_id)
    a = run(_record_for(rule.when))
    assert any(f"[rule {rule_id}]" in c for o in a.options for c in o.cautions), rule_id


# interaction id -> a drug taken now that pairs with an option of the base record
PARTNERS: dict[str, str] = {
    "maoi_combination_reverse": "phenelzine",
    "lithium_with_maoi": "phenelzine",
    "maoi_with_lithium": "lithium",
    "serotonergic_combination": "tramadol",
    "lithium_level_raisers": "hydrochlorothiazide",
    "bleeding_risk_combination": "warfarin",
    "qt_combination": "amiodarone",
    "seizure_threshold_combination": "tramadol",
    "blood_pressure_combination": "pseudoephedrine",
    "esketamine_with_maoi_or_stimulant": "methylphenidate",
    "cyp2d6_prodrug_inhibited": "tamoxifen",
    "ect_hold_lithium": "lithium",
    "ect_anticonvulsants": "lamotrigine",
    "switch_discontinuation": "paroxetine",
}


def test_interactions__every_rule_has_a_partner() -> None:
    assert set(PARTNERS) | {"maoi_combination"} == {r.id for r in SAFETY.interactions}


def test_maoi_combination__an_maoi_is_not_restarted_beside_a_serotonergic_drug() -> None:
    low = {"drug": "phenelzine", "dose_mg_per_day": 15, "start": "2026-05-01",
           "weeks_at_dose": 8, "adherence": "good", "outcome": "no_response"}  # fmt: skip
    a = run(
        with_({"treatments": [*base()["treatments"], low], "current_medications": ["sertraline"]})
    )
    # phenelzine was the only trial left to optimise: the option goes, with the rule named
    assert option(a, "optimise_dose") is None
    assert "maoi_combination" in excluded(a, "optimise_dose").rules  # type: ignore[union-attr]


@pytest.mark.parametrize("rule_id", sorted(PARTNERS))
def test_interaction__fires_with_its_partner(rule_id: str) -> None:
    a = run(with_({"current_medications": [PARTNERS[rule_id]]}))
    assert mentions_rule(a, rule_id)
    assert not mentions_rule(run(base()), rule_id)


def test_maoi_combination__add_on_to_an_maoi_is_excluded() -> None:
    a = run(with_({"current_medications": ["phenelzine"]}))
    for option_id in ("combine_mirtazapine", "combine_bupropion"):
        assert option(a, option_id) is None
        assert "maoi_combination_reverse" in excluded(a, option_id).rules  # type: ignore[union-attr]
    lithium = option(a, "augment_lithium")
    assert lithium is not None and lithium.washout is None
    assert any("lithium_with_maoi" in c for c in lithium.cautions)


def test_allergy__excludes_the_allergen_and_its_group() -> None:
    a = run(with_({"allergies": ["ketamine", "lithium"]}))
    for option_id in ("esketamine", "ketamine_iv", "augment_lithium"):
        assert option(a, option_id) is None
        assert "allergy" in excluded(a, option_id).rules  # type: ignore[union-attr]
    assert "lithium" not in agents(a)


def test_allergy__leaves_other_agents_of_an_option() -> None:
    a = run(with_({"allergies": ["Wellbutrin"]}))
    switch = option(a, "switch_different_class")
    assert switch is not None and "bupropion" not in {ag.drug for ag in switch.agents}
    assert any("[rule allergy]" in b for b in switch.because)


def test_esketamine__blood_pressure_is_a_caution_not_a_contraindication() -> None:
    a = run(with_({"history": {"medical": ["uncontrolled_hypertension"]}}))
    esketamine = option(a, "esketamine")
    assert esketamine is not None
    assert any("esketamine_blood_pressure" in c for c in esketamine.cautions)


def test_citalopram__over_60_limits_the_dose_note() -> None:
    a = run(with_({"age": 61}))
    same = option(a, "switch_same_class")
    assert same is not None
    citalopram = next(ag for ag in same.agents if ag.drug == "citalopram")
    assert citalopram.dose_note is not None and "at most 20 mg/day" in citalopram.dose_note


def test_overdose_lethality__only_with_suicide_risk() -> None:
    risky = run(with_(_FACT_CHANGES["suicide_risk"]))
    for option_id in ("switch_tca", "switch_maoi", "augment_lithium"):
        assert any("overdose_lethality" in c for c in option(risky, option_id).cautions)  # type: ignore[union-attr]
    assert not mentions_rule(run(base()), "overdose_lethality")
