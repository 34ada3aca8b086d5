"""``trdkit assess FILE``: assess one patient record and print or write the report.

The patient comes from FILE (a ``trdkit.patient/1`` record or a FHIR R4 document) or, with
``--fhir-server URL --patient ID [--fhir-token TOKEN]``, from a FHIR R4 server.
"""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn
from urllib.parse import urlsplit

import typer

from trdkit.assessment import assess
from trdkit.cli._errors import EXIT_INTERNAL, EXIT_INVALID, fail_invalid
from trdkit.interop import ImportEntry, import_fhir, load_patient
from trdkit.pgx.record_vcf import vcf_calls_for_record
from trdkit.policy import resolve_policy
from trdkit.record import PatientRecord, RecordError
from trdkit.render import render_json, render_text

__all__ = ["assess_command"]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"
    pdf = "pdf"
    fhir = "fhir"


def _invalid(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_INVALID)


def _from_server(
    url: str, patient: str, token: str | None
) -> tuple[PatientRecord, list[ImportEntry]]:
    # Imported here: only this path needs the HTTP client.
    from trdkit.interop.fhir_client import FhirClientError, fetch_patient_resources

    if urlsplit(url).scheme not in ("http", "https"):
        _invalid(f"--fhir-server {url!r}: give the server's http(s) base URL")
    try:
        resources = fetch_patient_resources(url, patient, token=token)
    except ValueError as exc:
        _invalid(f"--patient {patient!r}: {exc}")
    except FhirClientError as exc:
        hint = " (check --fhir-token)" if exc.status in (401, 403) else ""
        _invalid(f"--fhir-server {url}: {exc}{hint}")
    result = import_fhir(resources, source=f"{url.rstrip('/')}/Patient/{patient}")
    return result.record, result.report


def _load(
    file: Path | None, server: str | None, patient: str | None, token: str | None
) -> tuple[PatientRecord, list[ImportEntry], Path]:
    if file is not None and server is not None:
        _invalid("give either FILE or --fhir-server, not both")
    if server is not None:
        if patient is None:
            _invalid("--fhir-server needs --patient ID (the Patient's id on that server)")
        return (*_from_server(server, patient, token), Path.cwd())
    if patient is not None:
        _invalid("--patient needs --fhir-server URL")
    if file is None:
        _invalid("give FILE, or --fhir-server URL --patient ID")
    return (*load_patient(file), file.parent)


def assess_command(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A trdkit.patient/1 record (YAML or JSON) or a FHIR R4 Bundle "
            "(omit with --fhir-server)."
        ),
    ] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Report format.")
    ] = OutputFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            help="TRD policy id (ema_2013, sforzini_2022, mgh_atrq, different_mechanism) "
            "or a policy file.",
        ),
    ] = None,
    fhir_server: Annotated[
        str | None,
        typer.Option(
            "--fhir-server",
            help="Read the patient from this FHIR R4 server (base URL) instead of FILE.",
        ),
    ] = None,
    patient: Annotated[
        str | None, typer.Option("--patient", help="The Patient's id on --fhir-server.")
    ] = None,
    fhir_token: Annotated[
        str | None,
        typer.Option(
            "--fhir-token",
            envvar="TRDKIT_FHIR_TOKEN",
            show_envvar=True,
            help="Bearer access token for --fhir-server.",
        ),
    ] = None,
) -> None:
    """Assess one patient: diagnosis, scales, flags, with reasons."""
    if format is OutputFormat.pdf and output is None:
        typer.echo(
            "error: --format pdf needs --output PATH (a PDF is not written to stdout)", err=True
        )
        raise typer.Exit(EXIT_INVALID)
    try:
        applied = resolve_policy(policy)
        record, import_report, base_dir = _load(file, fhir_server, patient, fhir_token)
        vcf_calls = vcf_calls_for_record(record, base_dir)
    except RecordError as exc:
        fail_invalid(exc)
    assessment = assess(record, applied, vcf_calls=vcf_calls)
    if import_report:
        assessment = assessment.model_copy(update={"import_report": import_report})
    if format is OutputFormat.pdf and output is not None:
        # Imported here: HTML/PDF pull in Jinja2, matplotlib and WeasyPrint, which text and JSON
        # never need.
        from trdkit.render.pdf import PdfUnavailableError, render_pdf

        try:
            output.write_bytes(render_pdf(assessment, record=record))
        except PdfUnavailableError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INTERNAL) from None
        return
    if format is OutputFormat.json:
        text = render_json(assessment) + "\n"
    elif format is OutputFormat.fhir:
        from trdkit.render.fhir import render_fhir

        text = render_fhir(assessment, record) + "\n"
    elif format is OutputFormat.html:
        from trdkit.render.html import render_html

        text = render_html(assessment, record=record)
    else:
        to_terminal = output is None and sys.stdout.isatty()
        width = shutil.get_terminal_size((100, 40)).columns if to_terminal else 100
        text = render_text(assessment, color=to_terminal, width=max(80, min(width, 140)))
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
