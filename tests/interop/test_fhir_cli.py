"""``trdkit assess`` on FHIR input end to end (typer's CliRunner): JSON with the import report,
FHIR output, and named errors with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from fhir_server_data import synthetic_patient
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from trdkit.cli import app

runner = CliRunner()
SCHEMA = json.loads((ROOT / "docs" / "schema" / "assessment.schema.json").read_text())
BUNDLE = "data/fhir-examples/bhp_converted_collection_james_wolff.json"
CLOSED_SERVER = ["--fhir-server", "http://127.0.0.1:9/fhir", "--patient", "p1"]


def test_cli_assess_fhir__bundle_to_json_with_import_report(shared_dir: Path) -> None:
    result = runner.invoke(app, ["assess", str(shared_dir / BUNDLE), "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["patient_id"] == "bh-patient-example"
    assert doc["assessed_on"] == "2024-02-01"
    statuses = {entry["status"] for entry in doc["import_report"]}
    assert {"imported", "ignored"} <= statuses
    scale = doc["scales"][0]
    assert (scale["instrument"], scale["total"]) == ("phq9", 12)


def test_cli_assess_fhir__record_file_has_empty_import_report() -> None:
    result = runner.invoke(app, ["assess", str(EXAMPLES[0]), "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["import_report"] == []


def test_cli_assess_fhir__format_fhir_prints_an_r4_bundle(shared_dir: Path, tmp_path: Path) -> None:
    from fhir.resources.R4B.bundle import Bundle

    target = tmp_path / "out.json"
    result = runner.invoke(
        app, ["assess", str(shared_dir / BUNDLE), "--format", "fhir", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    bundle = Bundle.model_validate_json(target.read_text())
    kinds = {entry.resource.get_resource_type() for entry in bundle.entry}
    assert {"Patient", "DiagnosticReport", "QuestionnaireResponse", "MedicationStatement"} <= kinds
    again = runner.invoke(app, ["assess", str(target), "-f", "json"])
    assert again.exit_code == 0
    assert json.loads(again.stdout)["patient_id"] == "bh-patient-example"


def test_cli_assess_fhir__record_to_fhir_and_back_gives_the_same_assessment(tmp_path: Path) -> None:
    path = next(p for p in EXAMPLES if p.stem == "trd-with-genotypes")
    exported = runner.invoke(app, ["assess", str(path), "-f", "fhir"])
    assert exported.exit_code == 0
    target = tmp_path / "bundle.json"
    target.write_text(exported.stdout)
    direct = json.loads(runner.invoke(app, ["assess", str(path), "-f", "json"]).stdout)
    via_fhir = json.loads(runner.invoke(app, ["assess", str(target), "-f", "json"]).stdout)
    for key in ("diagnosis", "scales", "trd", "flags", "pgx"):
        assert via_fhir[key] == direct[key], key


def test_cli_assess_fhir__two_patients_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "two.json"
    target.write_text(
        json.dumps([{"resourceType": "Patient", "id": "a"}, {"resourceType": "Patient", "id": "b"}])
    )
    result = runner.invoke(app, ["assess", str(target)])
    assert result.exit_code == 2
    assert "2 patients" in result.stderr
    assert "Traceback" not in result.output


def test_cli_assess_fhir__write_back_mode_prints_a_transaction_of_conclusions(
    tmp_path: Path,
) -> None:
    source = tmp_path / "ehr.json"
    resources = synthetic_patient("cli-wb")
    entries = [{"fullUrl": f"urn:uuid:{i}", "resource": r} for i, r in enumerate(resources)]
    source.write_text(json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": entries}))
    args = ["assess", str(source), "-f", "fhir", "--fhir-mode", "write-back"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    assert bundle["type"] == "transaction"
    assert {e["request"]["method"] for e in bundle["entry"]} == {"PUT"}
    subjects = {e["resource"]["subject"]["reference"] for e in bundle["entry"]}
    assert subjects == {"Patient/cli-wb"}
    assert runner.invoke(app, args).stdout == result.stdout  # stable ids


def test_cli_assess_fhir__write_back_option_errors_exit_2() -> None:
    record = str(EXAMPLES[0])
    cases = [
        ([record, "-f", "fhir", "--fhir-mode", "write-back"], "needs FHIR input"),
        ([record, "-f", "json", "--fhir-mode", "write-back"], "--fhir-mode applies to --format"),
        ([record, "--fhir-write-back"], "--fhir-write-back needs --fhir-server"),
        (
            [*CLOSED_SERVER, "--fhir-write-back", "-f", "fhir", "--fhir-mode", "full"],
            "not with --fhir-mode full",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["assess", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
