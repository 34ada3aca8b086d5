"""The record's pgx section (evaluate_pgx) and the flags it raises (pgx_flags)."""

from __future__ import annotations

from pgx_pheno_calls import failed_trial, lab_call, make_record

from trdkit.flags.model import FlagId
from trdkit.pgx.model import GeneCall
from trdkit.pgx.record import current_drugs, evaluate_pgx, pgx_flags


def _genetics(**diplotypes: str) -> dict[str, object]:
    return {"diplotypes": diplotypes}


def test_evaluate_pgx__lab_diplotypes_become_calls_with_guidance() -> None:
    record = make_record(genetics=_genetics(CYP2C19="*17/*17", CYP2D6="*1/*4"))
    section = evaluate_pgx(record)
    assert list(section.genes) == ["CYP2C19", "CYP2D6"]
    cyp2d6 = section.genes["CYP2D6"]
    assert (cyp2d6.source, cyp2d6.phenotype, cyp2d6.activity_score) == (
        "lab_report",
        "Intermediate Metabolizer",
        1.0,
    )
    assert cyp2d6.functional_phenotype is None
    assert section.drugs["escitalopram"].action == "consider_alternative"
    assert section.drugs["amitriptyline"].lookup == {
        "CYP2C19": "Ultrarapid Metabolizer",
        "CYP2D6": "1.0",
    }


def test_evaluate_pgx__no_genetics_gives_an_empty_section() -> None:
    section = evaluate_pgx(make_record())
    assert section.genes == {} and section.drugs == {}


def test_evaluate_pgx__current_and_ongoing_drugs_phenoconvert() -> None:
    record = make_record(
        genetics=_genetics(CYP2D6="*1/*2", CYP2C19="*1/*1"),
        current_medications=["Paxil"],
        treatments=[{"drug": "fluvoxamine", "outcome": "ongoing"}],
    )
    assert current_drugs(record) == ["paroxetine", "fluvoxamine"]
    section = evaluate_pgx(record)
    assert section.genes["CYP2D6"].functional_phenotype == "Poor Metabolizer"
    assert section.genes["CYP2D6"].functional_activity_score == 0.0
    assert section.genes["CYP2C19"].functional_phenotype == "Intermediate Metabolizer"
    # Paroxetine's own guidance is keyed on the genotype; other CYP2D6 drugs on the function.
    assert section.drugs["paroxetine"].lookup == {"CYP2D6": "2.0"}
    assert section.drugs["vortioxetine"].lookup == {"CYP2D6": "0.0"}


def test_evaluate_pgx__vcf_call_alternatives_get_a_shared_or_indeterminate_phenotype() -> None:
    vcf = {
        "CYP2C19": GeneCall(
            diplotype="*1/*1", alternatives=["*2/*2"], called=True, phenotype=None, source="vcf"
        )
    }
    section = evaluate_pgx(make_record(), vcf)
    assert section.genes["CYP2C19"].phenotype == "Indeterminate"
    assert section.drugs["citalopram"].worst_case is True
    assert vcf["CYP2C19"].phenotype is None  # the input is not modified


def test_evaluate_pgx__lab_report_beats_vcf_and_outside_call_beats_lab() -> None:
    record = make_record(genetics=_genetics(CYP2C19="*2/*2", CYP2D6="*1/*1"))
    vcf = {
        "CYP2C19": lab_call("*1/*1", phenotype="Normal Metabolizer").model_copy(
            update={"source": "vcf"}
        ),
        "CYP2D6": lab_call("*4/*4", phenotype="Poor Metabolizer").model_copy(
            update={"source": "outside_call"}
        ),
    }
    section = evaluate_pgx(record, vcf)
    assert section.genes["CYP2C19"].source == "lab_report"
    assert section.genes["CYP2C19"].phenotype == "Poor Metabolizer"
    assert "differ" in section.genes["CYP2C19"].warnings[0]
    assert section.genes["CYP2D6"].source == "outside_call"
    assert "outside call is used" in section.genes["CYP2D6"].warnings[0]


def test_pgx_flags__phenoconversion_raised_when_function_differs() -> None:
    record = make_record(genetics=_genetics(CYP2D6="*1/*2"), current_medications=["paroxetine"])
    flags = pgx_flags(record, evaluate_pgx(record), [])
    assert [f.id for f in flags] == [FlagId.phenoconversion]
    assert "paroxetine (strong inhibitor)" in flags[0].because[0]
    assert "Cicali 2021" in flags[0].because[0]


def test_pgx_flags__no_phenoconversion_flag_for_a_poor_metabolizer_on_an_inhibitor() -> None:
    record = make_record(genetics=_genetics(CYP2D6="*4/*4"), current_medications=["paroxetine"])
    section = evaluate_pgx(record)
    assert section.genes["CYP2D6"].functional_phenotype == "Poor Metabolizer"
    assert pgx_flags(record, section, []) == []


def test_pgx_flags__failed_escitalopram_in_cyp2c19_ultrarapid_is_explained() -> None:
    record = make_record(genetics=_genetics(CYP2C19="*17/*17"))
    flags = pgx_flags(record, evaluate_pgx(record), [failed_trial("escitalopram", index=1)])
    assert [f.id for f in flags] == [FlagId.pgx_explained_failure]
    line = flags[0].because[0]
    assert "escitalopram (trials[1])" in line
    assert "CYP2C19 Ultrarapid Metabolizer" in line and "CPIC 2023 SSRI/SNRI" in line
    assert "consider_alternative" in line


def test_pgx_flags__failure_not_explained_for_a_normal_metabolizer() -> None:
    record = make_record(genetics=_genetics(CYP2C19="*1/*1"))
    assert pgx_flags(record, evaluate_pgx(record), [failed_trial("escitalopram")]) == []


def test_pgx_flags__prior_episode_response_and_other_drugs_do_not_count() -> None:
    record = make_record(genetics=_genetics(CYP2C19="*17/*17"))
    section = evaluate_pgx(record)
    verdicts = [
        failed_trial("escitalopram", episode="prior", verdict="prior_episode"),
        failed_trial(
            "citalopram",
            outcome="response",
            failed_outcome=False,
            counts_as_failure=False,
            verdict="response",
        ),
        failed_trial("bupropion"),
    ]
    assert pgx_flags(record, section, verdicts) == []


def test_pgx_flags__failure_judged_on_genotype_not_on_todays_co_medication() -> None:
    # CYP2C19 normal; fluvoxamine now makes it functionally intermediate, which would change
    # the citalopram row today but says nothing about the past failure.
    record = make_record(genetics=_genetics(CYP2C19="*1/*1"), current_medications=["fluvoxamine"])
    section = evaluate_pgx(record)
    assert section.drugs["citalopram"].action == "reduce_dose"
    flags = pgx_flags(record, section, [failed_trial("citalopram")])
    assert [f.id for f in flags] == [FlagId.phenoconversion]
