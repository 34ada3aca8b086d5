"""CPIC guidance: every lookup row of every drug is reachable; alternatives give the worst case."""

from __future__ import annotations

from typing import get_args

import pytest
from pgx_pheno_calls import call_for_key, lab_call, phenotype_call

from trdkit.knowledge._table import KnowledgeError
from trdkit.knowledge.pgx_guidance import ACTIONS, guidance_drugs, load_pgx_guidance
from trdkit.pgx.guidance import ACTION_SEVERITY, guidance_all, guidance_for, worst_action
from trdkit.pgx.model import Action, GeneCall

CPIC_DRUGS = {
    "citalopram", "escitalopram", "sertraline", "paroxetine", "fluvoxamine", "venlafaxine",
    "vortioxetine", "amitriptyline", "nortriptyline", "clomipramine", "doxepin", "imipramine",
    "trimipramine", "desipramine",
}  # fmt: skip


def test_guidance_drugs__the_fourteen_cpic_antidepressants() -> None:
    assert set(guidance_drugs()) == CPIC_DRUGS


def test_actions__knowledge_and_output_models_agree() -> None:
    assert set(ACTIONS) == set(get_args(Action)) == set(ACTION_SEVERITY)


@pytest.mark.parametrize("drug", sorted(CPIC_DRUGS))
def test_guidance_for__every_lookup_row_is_hit_by_synthetic_calls(drug: str) -> None:
    table = load_pgx_guidance(drug)
    for row in table.rows:
        calls: dict[str, GeneCall] = {}
        for gene, key in row.lookup.items():
            call = call_for_key(gene, key)
            if call is not None:
                calls[gene] = call
        guidance = guidance_for(drug, calls)
        if not calls:
            assert guidance is None
            continue
        assert guidance is not None, row.lookup
        assert guidance.lookup == row.lookup
        assert guidance.actions == list(row.actions)
        assert guidance.action == row.actions[0]
        assert guidance.strength == row.strength
        assert guidance.dose_factor == row.start_dose_factor
        assert guidance.guideline == table.guideline
        assert guidance.because and row.clinpgx_id in guidance.because[-1]


@pytest.mark.parametrize("drug", sorted(CPIC_DRUGS))
def test_guidance_table__actions_ordered_by_severity(drug: str) -> None:
    for row in load_pgx_guidance(drug).rows:
        ranks = [ACTION_SEVERITY[a] for a in row.actions]
        assert ranks == sorted(ranks, reverse=True)
        assert row.summary.endswith(f", {row.strength.lower()})")


def test_guidance_for__escitalopram_cyp2c19_rapid_is_optional_alternative() -> None:
    guidance = guidance_for("escitalopram", {"CYP2C19": lab_call("*1/*17")})
    assert guidance is not None
    assert guidance.lookup == {"CYP2C19": "Rapid Metabolizer"}
    assert (guidance.strength, guidance.action) == ("Optional", "consider_alternative")
    assert "CPIC 2023" in guidance.summary and "Bousman" in guidance.source


def test_guidance_for__brand_name_resolves_and_unknown_drug_has_none() -> None:
    calls = {"CYP2C19": lab_call("*2/*2")}
    guidance = guidance_for("Lexapro", calls)
    assert guidance is not None and guidance.action == "consider_alternative"
    assert guidance_for("bupropion", calls) is None
    with pytest.raises(KnowledgeError):
        load_pgx_guidance("bupropion")


def test_guidance_for__no_called_gene_gives_none() -> None:
    uncalled = GeneCall(diplotype=None, called=False, phenotype=None, source="vcf")
    assert guidance_for("citalopram", {"CYP2C19": uncalled}) is None
    assert guidance_for("amitriptyline", {}) is None


def test_guidance_for__tca_with_one_gene_uses_no_result_for_the_other() -> None:
    guidance = guidance_for("amitriptyline", {"CYP2D6": lab_call("*4/*4")})
    assert guidance is not None
    assert guidance.lookup == {"CYP2C19": "No Result", "CYP2D6": "0.0"}
    assert guidance.action == "avoid"


