"""Outside calls (``GENE<TAB>diplotype[<TAB>phenotype<TAB>activity score]``) override the VCF."""

from __future__ import annotations

from pathlib import Path

import pytest
from pgx_caller_vcf import Sample, vcf_text, write_vcf

from trdkit.pgx.call import call_genotypes
from trdkit.pgx.errors import PgxOutsideCallError
from trdkit.pgx.outside import read_outside_calls


@pytest.fixture
def vcf(tmp_path: Path) -> Path:
    sample = Sample.of("S", CYP2C19=("*1", "*17"), CYP2D6=("*1", "*1"))
    return write_vcf(tmp_path / "one.vcf", vcf_text([sample]))


def _tsv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "outside.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_call_genotypes__outside_call_overrides_the_vcf_and_says_so(
    vcf: Path, tmp_path: Path
) -> None:
    tsv = _tsv(tmp_path, "# from a CNV-aware caller\nCYP2D6\t*1/*1x2\n")
    calls = call_genotypes(vcf, outside_calls=tsv)["S"]
    cyp2d6 = calls["CYP2D6"]
    assert cyp2d6.source == "outside_call" and cyp2d6.diplotype == "*1/*1x2"
    assert cyp2d6.phenotype == "Ultrarapid Metabolizer" and cyp2d6.activity_score == 3.0
    assert "replaces any call" in cyp2d6.because[0]
    assert not cyp2d6.research_grade
    assert calls["CYP2C19"].source == "vcf" and calls["CYP2C19"].diplotype == "*1/*17"


def test_call_genotypes__outside_phenotype_and_score_are_reported_as_given(
    vcf: Path, tmp_path: Path
) -> None:
    tsv = _tsv(tmp_path, "CYP2D6\t*1/*4\tpoor metabolizer\t0\n")
    cyp2d6 = call_genotypes(vcf, outside_calls=tsv)["S"]["CYP2D6"]
    assert cyp2d6.phenotype == "Poor Metabolizer" and cyp2d6.activity_score == 0.0
    assert any("differs from CPIC's translation" in w for w in cyp2d6.warnings)


def test_call_genotypes__outside_phenotype_without_diplotype(vcf: Path, tmp_path: Path) -> None:
    tsv = _tsv(tmp_path, "CYP2C19\t\tIntermediate Metabolizer\n")
    cyp2c19 = call_genotypes(vcf, outside_calls=tsv)["S"]["CYP2C19"]
    assert cyp2c19.called and cyp2c19.diplotype is None
    assert cyp2c19.phenotype == "Intermediate Metabolizer"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CYP2D6\t*1/*4\nCYP2D6\t*1/*1\n", "listed twice"),
        ("CYP2D6\n", "neither a diplotype nor a phenotype"),
        ("CYP2D6\t*1/*4\t\thigh\n", "not a number"),
    ],
)
def test_read_outside_calls__malformed_lines(text: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(PgxOutsideCallError, match=message):
        read_outside_calls(_tsv(tmp_path, text))


def test_read_outside_calls__lower_bound_scores_and_unknown_terms(tmp_path: Path) -> None:
    calls = read_outside_calls(_tsv(tmp_path, "CYP2D6\t*1/*1x≥3\tfast\t≥3.0\n"))
    assert calls["CYP2D6"].activity_score == 3.0
    assert calls["CYP2D6"].phenotype is None and "not a CPIC term" in calls["CYP2D6"].warnings[0]
