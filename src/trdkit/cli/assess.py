"""``trdkit assess FILE``: assess one patient record and print or write the report.

The patient comes from FILE (a ``trdkit.patient/1`` record or a FHIR R4 document) or, with
``--fhir-server URL --patient ID [--fhir-token TOKEN]``, from a FHIR R4 server.

``--format fhir --fhir-mode write-back`` prints the write-back bundle of a FHIR input (the
conclusions only, referencing the EHR's resources); ``--fhir-write-back`` also writes it to
``--fhir-server`` in one transaction and prints the server's answer on stderr.
"""

from __future__ import annotations

import json
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn
from urllib.parse import urlsplit

import typer

from trdkit.assessment import Assessment, assess
from trdkit.cli._errors import EXIT_INTERNAL, EXIT_INVALID, fail_invalid
from trdkit.interop import FhirImport, ImportEntry, import_fhir, is_fhir_document, load_patient
from trdkit.interop.fhir_provenance import Provenance
from trdkit.pgx.record_vcf import vcf_calls_for_record
from trdkit.policy import resolve_policy
from trdkit.record import PatientRecord, RecordError, parse_record_text
from trdkit.record.errors import FieldIssue
from trdkit.render import render_json, render_text

__all__ = ["assess_command"]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"
    pdf = "pdf"
    fhir = "fhir"


class FhirMode(StrEnum):
    full = "full"
    write_back = "write-back"


def _invalid(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_INVALID)


def _from_server(url: str, patient: str, token: str | None) -> FhirImport:
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
    return import_fhir(resources, source=f"{url.rstrip('/')}/Patient/{patient}")


def _from_fhir_file(file: Path) -> FhirImport:
    # load_patient gives no provenance, which a write-back needs: import the file here.
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RecordError([FieldIssue("", f"cannot read file: {reason}")], str(file)) from None
    data = parse_record_text(text, str(file))
    if not is_fhir_document(data):
        _invalid(
            f"--fhir-mode write-back needs FHIR input: {file} is a trdkit record, and a "
            "write-back references the EHR resources a record was imported from"
        )
    return import_fhir(data, source=str(file))


Loaded = tuple[PatientRecord, list[ImportEntry], Path, Provenance | None]


def _load(
    file: Path | None,
    server: str | None,
    patient: str | None,
    token: str | None,
    write_back: bool,
) -> Loaded:
    if file is not None and server is not None:
        _invalid("give either FILE or --fhir-server, not both")
    if server is not None:
        if patient is None:
            _invalid("--fhir-server needs --patient ID (the Patient's id on that server)")
        found = _from_server(server, patient, token)
        return found.record, found.report, Path.cwd(), found.provenance
    if patient is not None:
        _invalid("--patient needs --fhir-server URL")
    if file is None:
        _invalid("give FILE, or --fhir-server URL --patient ID")
    if write_back:
        found = _from_fhir_file(file)
        return found.record, found.report, file.parent, found.provenance
    return (*load_patient(file), file.parent, None)


def _mode(format: OutputFormat, mode: FhirMode | None, server: str | None, write: bool) -> FhirMode:
    if write and server is None:
        _invalid("--fhir-write-back needs --fhir-server URL (the server the patient is read from)")
    if write and mode is FhirMode.full:
        _invalid("--fhir-write-back writes conclusions only: not with --fhir-mode full")
    if mode is not None and format is not OutputFormat.fhir:
        _invalid("--fhir-mode applies to --format fhir")
    return FhirMode.write_back if write else mode or FhirMode.full


def _write_back(
    assessment: Assessment,
    record: PatientRecord,
    provenance: Provenance | None,
    server: str | None,
    token: str | None,
) -> str:
    """The write-back bundle as JSON; written to ``server`` (summary on stderr) when given."""
    from trdkit.render.fhir import render_fhir

    try:
        text = render_fhir(assessment, record, mode="write_back", provenance=provenance)
    except ValueError as exc:
        _invalid(f"--fhir-mode write-back: {exc}")
    if server is not None:
        # Imported here: only this path needs the HTTP client.
        from trdkit.interop.fhir_write import FhirWriteError, post_write_back

        try:
            outcome = post_write_back(server, json.loads(text), token=token)
        except FhirWriteError as exc:
            hint = " (check --fhir-token)" if exc.status in (401, 403) else ""
            _invalid(f"--fhir-write-back to {server}: {exc}{hint}")
        typer.echo("\n".join(outcome.summary()), err=True)
    return text


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
    fhir_mode: Annotated[
        FhirMode | None,
        typer.Option(
            "--fhir-mode",
            help="With --format fhir: 'full' (record and conclusions, the default) or "
            "'write-back' (conclusions only, referencing the EHR's resources; FHIR input only).",
        ),
    ] = None,
    fhir_write_back: Annotated[
        bool,
        typer.Option(
            "--fhir-write-back",
            help="Write the conclusions back to --fhir-server in one transaction (PUT with "
            "stable ids: a re-run replaces them); the server's answer goes to stderr.",
        ),
    ] = False,
) -> None:
    """Assess one patient: diagnosis, scales, flags, with reasons."""
    if format is OutputFormat.pdf and output is None:
        typer.echo(
            "error: --format pdf needs --output PATH (a PDF is not written to stdout)", err=True
        )
        raise typer.Exit(EXIT_INVALID)
    mode = _mode(format, fhir_mode, fhir_server, fhir_write_back)
    try:
        applied = resolve_policy(policy)
        record, import_report, base_dir, provenance = _load(
            file, fhir_server, patient, fhir_token, mode is FhirMode.write_back
        )
        vcf_calls = vcf_calls_for_record(record, base_dir)
    except RecordError as exc:
        fail_invalid(exc)
    assessment = assess(record, applied, vcf_calls=vcf_calls)
    if import_report:
        assessment = assessment.model_copy(update={"import_report": import_report})
    written: str | None = None
    if mode is FhirMode.write_back:
        server = fhir_server if fhir_write_back else None
        written = _write_back(assessment, record, provenance, server, fhir_token)
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

        text = (written or render_fhir(assessment, record)) + "\n"
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
