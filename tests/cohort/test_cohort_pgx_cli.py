"""``trdkit cohort pgx`` end to end: files, trait coding, sample lists and input errors."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest
from cohort_pgx_cohort import cohort_vcf, random_samples
from typer.testing import CliRunner

from trdkit.cli import app

runner = CliRunner()
N = 24


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("pgxcli")
    vcf = cohort_vcf(folder / "cohort.vcf", random_samples(N, seed=5))
    rng = random.Random(2)
    lines = ["#FID IID TRD AGE"] + [
        f"F{i} P{i:03d} {rng.choice([1, 2]) if i < N - 2 else -9} {rng.randint(20, 70)}"
        for i in range(N)
    ]
    pheno = folder / "pheno.txt"
    pheno.write_text("\n".join(lines) + "\n")
    return vcf, pheno


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, separator="\t", infer_schema=False)


def test_cohort_pgx__writes_every_file_with_a_plink_coded_trait(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    vcf, pheno = inputs
    out = tmp_path / "run"
    args = ["cohort", "pgx", "--vcf", str(vcf), "--pheno", str(pheno), "--pheno-name", "TRD"]
    result = runner.invoke(app, [*args, "--out", str(out), "--block-size", "7"])
    assert result.exit_code == 0, result.output
    assert f"{N} samples" in result.stdout
    summary = json.loads(Path(f"{out}.pgx_summary.json").read_text())
    assert summary["format"] == "trdkit.cohort-pgx/1"
    assert summary["knowledge_digest"].startswith("sha256:")
    assert summary["trait"]["coding"] == "1/2"
    assert summary["trait"]["missing_phenotype"] == 2
    assert summary["trait"]["cases"] + summary["trait"]["controls"] == N - 2
    assert set(summary["genes"]) == {"CYP2B6", "CYP2C19", "CYP2D6"}
    calls = _read(Path(f"{out}.pgx_calls.tsv"))
    assert calls.columns[:5] == ["IID", "gene", "diplotype", "phenotype", "activity_score"]
    assert calls.height == 3 * N
    freq = _read(Path(f"{out}.pgx_frequencies.tsv"))
    assert set(freq["stratum"]) == {"all", "case", "control"}
    tests = _read(Path(f"{out}.pgx_tests.tsv"))
    assert tests.height == 9
    assert set(tests["test"]) == {"FISHER_2X2", "FREEMAN_HALTON", "CHISQ"}
    assert all("exploratory" in b for b in tests["because"])
    for name in ("pgx_alleles", "pgx_actionable"):
        assert _read(Path(f"{out}.{name}.tsv")).height > 0


def test_cohort_pgx__sample_list_limits_the_samples(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    vcf, _ = inputs
    keep = tmp_path / "keep.txt"
    keep.write_text("# PLINK --keep layout\nF1 P001\nF3 P003\nP005\n")
    out = tmp_path / "sub"
    result = runner.invoke(
        app, ["cohort", "pgx", "--vcf", str(vcf), "--sample-list", str(keep), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    calls = _read(Path(f"{out}.pgx_calls.tsv"))
    assert sorted(set(calls["IID"])) == ["P001", "P003", "P005"]
    summary = json.loads(Path(f"{out}.pgx_summary.json").read_text())
    assert summary["samples"] == 3 and summary["input"]["samples_in_file"] == N
    assert not Path(f"{out}.pgx_tests.tsv").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--pheno-name", "TRD"], "--pheno and --pheno-name go together"),
        (["--pheno", "PHENO", "--pheno-name", "AGE"], "quantitative"),
        (["--pheno", "PHENO", "--pheno-name", "BMI"], "no column 'BMI'"),
        (["--sample-list", "KEEP"], "not in the VCF: NOBODY"),
    ],
)
def test_cohort_pgx__invalid_input_exits_2_naming_the_problem(
    inputs: tuple[Path, Path], tmp_path: Path, extra: list[str], message: str
) -> None:
    vcf, pheno = inputs
    keep = tmp_path / "keep.txt"
    keep.write_text("NOBODY\n")
    swap = {"PHENO": str(pheno), "KEEP": str(keep)}
    args = [swap.get(a, a) for a in extra]
    result = runner.invoke(
        app, ["cohort", "pgx", "--vcf", str(vcf), *args, "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_cohort_pgx__real_pharmcat_example_calls_its_documented_diplotypes(
    shared_dir: Path, tmp_path: Path
) -> None:
    vcf = shared_dir / "data" / "pgx" / "examples" / "pcat_docs_example2" / "input.vcf"
    out = tmp_path / "real"
    result = runner.invoke(app, ["cohort", "pgx", "--vcf", str(vcf), "--out", str(out)])
    assert result.exit_code == 0, result.output
    calls = {r["gene"]: r for r in _read(Path(f"{out}.pgx_calls.tsv")).to_dicts()}
    assert calls["CYP2C19"]["diplotype"] == "*2/*2"
    assert calls["CYP2C19"]["phenotype"] == "Poor Metabolizer"
    actionable = _read(Path(f"{out}.pgx_actionable.tsv"))
    citalopram = actionable.filter(pl.col("drug") == "citalopram").row(0, named=True)
    assert citalopram["actionable"] == "true" and citalopram["count"] == "1"
