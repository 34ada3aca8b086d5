"""``trdkit cohort phenotype``: the contract's options, output files and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cohort_pheno_builders import cohort
from typer.testing import CliRunner

from trdkit.cli import app
from trdkit.cohort.phenotype import PATIENT_COLUMNS

runner = CliRunner()


def _layout(tmp_path: Path) -> list[str]:
    exposures = [
        {"person_id": 1, "drug": "sertraline", "start": 0, "end": 74, "dose_mg_per_day": 100},
        {"person_id": 1, "drug": "citalopram", "start": 79, "end": 152, "dose_mg_per_day": 20},
        {"person_id": 1, "drug": "venlafaxine", "start": 161, "end": 273, "dose_mg_per_day": 150},
    ]
    cohort(tmp_path, exposures, [(1, "icd10cm", "F33.1", 0)])
    return [
        "--exposures",
        str(tmp_path / "exposures.csv"),
        "--diagnoses",
        str(tmp_path / "diagnoses.csv"),
    ]


def test_cli_phenotype__long_layout_writes_the_contract_files(tmp_path: Path) -> None:
    prefix = tmp_path / "run" / "cohort"
    result = runner.invoke(app, ["cohort", "phenotype", *_layout(tmp_path), "--out", str(prefix)])
    assert result.exit_code == 0, result.output
    assert "1 persons under policy ema_2013: trd 1" in result.stdout
    header, row = Path(f"{prefix}.patients.tsv").read_text().splitlines()
    columns = header.split("\t")
    assert columns[:4] == ["person_id", "trd_status", "index_date", "adequate_failed_trials"]
    assert columns[: len(PATIENT_COLUMNS)] == list(PATIENT_COLUMNS) and columns[-1] == "because"
    assert row.split("\t")[:4] == ["1", "trd", "2020-06-01", "2"]
    summary = json.loads(Path(f"{prefix}.summary.json").read_text())
    assert summary["format"] == "trdkit.cohort-phenotype/1"
    assert summary["policy"]["params"]["min_failed_trials"] == 2
    assert summary["knowledge_digest"].startswith("sha256:")


def test_cli_phenotype__policy_file_and_era_gap(tmp_path: Path) -> None:
    policy = tmp_path / "strict.yaml"
    policy.write_text("base: ema_2013\nmin_failed_trials: 3\n")
    prefix = tmp_path / "strict"
    args = ["cohort", "phenotype", *_layout(tmp_path), "--policy", str(policy), "--era-gap", "14"]
    result = runner.invoke(app, [*args, "--out", str(prefix)])
    assert result.exit_code == 0, result.output
    summary = json.loads(Path(f"{prefix}.summary.json").read_text())
    assert summary["policy"]["id"] == "ema_2013+strict"
    assert summary["settings"]["era_gap_days"] == 14
    assert summary["status_counts"]["trd"] == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "give --omop DIR, or both --exposures FILE and --diagnoses FILE"),
        (["--omop", "{tmp}", "--exposures", "{tmp}/exposures.csv"], "not both"),
        (["--exposures", "{tmp}/missing.csv", "--diagnoses", "{tmp}/diagnoses.csv"], "not a file"),
        (["--omop", "{tmp}"], "missing OMOP table(s) person"),
        (["--omop", "{tmp}", "--policy", "fabri_2021"], "did you mean 'fabbri_2021'"),
    ],
)
def test_cli_phenotype__invalid_input_exits_2_without_a_traceback(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    _layout(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    result = runner.invoke(app, ["cohort", "phenotype", *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
