"""``trdkit assess FILE``: assess one patient record and print or write the report."""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from trdkit.assessment import assess
from trdkit.cli._errors import fail_invalid
from trdkit.policy import resolve_policy
from trdkit.record import RecordError, load_record
from trdkit.render import render_json, render_text

__all__ = ["assess_command"]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def assess_command(
    file: Annotated[Path, typer.Argument(help="A trdkit.patient/1 record (YAML or JSON).")],
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
    try:
        applied = resolve_policy(policy)
        record = load_record(file)
    except RecordError as exc:
        fail_invalid(exc)
    assessment = assess(record, applied)
    if format is OutputFormat.json:
        text = render_json(assessment) + "\n"
    else:
        to_terminal = output is None and sys.stdout.isatty()
        width = shutil.get_terminal_size((100, 40)).columns if to_terminal else 100
        text = render_text(assessment, color=to_terminal, width=max(80, min(width, 140)))
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
