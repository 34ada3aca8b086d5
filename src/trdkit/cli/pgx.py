"""``trdkit pgx INPUT``: call CYP2B6, CYP2C19 and CYP2D6 and print the ``trdkit.pgx/1`` report."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from trdkit.knowledge import knowledge_version
from trdkit.knowledge.pgx_alleles import PGX_GENES, load_allele_definitions
from trdkit.pgx.call import call_genotypes
from trdkit.pgx.errors import PgxInputError
from trdkit.pgx.model import DrugGuidance, GeneCall, PgxReport
from trdkit.pgx.outside import read_outside_calls
from trdkit.pgx.read import list_samples
from trdkit.pgx.sites import Assembly

__all__ = ["pgx_command"]

EXIT_INVALID = 2
# Blocks of this many samples when a progress bar is shown (finer steps than the default).
_PROGRESS_CHUNK = 1000


class Format(StrEnum):
    json = "json"
    tsv = "tsv"
    text = "text"


class AssemblyChoice(StrEnum):
    GRCh38 = "GRCh38"
    GRCh37 = "GRCh37"


def _sources() -> dict[str, str]:
    defs = load_allele_definitions(PGX_GENES[0])
    out = {"allele_definitions": f"CPIC/PharmVar via {defs.header.source_version}"}
    try:
        from trdkit.knowledge.pgx_phenotypes import load_pgx_phenotypes

        versions = sorted({load_pgx_phenotypes(g).header.source_version for g in PGX_GENES})
        out["phenotypes"] = "; ".join(versions)
        from trdkit.knowledge.pgx_guidance import guidance_drugs, load_pgx_guidance

        tables = {load_pgx_guidance(d).header.source_version for d in guidance_drugs()}
        out["guidance"] = "; ".join(sorted(tables))
    except ImportError:  # the phenotype and guidance tables ship separately from the caller
        pass
    return out


def _drugs(calls: Mapping[str, Mapping[str, GeneCall]]) -> dict[str, dict[str, DrugGuidance]]:
    try:
        from trdkit.pgx.batch import guidance_by_sample
    except ImportError:  # the guidance half of the engine ships separately from the caller
        return {}
    return guidance_by_sample(calls)


def _tsv(report: PgxReport) -> str:
    head = [
        "sample",
        "gene",
        "diplotype",
        "alternatives",
        "phenotype",
        "activity_score",
        "called",
        "source",
        "research_grade",
        "assumed_reference",
        "missing_positions",
        "warnings",
    ]
    lines = ["\t".join(head)]
    for sample, genes in report.samples.items():
        for gene, c in genes.items():
            score = "" if c.activity_score is None else f"{c.activity_score:g}"
            row = [
                sample,
                gene,
                c.diplotype or "",
                ";".join(c.alternatives),
                c.phenotype or "",
                score,
                str(c.called).lower(),
                c.source,
                str(c.research_grade).lower(),
                str(c.assumed_reference).lower(),
                ";".join(c.missing_positions),
                " | ".join(w.replace("\t", " ") for w in c.warnings),
            ]
            lines.append("\t".join(row))
    return "\n".join(lines) + "\n"


def _text(report: PgxReport) -> str:
    out = [f"trdkit pgx — knowledge {report.knowledge_version}, {report.assembly}"]
    for sample, genes in report.samples.items():
        out.append(f"\n{sample}")
        for gene, c in genes.items():
            what = c.diplotype if c.called and c.diplotype else "not called"
            more = f" (+{len(c.alternatives)} alternatives)" if c.alternatives else ""
            grade = " [research grade]" if c.research_grade else ""
            out.append(f"  {gene}: {what}{more} — {c.phenotype or 'no phenotype'}{grade}")
            out.extend(f"      ! {w}" for w in c.warnings)
        for drug, g in report.drugs.get(sample, {}).items():
            out.append(f"  {drug}: {g.action} ({g.strength or 'no strength'}) — {g.summary}")
    return "\n".join(out) + "\n"


def _progress_bar(total: int) -> Any:
    """A tqdm bar on stderr for long multi-sample runs at a terminal, else ``None``."""
    if not sys.stderr.isatty() or total <= _PROGRESS_CHUNK:
        return None
    from tqdm import tqdm  # type: ignore[import-untyped]

    return tqdm(total=total, file=sys.stderr, unit="sample", desc="calling")


def pgx_command(
    input: Annotated[Path, typer.Argument(help="VCF/BCF (GRCh38) or 23andMe/AncestryDNA file.")],
    sample: Annotated[str | None, typer.Option("--sample", help="Call only this sample.")] = None,
    outside_calls: Annotated[
        Path | None,
        typer.Option("--outside-calls", help="TSV: GENE, diplotype[, phenotype, activity score]."),
    ] = None,
    assembly: Annotated[
        AssemblyChoice, typer.Option("--assembly", help="Genome build of the input.")
    ] = AssemblyChoice.GRCh38,
    assume_reference: Annotated[
        bool,
        typer.Option("--assume-reference", help="Treat absent positions as reference (unsafe)."),
    ] = False,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.json,
) -> None:
    """Call the antidepressant pharmacogenes and print calls and CPIC guidance."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    build: Assembly = assembly.value
    try:
        outside = read_outside_calls(outside_calls) if outside_calls is not None else None
        if outside:
            unused = sorted(set(outside) - set(PGX_GENES))
            if unused:
                err.print(f"note: outside calls not used by trdkit: {', '.join(unused)}")
        total = 1 if sample is not None else len(list_samples(input))
        bar = _progress_bar(total)

        def advance(done: int, _total: int) -> None:
            if bar is not None:
                bar.update(done - bar.n)

        calls = call_genotypes(
            input,
            sample=sample,
            assembly=build,
            assume_reference=assume_reference,
            outside_calls=outside,
            chunk_size=_PROGRESS_CHUNK if bar is not None else 10_000,
            progress=advance,
        )
        if bar is not None:
            bar.close()
    except PgxInputError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_INVALID) from None
    report = PgxReport(
        knowledge_version=knowledge_version(),
        sources=_sources(),
        assembly=build,
        assume_reference=assume_reference,
        samples=calls,
        drugs=_drugs(calls),
    )
    if format is Format.json:
        typer.echo(report.model_dump_json(indent=2))
    elif format is Format.tsv:
        typer.echo(_tsv(report), nl=False)
    else:
        typer.echo(_text(report), nl=False)
