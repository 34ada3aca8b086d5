"""The real inputs in shared/data/pgx/examples/ (read in place): PharmCAT's documented examples
and three GeT-RM 30x WGS VCFs with many defining positions absent and CYP2D6 outside calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from trdkit.pgx.call import call_genotypes
from trdkit.pgx.outside import read_outside_calls


def _example(shared_dir: Path, name: str) -> Path:
    return shared_dir / "data" / "pgx" / "examples" / name


def test_call_genotypes__pharmcat_example_all_reference_is_star38(shared_dir: Path) -> None:
    folder = _example(shared_dir, "pcat_docs_example")
    calls = call_genotypes(folder / "input.vcf", outside_calls=folder / "outside_calls.tsv")
    sample = calls["Sample_1"]
    assert sample["CYP2C19"].diplotype == "*38/*38"
    assert sample["CYP2C19"].phenotype == "Normal Metabolizer"
    assert sample["CYP2B6"].diplotype == "*1/*1" and sample["CYP2B6"].missing_positions == []
    # The outside call replaces the VCF for CYP2D6; HLA-B and MT-RNR1 lines are not ours.
    assert sample["CYP2D6"].source == "outside_call" and sample["CYP2D6"].diplotype == "*1/*3"
    assert sample["CYP2D6"].research_grade is False
    assert set(sample) == {"CYP2B6", "CYP2C19", "CYP2D6"}


def test_call_genotypes__pharmcat_example2_unphased_cyp2b6(shared_dir: Path) -> None:
    calls = call_genotypes(_example(shared_dir, "pcat_docs_example2") / "input.vcf")
    sample = calls["Sample_2"]
    assert sample["CYP2C19"].diplotype == "*2/*2"
    assert sample["CYP2C19"].phenotype == "Poor Metabolizer"
    cyp2b6 = sample["CYP2B6"]
    assert (cyp2b6.diplotype, cyp2b6.alternatives) == ("*1/*6", ["*4/*9"])
    assert cyp2b6.phenotype == "Intermediate Metabolizer"
    cyp2d6 = sample["CYP2D6"]
    assert cyp2d6.research_grade and cyp2d6.source == "vcf"
    assert any("research grade" in w for w in cyp2d6.warnings)


GETRM = {
    "getrm_tutorial_NA18526": "*1/*36x2+*10",
    "getrm_tutorial_NA18565": "*10/*36x2",
    "getrm_tutorial_NA18861": "*5/*29",
}


@pytest.mark.parametrize("name", sorted(GETRM))
def test_call_genotypes__getrm_missing_positions_are_listed_not_assumed(
    name: str, shared_dir: Path
) -> None:
    folder = _example(shared_dir, name)
    sample = name.rsplit("_", 1)[1]
    calls = call_genotypes(folder / "input.vcf", outside_calls=folder / "outside_calls.tsv")
    cyp2c19 = calls[sample]["CYP2C19"]
    # 16 of the 35 CYP2C19 positions are absent from these preprocessed VCFs.
    assert len(cyp2c19.missing_positions) == 16
    assert "chr10:94852738 (rs56337013)" in cyp2c19.missing_positions
    assert cyp2c19.diplotype == "*1/*1" and "*1/*5" in cyp2c19.alternatives
    assert cyp2c19.phenotype == "Indeterminate"
    assert not cyp2c19.assumed_reference
    cyp2d6 = calls[sample]["CYP2D6"]
    assert cyp2d6.source == "outside_call" and cyp2d6.diplotype == GETRM[name]
    assert cyp2d6.missing_positions == []


def test_call_genotypes__getrm_assume_reference_is_opt_in_and_said(shared_dir: Path) -> None:
    folder = _example(shared_dir, "getrm_tutorial_NA18861")
    calls = call_genotypes(folder / "input.vcf", assume_reference=True)["NA18861"]
    assert calls["CYP2C19"].diplotype == "*1/*1" and calls["CYP2C19"].alternatives == []
    assert calls["CYP2C19"].assumed_reference
    assert calls["CYP2B6"].diplotype == "*1/*18"
    # Without an outside call, CYP2D6 from SNVs reads *5/*29 (a deletion) as *29/*29.
    assert calls["CYP2D6"].diplotype == "*29/*29" and calls["CYP2D6"].research_grade


def test_read_outside_calls__skips_comments_and_keeps_other_genes(shared_dir: Path) -> None:
    calls = read_outside_calls(_example(shared_dir, "getrm_tutorial_NA18565") / "outside_calls.tsv")
    assert calls["CYP2D6"].diplotype == "*10/*36x2"
    assert calls["G6PD"].diplotype is None
    assert calls["G6PD"].warnings  # "Not available" is not a CPIC phenotype term