def test_guidance_for__ambiguous_alternatives_give_the_worst_case() -> None:
    calls = {"CYP2C19": lab_call("*1/*1", "*2/*2", phenotype="Indeterminate")}
    guidance = guidance_for("citalopram", calls)
    assert guidance is not None
    assert guidance.worst_case is True
    assert guidance.lookup == {"CYP2C19": "Poor Metabolizer"}
    assert guidance.action == "consider_alternative"
    assert [a.lookup["CYP2C19"] for a in guidance.by_alternative] == [
        "Normal Metabolizer",
        "Poor Metabolizer",
    ]
    assert guidance.by_alternative[0].actions == ["use_standard_dose"]
    assert guidance.summary.startswith("Worst case of 2")


def test_guidance_for__alternatives_that_agree_are_listed_without_worst_case() -> None:
    calls = {"CYP2C19": lab_call("*1/*4", "*4/*17")}
    guidance = guidance_for("escitalopram", calls)
    assert guidance is not None
    assert len(guidance.by_alternative) == 2 and guidance.worst_case is False


def test_guidance_for__own_inhibition_is_left_out_of_its_own_lookup() -> None:
    calls = {"CYP2D6": lab_call("*1/*2")}
    paroxetine = guidance_for("paroxetine", calls, current_drugs=["paroxetine"])
    nortriptyline = guidance_for("nortriptyline", calls, current_drugs=["paroxetine"])
    assert paroxetine is not None and paroxetine.lookup == {"CYP2D6": "2.0"}
    assert nortriptyline is not None and nortriptyline.lookup == {"CYP2D6": "0.0"}
    assert any("strong CYP2D6 inhibitor" in why for why in nortriptyline.because)


def test_guidance_for__functional_phenotype_of_the_call_is_used_without_drug_list() -> None:
    call = lab_call("*1/*1")
    call.functional_phenotype = "Intermediate Metabolizer"
    call.functional_activity_score = 1.0
    guidance = guidance_for("nortriptyline", {"CYP2D6": call})
    assert guidance is not None and guidance.lookup == {"CYP2D6": "1.0"}


def test_guidance_for__cyp2d6_score_without_its_own_row_uses_a_covering_row() -> None:
    five = guidance_for("paroxetine", {"CYP2D6": lab_call("*1x2/*2x3")})
    assert five is not None and five.lookup == {"CYP2D6": "≥5.0"}
    eighth = guidance_for(
        "paroxetine", {"CYP2D6": phenotype_call("Intermediate Metabolizer", 0.125)}
    )
    assert eighth is not None and eighth.lookup == {"CYP2D6": "0.25"}
    assert any("no CPIC row of its own" in why for why in eighth.because)


def test_guidance_for__research_grade_call_is_said_in_the_reasons() -> None:
    call = lab_call("*1/*4")
    call.research_grade = True
    guidance = guidance_for("venlafaxine", {"CYP2D6": call})
    assert guidance is not None
    assert any("research-grade" in why for why in guidance.because)


def test_guidance_all__covers_every_drug_whose_genes_are_called() -> None:
    calls = {"CYP2C19": lab_call("*1/*1"), "CYP2D6": lab_call("*1/*1")}
    found = guidance_all(calls)
    assert set(found) == CPIC_DRUGS
    assert all(g.action in ("use_standard_dose", "no_recommendation") for g in found.values())
    only_2c19 = guidance_all({"CYP2C19": lab_call("*1/*1")})
    assert "paroxetine" not in only_2c19 and "sertraline" in only_2c19


def test_worst_action__severity_order() -> None:
    assert worst_action(["use_standard_dose", "avoid", "reduce_dose"]) == "avoid"
    assert worst_action(["titrate_slowly", "increase_dose"]) == "increase_dose"
    assert worst_action(["no_recommendation", "use_standard_dose"]) == "use_standard_dose"


def test_guidance_for__cyp2d6_phenotype_without_score_takes_the_most_cautious_row() -> None:
    guidance = guidance_for("paroxetine", {"CYP2D6": phenotype_call("Ultrarapid Metabolizer")})
    assert guidance is not None
    assert guidance.action == "consider_alternative"
    assert guidance.lookup["CYP2D6"] in load_pgx_guidance("paroxetine").keys("CYP2D6")
    assert "most cautious" in guidance.because[0]
