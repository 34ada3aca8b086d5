"""``trdkit cohort phenotype``: TRD phenotyping of a cohort (cli.md).

``trdkit cohort phenotype (--omop DIR [--vocab DIR] | --omop-url URL [--omop-schema SCHEMA]
[--vocab-schema SCHEMA] | --exposures FILE --diagnoses FILE [--persons FILE]) [--policy NAME|FILE]
[--era-gap DAYS] --out PREFIX`` writes ``PREFIX.patients.tsv`` and ``PREFIX.summary.json``.
Exit 0 done, 2 invalid input, 1 internal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from trdkit.cli._errors import fail_invalid
from trdkit.cohort.pheno_io import CohortInputError
from trdkit.cohort.pheno_omop import read_omop
from trdkit.cohort.pheno_output import write_phenotype
from trdkit.cohort.phenotype import STEPS, phenotype_cohort, resolve_cohort_policy
from trdkit.cohort.tables import CohortData, read_layout
from trdkit.record.errors import FieldIssue, RecordError

__all__ = ["phenotype_command"]


def _usage(option: str, message: str) -> CohortInputError:
    return CohortInputError([FieldIssue(option, message)])


def _read_db(
    url: str, schema: str | None, vocab_schema: str | None, others: list[object]
) -> CohortData:
    if any(v is not None for v in others):
        raise _usage("--omop-url", "give one input: --omop-url, --omop or --exposures/--diagnoses")
    from trdkit.cohort.pheno_omop_db import read_omop_db  # SQLAlchemy only when asked for

    return read_omop_db(url, schema, vocab_schema)


def _read(
    omop: Path | None,
    vocab: Path | None,
    exposures: Path | None,
    diagnoses: Path | None,
    persons: Path | None,
    db: tuple[str | None, str | None, str | None] = (None, None, None),
) -> CohortData:
    url, schema, vocab_schema = db
    if url is not None:
        return _read_db(url, schema, vocab_schema, [omop, vocab, exposures, diagnoses, persons])
    if schema is not None or vocab_schema is not None:
        raise _usage("--omop-schema", "--omop-schema and --vocab-schema go with --omop-url")
    if omop is not None:
        if exposures is not None or diagnoses is not None or persons is not None:
            raise _usage("--omop", "give either --omop DIR or --exposures/--diagnoses, not both")
        if not omop.is_dir():
            raise _usage("--omop", f"{omop} is not a folder of OMOP tables")
        if vocab is not None and not vocab.is_dir():
            raise _usage("--vocab", f"{vocab} is not a folder")
        return read_omop(omop, vocab)
    if exposures is None or diagnoses is None:
        raise _usage(
            "--omop",
            "give --omop DIR, or both --exposures FILE and --diagnoses FILE (long layout), "
            "or --omop-url URL",
        )
    if vocab is not None:
        raise _usage("--vocab", "--vocab goes with --omop")
    for option, path in (
        ("--exposures", exposures),
        ("--diagnoses", diagnoses),
        ("--persons", persons),
    ):
        if path is not None and not path.is_file():
            raise _usage(option, f"{path} is not a file")
    return read_layout(exposures, diagnoses, persons)


def phenotype_command(
    out: Annotated[
        Path,
        typer.Option("--out", help="Output prefix: writes PREFIX.patients.tsv and .summary.json."),
    ],
    omop: Annotated[
        Path | None, typer.Option("--omop", help="Folder of OMOP CDM tables (CSV or Parquet).")
    ] = None,
    vocab: Annotated[
        Path | None,
        typer.Option("--vocab", help="Folder of the OMOP vocabulary (concept, concept_ancestor)."),
    ] = None,
    omop_url: Annotated[
        str | None,
        typer.Option(
            "--omop-url",
            help="OMOP CDM in a database: SQLAlchemy URL (postgresql+psycopg://..., sqlite:///...).",
        ),
    ] = None,
    omop_schema: Annotated[
        str | None, typer.Option("--omop-schema", help="Schema of the CDM tables (--omop-url).")
    ] = None,
    vocab_schema: Annotated[
        str | None,
        typer.Option("--vocab-schema", help="Schema of concept/concept_ancestor (--omop-url)."),
    ] = None,
    exposures: Annotated[
        Path | None, typer.Option("--exposures", help="Long-layout exposures (CSV or Parquet).")
    ] = None,
    diagnoses: Annotated[
        Path | None, typer.Option("--diagnoses", help="Long-layout diagnoses (CSV or Parquet).")
    ] = None,
    persons: Annotated[
        Path | None,
        typer.Option(
            "--persons", help="Optional long-layout persons (year of birth, observation)."
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            help="Clinical policy (ema_2013, sforzini_2022, mgh_atrq, different_mechanism) or "
            "file, or a cohort-only one (fabbri_2021, hagg_2020, ohdsi_1009, "
            "ohdsi_1009_corrected).",
        ),
    ] = None,
    era_gap: Annotated[
        int | None,
        typer.Option(
            "--era-gap",
            min=0,
            max=365,
            help="Days between exposures that end a trial (default 30).",
        ),
    ] = None,
) -> None:
    """TRD phenotyping of a cohort: status, failed adequate trials, stages and flags per person."""
    err = Console(stderr=True)
    try:
        chosen = resolve_cohort_policy(policy)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task("reading tables", total=len(STEPS) + 2)
            db = (omop_url, omop_schema, vocab_schema)
            data = _read(omop, vocab, exposures, diagnoses, persons, db)

            def step(name: str) -> None:
                bar.update(task, advance=1, description=name)

            result = phenotype_cohort(data, chosen, era_gap_days=era_gap, progress=step)
            bar.update(task, advance=1, description="writing")
            if not out.parent.exists():
                out.parent.mkdir(parents=True)
            table, summary = write_phenotype(result, out)
    except RecordError as exc:
        fail_invalid(exc)
    counts = ", ".join(f"{k} {v}" for k, v in result.summary["status_counts"].items() if v)
    typer.echo(f"{result.summary['persons']} persons under policy {chosen.id}: {counts}")
    typer.echo(f"wrote {table} and {summary}")
