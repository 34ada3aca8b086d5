"""Every example record gets options a psychiatrist would find sensible, and none unsafe."""

from __future__ import annotations

from pathlib import Path

import pytest
from treatment_records import agents, excluded, offered_ids, option

from trdkit.assessment import Assessment, assess
from trdkit.record import load_record

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _assess(name: str) -> Assessment:
    return assess(load_record(EXAMPLES / name))


def test_examples__each_example_has_a_test() -> None:
    covered = {
        "trd-with-genotypes.yaml",
        "psychotic-depression.yaml",
        "latent-bipolar.yaml",
        "pseudo-resistant.yaml",
        "first-episode.yaml",
        "adolescent.yaml",
        "pgx-explained-failure.yaml",
    }
    assert {p.name for p in EXAMPLES.glob("*.yaml")} <= covered


def test_example_trd__ect_esketamine_rtms_lithium_near_the_top() -> None:
    a = _assess("trd-with-genotypes.yaml")
    top = offered_ids(a)[:6]
    assert {"ect", "esketamine", "rtms"} <= set(top[:5])
    assert "augment_lithium" in offered_ids(a)[:8]
    # aripiprazole augmentation failed adequately; sertraline and venlafaxine too
    assert "aripiprazole" in excluded(a, "augment_aripiprazole").because[0]  # type: ignore[union-attr]
    assert not {"sertraline", "venlafaxine", "aripiprazole"} & agents(a)
    assert "vns" not in offered_ids(a) and "dbs_research" not in offered_ids(a)


def test_example_trd__cpic_advice_moves_escitalopram_last() -> None:
    a = _assess("trd-with-genotypes.yaml")
    same = option(a, "switch_same_class")
    assert same is not None
    actions = {ag.drug: ag.pgx_action for ag in same.agents}
    assert actions["escitalopram"] == "consider_alternative"
    assert same.agents[-1].pgx_action == "consider_alternative"
    assert same.agents[0].pgx_action != "consider_alternative"


def test_example_trd__maoi_waits_for_venlafaxine() -> None:
    maoi = option(_assess("trd-with-genotypes.yaml"), "switch_maoi")
    assert maoi is not None and maoi.washout is not None
    assert (maoi.washout.stop, maoi.washout.wait_days) == ("venlafaxine", 7)


def test_example_pgx__cpic_avoid_leaves_out_tricyclics_with_the_rule_named() -> None:
    # Assessed without the VCF: CYP2D6 comes from the lab report, phenoconverted by bupropion.
    a = _assess("pgx-explained-failure.yaml")
    tca = option(a, "switch_tca")
    assert tca is not None and [ag.drug for ag in tca.agents] == ["lofepramine"]
    assert any("nortriptyline: avoid" in b and "[rule pgx_guidance]" in b for b in tca.because)
    assert not {"escitalopram", "citalopram"} & agents(a)  # both failed adequately
    assert offered_ids(a)[0] == "augment_aripiprazole"


def test_example_psychotic__ect_then_antipsychotic_combination() -> None:
    a = _assess("psychotic-depression.yaml")
    assert offered_ids(a)[:2] == ["ect", "antipsychotic_for_psychotic_depression"]
    for option_id in ("esketamine", "ketamine_iv", "switch_tca", "switch_maoi"):
        assert option(a, option_id) is None
    lithium = option(a, "augment_lithium")
    assert lithium is not None
    rules = " ".join(lithium.cautions)
    assert "lithium_level_raisers" in rules and "overdose_lethality" in rules
    switch = option(a, "switch_different_class")
    assert switch is not None
    escitalopram = next(ag for ag in switch.agents if ag.drug == "escitalopram")
    assert "at most 10 mg/day" in (escitalopram.dose_note or "")


def test_example_latent_bipolar__ect_first_and_antidepressants_cautioned() -> None:
    a = _assess("latent-bipolar.yaml")
    assert offered_ids(a)[:2] == ["ect", "optimise_dose"]
    for o in a.options:
        if o.category in ("switch", "optimisation", "combination"):
            assert any("bipolarity_risk_caution" in c for c in o.cautions), o.id
    assert "already_taking" in excluded(a, "combine_bupropion").rules  # type: ignore[union-attr]
    assert option(a, "esketamine") is None


def test_example_pseudo_resistant__optimise_before_escalation() -> None:
    a = _assess("pseudo-resistant.yaml")
    assert offered_ids(a)[0] == "optimise_dose"
    optimise = option(a, "optimise_dose")
    assert optimise is not None
    notes = {ag.drug: ag.dose_note or "" for ag in optimise.agents}
    assert set(notes) == {"citalopram", "sertraline", "duloxetine"}
    assert "at least 20 mg/day" in notes["citalopram"]
    assert "adherence" in notes["duloxetine"]
    assert "mirtazapine" not in agents(a)  # stopped for side effects
    for option_id in ("esketamine", "ketamine_iv", "ect", "rtms", "switch_tca", "switch_maoi"):
        assert option(a, option_id) is None


def test_example_first_episode__continue_the_current_trial() -> None:
    a = _assess("first-episode.yaml")
    assert offered_ids(a) == ["optimise_dose", "add_cbt"]
    optimise = option(a, "optimise_dose")
    assert optimise is not None and [ag.drug for ag in optimise.agents] == ["sertraline"]


@pytest.mark.parametrize("option_id", ["esketamine", "ketamine_iv", "vns", "dbs_research",
                                       "switch_maoi"])  # fmt: skip
def test_example_adolescent__adult_only_options_excluded(option_id: str) -> None:
    a = _assess("adolescent.yaml")
    assert offered_ids(a)[0] == "specialist_referral"
    assert "under_18_not_offered" in excluded(a, option_id).rules  # type: ignore[union-attr]
