"""``trdkit pgx``: json (default), tsv and text output; input errors exit 2 without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pgx_caller_vcf import Sample, vcf_text, write_vcf
from typer.testing import CliRunner

from trdkit.cli import app
from trdkit.pgx.model import PgxReport

runner = CliRunner()


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    samples = [
        Sample.of("P1", CYP2C19=("*2", "*2"), CYP2B6=("*1", "*6")),
        Sample.of("P2", CYP2C19=("*1", "*17")),
    ]
    return write_vcf(tmp_path / "cohort.vcf.gz", vcf_text(samples))


def test_pgx_command__json_is_a_pgx_report(cohort: Path) -> None:
    result = runner.invoke(app, ["pgx", str(cohort)])
    assert result.exit_code == 0, result.output
    report = PgxReport.model_validate(json.loads(result.stdout))
    assert report.format == "trdkit.pgx/1" and report.assembly == "GRCh38"
    assert report.samples["P1"]["CYP2C19"].diplotype == "*2/*2"
    assert report.samples["P2"]["CYP2C19"].phenotype == "Rapid Metabolizer"
    assert "allele_definitions" in report.sources
    assert set(report.drugs) == {"P1", "P2"} and report.drugs["P1"]


def test_pgx_command__one_sample_outside_calls_and_assume_reference(
    cohort: Path, tmp_path: Path
) -> None:
    tsv = tmp_path / "oc.tsv"
    tsv.write_text("CYP2D6\t*4/*4\nHLA-B\t*57:01/*07:02\n")
    args = ["pgx", str(cohort), "--sample", "P2", "--outside-calls", str(tsv), "--assume-reference"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["assume_reference"] is True and list(doc["samples"]) == ["P2"]
    assert doc["samples"]["P2"]["CYP2D6"]["phenotype"] == "Poor Metabolizer"
    assert "HLA-B" in result.stderr


def test_pgx_command__tsv_has_one_row_per_sample_and_gene(cohort: Path) -> None:
    result = runner.invoke(app, ["pgx", str(cohort), "--format", "tsv"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0][:5] == ["sample", "gene", "diplotype", "alternatives", "phenotype"]
    assert len(rows) == 1 + 2 * 3
    p1 = {r[1]: r for r in rows[1:] if r[0] == "P1"}
    assert p1["CYP2B6"][2:4] == ["*1/*6", "*4/*9"]


def test_pgx_command__text_names_calls_and_warnings(cohort: Path) -> None:
    result = runner.invoke(app, ["pgx", str(cohort), "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "CYP2C19: *2/*2" in result.stdout and "Poor Metabolizer" in result.stdout
    assert "[research grade]" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sample", "NOPE"], "P1, P2"),
        (["--assembly", "GRCh37"], "GRCh38"),
    ],
)
def test_pgx_command__input_errors_exit_2_with_the_message(
    cohort: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["pgx", str(cohort), *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_pgx_command__unknown_file_type_exits_2(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n")
    result = runner.invoke(app, ["pgx", str(junk)])
    assert result.exit_code == 2 and "neither a VCF" in result.stderr
