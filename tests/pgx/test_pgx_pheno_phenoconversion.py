"""Phenoconversion by current CYP2D6 / CYP2C19 inhibitors and inducers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.pgx_phenoconversion import load_pgx_phenoconversion
from trdkit.knowledge.pgx_phenotypes import load_pgx_phenotypes
from trdkit.pgx.phenoconversion import functional_phenotype, perpetrators, phenoconvert

_SPEED = {
    "Poor Metabolizer": 0,
    "Likely Poor Metabolizer": 1,
    "Intermediate Metabolizer": 2,
    "Likely Intermediate Metabolizer": 3,
    "Normal Metabolizer": 4,
    "Rapid Metabolizer": 5,
    "Ultrarapid Metabolizer": 6,
}


def test_functional_phenotype__paroxetine_turns_cyp2d6_normal_into_poor() -> None:
    phenotype, because = functional_phenotype("CYP2D6", "Normal Metabolizer", 2.0, ["paroxetine"])
    assert phenotype == "Poor Metabolizer"
    assert any("paroxetine is a strong CYP2D6 inhibitor" in why for why in because)
    assert any("x 0 = 0.0" in why and "Cicali 2021" in why for why in because)


def test_functional_phenotype__fluvoxamine_moves_cyp2c19_one_step_towards_poor() -> None:
    phenotype, because = functional_phenotype("CYP2C19", "Normal Metabolizer", None, ["Luvox"])
    assert phenotype == "Intermediate Metabolizer"
    assert any("[U]" in why for why in because)
    assert functional_phenotype("CYP2C19", "Poor Metabolizer", None, ["fluvoxamine"])[0] == (
        "Poor Metabolizer"
    )


def test_phenoconvert__moderate_cyp2d6_inhibitor_halves_the_score() -> None:
    result = phenoconvert("CYP2D6", "Normal Metabolizer", 2.0, ["duloxetine"])
    assert (result.phenotype, result.activity_score) == ("Intermediate Metabolizer", 1.0)
    assert result.changed


def test_phenoconvert__weak_inhibitors_and_unknown_names_do_not_count() -> None:
    result = phenoconvert("CYP2D6", "Normal Metabolizer", 2.0, ["sertraline", "no-such-drug"])
    assert not result.applies and result.phenotype == "Normal Metabolizer"
    assert result.because == ()
    assert [p.strength for p in result.perpetrators] == ["weak"]


def test_phenoconvert__strongest_inhibitor_wins() -> None:
    result = phenoconvert("CYP2D6", "Normal Metabolizer", 2.0, ["duloxetine", "bupropion"])
    assert result.activity_score == 0.0
    assert [p.drug for p in result.perpetrators] == ["bupropion"]


def test_phenoconvert__strong_cyp2d6_inhibitor_makes_an_unknown_score_poor() -> None:
    result = phenoconvert("CYP2D6", "Indeterminate", None, ["quinidine"])
    assert (result.phenotype, result.activity_score) == ("Poor Metabolizer", 0.0)
    kept = phenoconvert("CYP2D6", "Normal Metabolizer", None, ["duloxetine"])
    assert kept.phenotype == "Normal Metabolizer" and "unknown" in kept.because[-1]


def test_phenoconvert__inducer_and_inhibitor_of_cyp2c19_net_out() -> None:
    assert phenoconvert("CYP2C19", "Normal Metabolizer", None, ["rifampicin"]).phenotype == (
        "Rapid Metabolizer"
    )
    both = phenoconvert("CYP2C19", "Normal Metabolizer", None, ["rifampicin", "fluvoxamine"])
    assert both.applies and both.phenotype == "Normal Metabolizer" and not both.changed


def test_phenoconvert__cyp2b6_has_no_rule() -> None:
    result = phenoconvert("CYP2B6", "Normal Metabolizer", None, ["fluvoxamine", "paroxetine"])
    assert not result.applies and result.phenotype == "Normal Metabolizer"
    assert "CYP2B6" not in load_pgx_phenoconversion().genes


def test_perpetrators__read_from_the_drug_catalogue() -> None:
    found = {
        (p.drug, p.kind, p.strength) for p in perpetrators("CYP2C19", ["fluoxetine", "rifampicin"])
    }
    assert found == {("fluoxetine", "inhibitor", "moderate"), ("rifampicin", "inducer", "strong")}


_CYP2D6_DRUGS = sorted(
    d.id for d in load_drug_catalogue().drugs.values() if "CYP2D6" in d.cyp_inhibition
)


@settings(max_examples=50, deadline=None)
@given(
    quarters=st.integers(min_value=0, max_value=24),
    drugs=st.lists(st.sampled_from(_CYP2D6_DRUGS), max_size=3),
)
def test_phenoconvert__cyp2d6_inhibitors_never_speed_up_metabolism(
    quarters: int, drugs: list[str]
) -> None:
    score = quarters / 4
    genotype = load_pgx_phenotypes("CYP2D6").phenotype_of_score(score)
    result = phenoconvert("CYP2D6", genotype, score, drugs)
    assert result.activity_score is not None and result.activity_score <= score
    assert result.phenotype is not None
    assert _SPEED[result.phenotype] <= _SPEED[genotype]


@settings(max_examples=40, deadline=None)
@given(
    phenotype=st.sampled_from(sorted(_SPEED)),
    drugs=st.lists(st.sampled_from(["fluvoxamine", "ticlopidine", "fluconazole"]), max_size=2),
)
def test_phenoconvert__cyp2c19_inhibitors_never_speed_up_metabolism(
    phenotype: str, drugs: list[str]
) -> None:
    result = phenoconvert("CYP2C19", phenotype, None, drugs)
    assert result.phenotype is not None
    assert _SPEED[result.phenotype] <= _SPEED[phenotype]
    assert result.applies == bool(drugs)
