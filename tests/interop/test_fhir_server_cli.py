"""``trdkit assess --fhir-server URL --patient ID [--fhir-token TOKEN]`` against a real FHIR
server (sekmet, ``fhir_server_fixtures.py``), and its option errors (exit status 2)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import jsonschema
import pytest
from fhir_server_data import put_all, synthetic_patient
from typer.testing import CliRunner

from conftest import ROOT
from trdkit import assess
from trdkit.cli import app
from trdkit.interop import import_fhir
from trdkit.render import render_json

if TYPE_CHECKING:  # imported by pytest as a plugin; importing it here first defeats that
    from fhir_server_fixtures import SekmetServer

pytest_plugins = ["fhir_server_fixtures"]

runner = CliRunner()
SCHEMA = json.loads((ROOT / "docs" / "schema" / "assessment.schema.json").read_text())
PID = "trd-cli-1"


@pytest.fixture(scope="module")
def server_with_patient(sekmet: SekmetServer) -> SekmetServer:
    put_all(sekmet, synthetic_patient(PID))
    return sekmet


def test_cli_assess_fhir_server__json_equals_assessing_the_resources(
    server_with_patient: SekmetServer,
) -> None:
    server = server_with_patient
    args = ["assess", "--fhir-server", server.base_url, "--patient", PID, "-f", "json"]
    result = runner.invoke(app, [*args, "--fhir-token", server.token])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert (doc["patient_id"], doc["assessed_on"]) == (PID, "2024-03-05")
    direct = json.loads(render_json(assess(import_fhir(synthetic_patient(PID)).record)))
    for key in ("diagnosis", "scales", "trd", "flags", "pgx"):
        assert doc[key] == direct[key], key
    sources = {e["resource_type"] for e in doc["import_report"] if e["status"] == "imported"}
    assert {"Patient", "Condition", "MedicationRequest", "Observation"} <= sources


def test_cli_assess_fhir_server__token_from_the_environment_and_fhir_output(
    server_with_patient: SekmetServer,
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    server = server_with_patient
    args = ["assess", "--fhir-server", server.base_url, "--patient", PID, "-f", "fhir"]
    result = runner.invoke(app, args, env={"TRDKIT_FHIR_TOKEN": server.token})
    assert result.exit_code == 0, result.output
    bundle = Bundle.model_validate_json(result.stdout)
    kinds = {entry.resource.get_resource_type() for entry in bundle.entry}
    assert {"Patient", "DiagnosticReport", "MedicationStatement", "Observation"} <= kinds


@pytest.mark.parametrize(
    ("patient", "token", "message"),
    [
        (PID, None, "answered 401"),
        (PID, "not-the-token", "check --fhir-token"),
        ("nobody-here", "TOKEN", "answered 404"),
    ],
)
def test_cli_assess_fhir_server__refused_reads_exit_2(
    server_with_patient: SekmetServer, patient: str, token: str | None, message: str
) -> None:
    server = server_with_patient
    args = ["assess", "--fhir-server", server.base_url, "--patient", patient]
    if token is not None:
        args += ["--fhir-token", server.token if token == "TOKEN" else token]
    result = runner.invoke(app, args, env={"TRDKIT_FHIR_TOKEN": None})
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "--fhir-server" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give FILE, or --fhir-server URL --patient ID"),
        (["--fhir-server", "http://127.0.0.1:9/fhir"], "--fhir-server needs --patient"),
        (["--patient", "p1"], "--patient needs --fhir-server"),
        (["--fhir-server", "ftp://ehr/fhir", "--patient", "p1"], "http(s) base URL"),
        (["--fhir-server", "http://127.0.0.1:9/fhir", "--patient", "a/b"], "--patient 'a/b'"),
        (["examples/adolescent.yaml", "--fhir-server", "http://127.0.0.1:9/fhir"], "not both"),
    ],
)
def test_cli_assess_fhir_server__option_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["assess", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_cli_assess_fhir_server__unreachable_server_exit_2() -> None:
    closed = "http://127.0.0.1:9/fhir"  # the discard port on loopback: nothing listens
    result = runner.invoke(app, ["assess", "--fhir-server", closed, "--patient", "p1"])
    assert result.exit_code == 2, result.output
    assert "not reachable" in result.stderr
