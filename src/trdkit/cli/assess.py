"""``trdkit assess FILE``: assess one patient record and print or write the report."""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from trdkit.assessment import assess
from trdkit.cli._errors import EXIT_INTERNAL, EXIT_INVALID, fail_invalid
from trdkit.interop import load_patient
from trdkit.pgx.record_vcf import vcf_calls_for_record
from trdkit.policy import resolve_policy
from trdkit.record import RecordError
from trdkit.render import render_json, render_text

__all__ = ["assess_command"]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"
    pdf = "pdf"
    fhir = "fhir"


def assess_command(
    file: Annotated[
        Path,
        typer.Argument(help="A trdkit.patient/1 record (YAML or JSON) or a FHIR R4 Bundle."),
    ],
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
) -> None:
    """Assess one patient: diagnosis, scales, flags, with reasons."""
    if format is OutputFormat.pdf and output is None:
        typer.echo(
            "error: --format pdf needs --output PATH (a PDF is not written to stdout)", err=True
        )
        raise typer.Exit(EXIT_INVALID)
    try:
        applied = resolve_policy(policy)
        record, import_report = load_patient(file)
        vcf_calls = vcf_calls_for_record(record, file.parent)
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
