"""``trdkit cohort pgx``: phenotype frequencies of the pharmacogenes across a cohort, written out.

Composes the batch caller (``pgx_calls``), the frequency tables (``pgx_freq``) and, with a
binary trait, the exploratory tests (``pgx_trait``), and writes ``PREFIX.pgx_calls.tsv``,
``PREFIX.pgx_frequencies.tsv``, ``PREFIX.pgx_alleles.tsv``, ``PREFIX.pgx_actionable.tsv``,
``PREFIX.pgx_tests.tsv`` (with a trait) and ``PREFIX.pgx_summary.json``.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from trdkit import __version__
from trdkit.cohort.pgx_calls import CohortCalls, call_cohort
from trdkit.cohort.pgx_freq import actionable_table, allele_frequencies, phenotype_frequencies
from trdkit.cohort.pgx_trait import TraitStrata, phenotype_tests
from trdkit.knowledge import knowledge_digest, knowledge_version
from trdkit.knowledge.cohort_pgx import load_cohort_pgx
from trdkit.pgx.read import DEFAULT_CHUNK
from trdkit.pgx.sites import Assembly

__all__ = ["SUMMARY_FORMAT", "CohortPgxResult", "analyse_cohort_pgx", "write_cohort_pgx"]

SUMMARY_FORMAT = "trdkit.cohort-pgx/1"
_EXPLORATORY = (
    "exploratory: phenotype-trait tests are unadjusted for ancestry and covariates, CYP2D6 from "
    "a VCF is research grade, and copy-number alleles cannot be seen; no p-value here is a "
    "finding without replication"
)


@dataclass
class CohortPgxResult:
    """Every table of one run, and its summary."""

    calls: pl.DataFrame
    frequencies: pl.DataFrame
    alleles: pl.DataFrame
    actionable: pl.DataFrame
    tests: pl.DataFrame | None
    summary: dict[str, Any] = field(default_factory=dict)


def _sources() -> dict[str, str]:
    from trdkit.knowledge.pgx_alleles import PGX_GENES, load_allele_definitions
    from trdkit.knowledge.pgx_guidance import guidance_drugs, load_pgx_guidance
    from trdkit.knowledge.pgx_phenotypes import load_pgx_phenotypes

    defs = load_allele_definitions(PGX_GENES[0])
    phenotypes = {load_pgx_phenotypes(g).header.source_version for g in PGX_GENES}
    guidance = {load_pgx_guidance(d).header.source_version for d in guidance_drugs()}
    return {
        "allele_definitions": f"CPIC/PharmVar via {defs.header.source_version}",
        "phenotypes": "; ".join(sorted(phenotypes)),
        "guidance": "; ".join(sorted(guidance)),
    }


def _gene_summary(calls: pl.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for gene in sorted(calls["gene"].unique().to_list()):
        sub = calls.filter(pl.col("gene") == gene)
        reasons = sub.filter(~pl.col("called"))["uncalled_reason"].value_counts(sort=True)
        out[gene] = {
            "samples": sub.height,
            "called": int(sub["called"].sum()),
            "not_called": int((~sub["called"]).sum()),
            "not_called_reasons": {str(r[0]): int(r[1]) for r in reasons.iter_rows()},
            "quality": dict(sorted(Counter(sub["quality"].to_list()).items())),
            "research_grade": bool(sub["research_grade"].any()),
            "assumed_reference": int(sub["assumed_reference"].sum()),
        }
    return out


def analyse_cohort_pgx(
    vcf: Path,
    *,
    samples: Sequence[str] | None = None,
    trait: Callable[[Sequence[str]], TraitStrata] | None = None,
    assembly: Assembly = "GRCh38",
    assume_reference: bool = False,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> CohortPgxResult:
    """Call the cohort and build every table.

    Parameters
    ----------
    vcf
        Multi-sample VCF/BCF.
    samples
        Only these samples (``--sample-list``).
    trait
        Reads the binary trait for the analysed samples (``pgx_trait.trait_strata`` bound to a
        table and column); with it the frequencies are also given per case status and tested.
    assembly, assume_reference, chunk_size, progress
        Passed to the batch caller.

    Returns
    -------
    CohortPgxResult
        The tables and the summary (format ``trdkit.cohort-pgx/1``).
    """
    settings = load_cohort_pgx()
    level = settings.settings.ci_level.value
    started = time.perf_counter()
    called: CohortCalls = call_cohort(
        vcf,
        samples=samples,
        assembly=assembly,
        assume_reference=assume_reference,
        chunk_size=chunk_size,
        progress=progress,
    )
    strata = trait(called.samples) if trait is not None else None
    calls = called.calls
    n = len(called.samples)
    tests = phenotype_tests(calls, strata.strata, settings) if strata is not None else None
    actionable = actionable_table(called.guidance, n, level)
    per_drug = actionable.filter(pl.col("actionable")).group_by("drug").agg(pl.col("count").sum())
    summary: dict[str, Any] = {
        "format": SUMMARY_FORMAT,
        "trdkit_version": __version__,
        "knowledge_version": knowledge_version(),
        "knowledge_digest": knowledge_digest(),
        "sources": _sources(),
        "input": {
            "vcf": str(vcf),
            "assembly": assembly,
            "assume_reference": assume_reference,
            "samples_in_file": called.samples_in_file,
            "sample_list": samples is not None,
            "block_size": chunk_size,
        },
        "samples": n,
        "genes": _gene_summary(calls),
        "actionable_samples_by_drug": {
            str(d): int(c) for d, c in per_drug.sort("drug").iter_rows()
        },
        "settings": {
            name: settings.because(name)
            for name in ("ci_level", "exact_max_tables", "monte_carlo_resamples")
        },
        "phenotype_groups": {
            name: list(group.phenotypes) for name, group in settings.phenotype_groups
        },
        "trait": strata.info if strata is not None else None,
        "exploratory": _EXPLORATORY if strata is not None else None,
        "seconds": round(time.perf_counter() - started, 2),
    }
    return CohortPgxResult(
        calls=calls,
        frequencies=phenotype_frequencies(calls, level, strata.strata if strata else None),
        alleles=allele_frequencies(calls, level),
        actionable=actionable,
        tests=tests,
        summary=summary,
    )


def _tsv(frame: pl.DataFrame, path: Path) -> None:
    # Shortest round-trip float text, empty cell for missing: exact and easy to read back.
    frame.write_csv(path, separator="\t", null_value="")


def write_cohort_pgx(result: CohortPgxResult, prefix: Path) -> list[Path]:
    """Write the tables and the summary next to ``prefix``; return the paths written."""
    written = []
    tables = {
        "pgx_calls": result.calls,
        "pgx_frequencies": result.frequencies,
        "pgx_alleles": result.alleles,
        "pgx_actionable": result.actionable,
    }
    if result.tests is not None:
        tables["pgx_tests"] = result.tests
    for name, frame in tables.items():
        path = prefix.with_name(f"{prefix.name}.{name}.tsv")
        _tsv(frame, path)
        written.append(path)
    path = prefix.with_name(f"{prefix.name}.pgx_summary.json")
    path.write_text(json.dumps(result.summary, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    written.append(path)
    return written
