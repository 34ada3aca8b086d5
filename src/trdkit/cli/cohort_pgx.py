"""``trdkit cohort pgx``: CPIC phenotype frequencies of a cohort VCF, optionally against a trait.

``trdkit cohort pgx --vcf FILE [--sample-list FILE] [--pheno TSV --pheno-name COL]
[--assembly GRCh38|GRCh37] [--assume-reference] [--block-size N] --out PREFIX`` writes
``PREFIX.pgx_calls.tsv``, ``PREFIX.pgx_frequencies.tsv``, ``PREFIX.pgx_alleles.tsv``,
``PREFIX.pgx_actionable.tsv``, ``PREFIX.pgx_summary.json`` and, with a trait,
``PREFIX.pgx_tests.tsv``. Exit 0 done, 2 invalid input, 1 internal error.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from trdkit.cli.cohort_genotypes import fail

if TYPE_CHECKING:
    from trdkit.cohort.pgx_trait import TraitStrata

__all__ = ["pgx_command"]

# Blocks of this many samples when the bar is shown (finer steps than the caller's default).
_PROGRESS_BLOCK = 1000


class AssemblyChoice(StrEnum):
    """``--assembly``: the genome build of the VCF."""

    GRCh38 = "GRCh38"
    GRCh37 = "GRCh37"


def pgx_command(
    vcf: Annotated[Path, typer.Option("--vcf", help="Multi-sample VCF or BCF.")],
    out: Annotated[Path, typer.Option("--out", help="Output prefix (PREFIX.pgx_*.tsv/json).")],
    sample_list: Annotated[
        Path | None,
        typer.Option("--sample-list", help="Analyse only these samples (one IID, or FID IID)."),
    ] = None,
    pheno: Annotated[
        Path | None, typer.Option("--pheno", help="Binary trait table (#FID IID ...).")
    ] = None,
    pheno_name: Annotated[
        str | None, typer.Option("--pheno-name", help="Trait column (0/1 or PLINK 1/2).")
    ] = None,
    assembly: Annotated[
        AssemblyChoice, typer.Option("--assembly", help="Genome build of the VCF.")
    ] = AssemblyChoice.GRCh38,
    assume_reference: Annotated[
        bool,
        typer.Option("--assume-reference", help="Treat absent positions as reference (unsafe)."),
    ] = False,
    block_size: Annotated[
        int | None,
        typer.Option("--block-size", min=1, help="Samples per block (default: the caller's)."),
    ] = None,
) -> None:
    """Phenotype, diplotype, allele and actionable-guidance frequencies across a cohort."""
    from trdkit.cohort.io import GeneticsInputError
    from trdkit.cohort.pgx_calls import read_sample_list
    from trdkit.cohort.pgx_cohort import analyse_cohort_pgx, write_cohort_pgx
    from trdkit.cohort.pgx_trait import trait_strata
    from trdkit.cohort.traits import PlinkTable
    from trdkit.pgx.errors import PgxInputError
    from trdkit.pgx.read import DEFAULT_CHUNK, list_samples

    err = Console(stderr=True)
    try:
        if (pheno is None) != (pheno_name is None):
            raise GeneticsInputError("--pheno and --pheno-name go together")
        if not vcf.is_file():
            raise GeneticsInputError(f"--vcf: {vcf} is not a file")
        if not out.parent.is_dir():
            raise GeneticsInputError(f"--out: folder {out.parent} does not exist")
        if sample_list is not None and not sample_list.is_file():
            raise GeneticsInputError(f"--sample-list: {sample_list} is not a file")
        wanted = read_sample_list(sample_list) if sample_list is not None else None
        table = PlinkTable.read(pheno) if pheno is not None else None

        def trait(samples: Sequence[str]) -> TraitStrata:
            assert table is not None and pheno_name is not None
            return trait_strata(table, pheno_name, samples)

        total = len(list_samples(vcf))
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} samples"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal or total <= _PROGRESS_BLOCK,
        ) as bar:
            task = bar.add_task("calling", total=total)
            default = _PROGRESS_BLOCK if err.is_terminal and total > _PROGRESS_BLOCK else None
            result = analyse_cohort_pgx(
                vcf,
                samples=wanted,
                trait=trait if table is not None else None,
                assembly=assembly.value,
                assume_reference=assume_reference,
                chunk_size=block_size or default or DEFAULT_CHUNK,
                progress=lambda done, _total: bar.update(task, completed=done),
            )
        written = write_cohort_pgx(result, out)
    except (GeneticsInputError, PgxInputError) as exc:
        fail(str(exc))
    except UnicodeDecodeError as exc:
        fail(f"--sample-list: not a text file ({exc.reason})")
    s = result.summary
    called = ", ".join(f"{g} {v['called']}/{v['samples']}" for g, v in s["genes"].items())
    typer.echo(f"{s['samples']} samples; called: {called}")
    if result.tests is not None:
        info = s["trait"]
        typer.echo(f"trait {info['name']}: {info['cases']} cases, {info['controls']} controls")
    typer.echo("wrote " + ", ".join(str(p) for p in written))
