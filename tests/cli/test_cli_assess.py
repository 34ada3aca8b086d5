"""``trdkit assess`` end to end on every example: text, JSON valid against the committed schema,
and invalid input as exit 2 without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from trdkit.cli import app

runner = CliRunner()
SCHEMA = json.loads((ROOT / "docs" / "schema" / "assessment.schema.json").read_text())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_cli_assess__json_matches_committed_schema(path: Path) -> None:
    result = runner.invoke(app, ["assess", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["format"] == "trdkit.assessment/1"
    assert doc["policy"]["id"] == "ema_2013"
    for key in (
        "diagnosis",
        "scales",
        "trd",
        "flags",
        "pgx",
        "research_markers",
        "options",
        "excluded_options",
        "import_report",
        "knowledge_version",
        "knowledge_digest",
    ):
        assert key in doc


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_cli_assess__text_report_starts_with_suicide_risk(path: Path) -> None:
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("SUICIDE RISK") < out.index("DIAGNOSIS")
    assert "knowledge" in out.splitlines()[-1] or "knowledge" in out


def test_cli_assess__output_file(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    result = runner.invoke(
        app, ["assess", str(EXAMPLES[0]), "--format", "json", "--output", str(target)]
    )
    assert result.exit_code == 0
    assert json.loads(target.read_text())["patient_id"].startswith("demo-")


def test_cli_assess__invalid_record_exit_2_names_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\nscales:\n  - {instrument: phq9, date: 2026-01-01, "
        "items: [0, 0, 4, 0, 0, 0, 0, 0, 0]}\n"
    )
    result = runner.invoke(app, ["assess", str(bad)])
    assert result.exit_code == 2
    assert "scales[0].items[2]" in result.stderr
    assert "Traceback" not in result.output


def test_cli_assess__unknown_policy_exit_2_lists_allowed(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(EXAMPLES[0]), "--policy", "ema2013"])
    assert result.exit_code == 2
    assert "did you mean 'ema_2013'" in result.stderr


def test_cli_assess__policy_file_is_applied_and_renamed(tmp_path: Path) -> None:
    pol = tmp_path / "clinic.yaml"
    pol.write_text("base: mgh_atrq\nmin_weeks: 8\n")
    result = runner.invoke(app, ["assess", str(EXAMPLES[0]), "-f", "json", "--policy", str(pol)])
    assert result.exit_code == 0, result.output
    policy = json.loads(result.stdout)["policy"]
    assert policy["id"] == "mgh_atrq+clinic"
    assert policy["params"]["min_weeks"] == 8


def test_cli_assess__invalid_policy_file_names_field(tmp_path: Path) -> None:
    pol = tmp_path / "p.yaml"
    pol.write_text("base: ema_2013\nmin_weeks: -1\n")
    result = runner.invoke(app, ["assess", str(EXAMPLES[0]), "--policy", str(pol)])
    assert result.exit_code == 2
    assert "min_weeks" in result.stderr


def test_cli_assess__missing_file_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "cannot read file" in result.stderr


def test_cli_assess__unknown_format_exit_2() -> None:
    result = runner.invoke(app, ["assess", str(EXAMPLES[0]), "--format", "docx"])
    assert result.exit_code == 2


def test_cli_drugs__resolves_brand_name() -> None:
    result = runner.invoke(app, ["drugs", "Zoloft"])
    assert result.exit_code == 0
    assert "sertraline" in result.stdout


def test_cli_knowledge__lists_tables() -> None:
    result = runner.invoke(app, ["knowledge"], terminal_width=200)
    assert result.exit_code == 0
    assert "drugs.yaml" in result.stdout
