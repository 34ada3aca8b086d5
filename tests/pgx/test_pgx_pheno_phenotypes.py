"""Diplotype -> phenotype: every table row, checked against the PharmCAT source rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trdkit.knowledge._table import KnowledgeError
from trdkit.knowledge.pgx_phenotypes import PHENOTYPE_TERMS, load_pgx_phenotypes
from trdkit.pgx.model import CPIC_PHENOTYPES
from trdkit.pgx.phenotype import (
    format_score,
    phenotype_for,
    phenotype_for_alternatives,
    resolve_phenotype,
)

_SOURCES = {
    "CYP2C19": "pharmcat_phenotype_CYP2C19.json",
    "CYP2B6": "pharmcat_phenotype_CYP2B6.json",
    "CYP2D6": "pharmcat_phenotype_CYP2D6_2024-08-27.json",
}


@pytest.mark.parametrize("gene", ["CYP2C19", "CYP2B6"])
def test_phenotype_for__every_table_row_in_both_orders(gene: str) -> None:
    table = load_pgx_phenotypes(gene)
    wrong = []
    for diplotype, expected in table.diplotypes.items():
        first, second = diplotype.split("/")
        for text in (diplotype, f"{second}/{first}"):
            if phenotype_for(gene, text) != (expected, None):
                wrong.append(text)
    assert not wrong
    assert len(table.diplotypes) == len(table.alleles) * (len(table.alleles) + 1) // 2


@pytest.mark.parametrize("gene", ["CYP2C19", "CYP2B6", "CYP2D6"])
def test_resolve_phenotype__matches_every_pharmcat_source_row(gene: str, shared_dir: Path) -> None:
    source = shared_dir / "data" / "pgx" / _SOURCES[gene]
    rows = json.loads(source.read_text(encoding="utf-8"))["diplotypes"]
    wrong = []
    for row in rows:
        result = resolve_phenotype(gene, row["diplotype"])
        if (result.phenotype, result.lookup_key) != (row["phenotype"], row["lookupkey"]):
            wrong.append((row["diplotype"], result.phenotype, result.lookup_key))
    assert not wrong[:5]
    assert len(rows) > 600


def test_phenotype_for__cyp2d6_copy_number_and_tandems_from_outside_calls() -> None:
    assert phenotype_for("CYP2D6", "*1/*1x2") == ("Ultrarapid Metabolizer", 3.0)
    assert phenotype_for("CYP2D6", "*2x3/*1") == ("Ultrarapid Metabolizer", 4.0)
    assert phenotype_for("CYP2D6", "*1x2/*4") == ("Normal Metabolizer", 2.0)
    # GeT-RM consensus calls of the tutorial samples (pgx MANIFEST, examples/).
    assert phenotype_for("CYP2D6", "*1/*36x2+*10") == ("Normal Metabolizer", 1.25)
    assert phenotype_for("CYP2D6", "*10/*36x2") == ("Intermediate Metabolizer", 0.25)
    assert phenotype_for("CYP2D6", "*5/*29") == ("Intermediate Metabolizer", 0.5)
    assert phenotype_for("CYP2D6", "*13 + *2/*1") == ("Normal Metabolizer", 2.0)


def test_resolve_phenotype__lower_bound_scores_decide_only_in_the_open_bin() -> None:
    assert resolve_phenotype("CYP2D6", "*1/*1x≥3").lookup_key == "≥4.0"
    assert phenotype_for("CYP2D6", "*1/*1x≥3")[0] == "Ultrarapid Metabolizer"
    # *1xN is at least 2 copies: AS >= 2.0 spans normal and ultrarapid.
    assert phenotype_for("CYP2D6", "*1xN/*4")[0] == "Indeterminate"
    assert phenotype_for("CYP2D6", "*4xN/*4") == ("Poor Metabolizer", 0.0)


def test_resolve_phenotype__unknown_allele_is_indeterminate_with_a_warning() -> None:
    result = resolve_phenotype("CYP2C19", "*1/*42")
    assert result.phenotype == "Indeterminate"
    assert "*42" in result.warnings[0]
    assert phenotype_for("CYP2D6", "*1/*22") == ("Indeterminate", None)
    assert resolve_phenotype("CYP2D6", "*1/*999").lookup_key == "n/a"


def test_resolve_phenotype__sub_alleles_count_as_their_core_allele() -> None:
    assert phenotype_for("CYP2C19", "*2.001/*1") == ("Intermediate Metabolizer", None)
    assert phenotype_for("CYP2D6", "*4.001/*4") == ("Poor Metabolizer", 0.0)


def test_resolve_phenotype__reasons_name_the_rule_and_source() -> None:
    assert "Caudle 2020" in resolve_phenotype("CYP2D6", "*1/*4").because[0]
    assert "CPIC diplotype table" in resolve_phenotype("CYP2C19", "*1/*17").because[0]


@pytest.mark.parametrize("text", ["*1", "*1/*2/*3", "/*2", ""])
def test_phenotype_for__malformed_diplotype_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="two haplotypes"):
        phenotype_for("CYP2C19", text)


def test_phenotype_for__unknown_gene_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="CYP3A5"):
        phenotype_for("CYP3A5", "*1/*3")
    with pytest.raises(KnowledgeError):
        load_pgx_phenotypes("CYP3A5")


def test_phenotype_for_alternatives__shared_or_indeterminate() -> None:
    assert phenotype_for_alternatives("CYP2C19", ["*1/*4", "*4/*17"]) == "Intermediate Metabolizer"
    assert phenotype_for_alternatives("CYP2C19", ["*1/*1", "*2/*2"]) == "Indeterminate"
    assert phenotype_for_alternatives("CYP2C19", []) == "Indeterminate"


def test_phenotype_terms__knowledge_and_output_models_agree() -> None:
    assert set(PHENOTYPE_TERMS) == set(CPIC_PHENOTYPES)


@settings(max_examples=60, deadline=None)
@given(quarters=st.integers(min_value=0, max_value=40))
def test_phenotype_of_score__cpic_bins(quarters: int) -> None:
    score = quarters / 4
    expected = (
        "Poor Metabolizer"
        if score == 0
        else "Intermediate Metabolizer"
        if score < 1.25
        else "Normal Metabolizer"
        if score <= 2.25
        else "Ultrarapid Metabolizer"
    )
    assert load_pgx_phenotypes("CYP2D6").phenotype_of_score(score) == expected
    assert format_score(score) == str(float(score))
