"""``trdkit cohort assoc``: per-variant association of a trait with genotypes (cli.md).

``trdkit cohort assoc (--bfile P | --vcf F | --zarr D) --pheno TSV --pheno-name COL [--covar TSV]
[--covar-name A,B] [--scheduler ADDRESS] --out PREFIX`` writes ``PREFIX.assoc.tsv``,
``PREFIX.summary.json``, ``PREFIX.manhattan.png`` and ``PREFIX.qq.png``; with ``--candidates``
only the seed's candidate SNPs are tested and the allelic combination analysis is added
(``PREFIX.combinations.tsv``). Exit 0 done, 2 invalid input, 1 internal error.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from trdkit.cli.cohort_genotypes import fail

if TYPE_CHECKING:
    from trdkit.cohort.assoc import AssocResult
    from trdkit.cohort.combinations import CombinationResult
    from trdkit.cohort.io import GenotypeSource, RowSubset
    from trdkit.cohort.traits import Design

__all__ = ["assoc_command"]


class Logistic(StrEnum):
    """``--logistic``: how binary traits are tested (see trdkit.cohort.assoc.LogisticMode)."""

    score = "score"
    wald = "wald"
    firth = "firth"


def _candidates(source: GenotypeSource) -> tuple[RowSubset, list[dict[str, Any]]]:
    import numpy as np

    from trdkit.cohort.candidates import find_candidates
    from trdkit.cohort.io import GeneticsInputError, RowSubset
    from trdkit.knowledge.cohort_genetics import candidate_rsids

    matches = find_candidates(source.variants, candidate_rsids())
    rows = sorted({m.row for m in matches if m.row is not None})
    if not rows:
        raise GeneticsInputError(
            f"--candidates: none of {', '.join(candidate_rsids())} is in the genotypes"
        )
    listed = [asdict(m) for m in matches]
    return RowSubset(source, np.array(rows, dtype=np.int64)), listed


def _candidate_tests(result: AssocResult, listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    import numpy as np

    from trdkit.cohort.candidates import benjamini_hochberg, bonferroni
    from trdkit.knowledge.cohort_genetics import load_cohort_genetics

    q_cut = load_cohort_genetics().settings.fdr_q_below.value
    p = result.column("p")
    adj, q = bonferroni(p), benjamini_hochberg(p)
    where = {str(v): i for i, v in enumerate(result.variants.id.tolist())}
    for item in listed:
        i = where.get(item["rsid"]) if item["row"] is not None else None
        if i is None:
            continue
        ok = bool(np.isfinite(q[i]))
        item |= {
            "test": str(result.test[i]),
            "p": float(p[i]) if ok else None,
            "p_bonferroni": float(adj[i]) if ok else None,
            "q_bh": float(q[i]) if ok else None,
            "significant": bool(ok and q[i] < q_cut),
        }
        if ok:
            item["because"] += (
                f"; p = {p[i]:.3g}, BH q = {q[i]:.3g} across {int(np.isfinite(p).sum())} "
                f"candidates ({'<' if q[i] < q_cut else '>='} fdr_q_below {q_cut:g}, benjamini1995)"
            )
    return listed


def _combination(
    source: GenotypeSource, design: Design, rsids: tuple[str, ...]
) -> CombinationResult:
    import numpy as np

    from trdkit.cohort.candidates import find_candidates
    from trdkit.cohort.combinations import allelic_combinations
    from trdkit.cohort.io import GeneticsInputError
    from trdkit.knowledge.cohort_genetics import load_cohort_genetics

    matches = find_candidates(source.variants, rsids)
    missing = [m.rsid for m in matches if m.row is None]
    if missing:
        raise GeneticsInputError(f"--combination: {', '.join(missing)} not in the genotypes")
    rows = np.array([m.row for m in matches], dtype=np.int64)
    order = np.argsort(rows)
    dosages = source.reader.read_rows(rows[order], design.sample_index).astype(np.float64)
    dosages = dosages[np.argsort(order)]
    cfg = load_cohort_genetics().settings
    return allelic_combinations(
        dosages,
        source.variants.take(rows),
        design,
        int(cfg.combination_min_carriers.value),
        cfg.fdr_q_below.value,
    )


def _write_combinations(result: CombinationResult, path: Path) -> None:
    head = ["COMBINATION", "N", "CASES", "MEAN", "BETA", "SE", "P", "P_BONFERRONI", "Q_BH"]
    with path.open("w") as fh:
        fh.write("\t".join(head) + "\n")
        for c in result.combinations:
            cells = [c.label, c.n, c.cases, c.mean, c.beta, c.se, c.p, c.p_bonferroni, c.q_bh]
            fh.write(
                "\t".join(
                    "NA" if v is None else f"{v:.6g}" if isinstance(v, float) else str(v)
                    for v in cells
                )
                + "\n"
            )


def assoc_command(
    out: Annotated[Path, typer.Option("--out", help="Output prefix.")],
    pheno: Annotated[Path, typer.Option("--pheno", help="Phenotype table (#FID IID ...).")],
    pheno_name: Annotated[str, typer.Option("--pheno-name", help="Phenotype column.")],
    bfile: Annotated[Path | None, typer.Option("--bfile", help="PLINK 1 fileset prefix.")] = None,
    vcf: Annotated[Path | None, typer.Option("--vcf", help="VCF or BCF file.")] = None,
    zarr: Annotated[Path | None, typer.Option("--zarr", help="VCF Zarr directory.")] = None,
    covar: Annotated[Path | None, typer.Option("--covar", help="Covariate table.")] = None,
    covar_name: Annotated[
        str | None, typer.Option("--covar-name", help="Covariates to use, A,B (default all).")
    ] = None,
    scheduler_address: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler ADDRESS (default: threads).")
    ] = None,
    candidates: Annotated[
        bool, typer.Option("--candidates", help="Test only the seed's candidate SNPs.")
    ] = False,
    combination: Annotated[
        str | None,
        typer.Option(
            "--combination",
            help="rsids for allelic combinations (with --candidates: Kautzky 2015 set).",
        ),
    ] = None,
    logistic: Annotated[
        Logistic, typer.Option("--logistic", help="Binary traits: score (+Firth), wald, firth.")
    ] = Logistic.score,
    block: Annotated[
        int, typer.Option("--block-size", min=16, help="Variants per Dask task.")
    ] = 500,
) -> None:
    """Per-variant association: linear (quantitative) or logistic score/Firth (binary)."""
    import numpy as np

    from trdkit.cli.cohort_genotypes import genotype_input, progress_bar, scheduler
    from trdkit.cohort.assoc import AssocOptions, LogisticMode, run_assoc
    from trdkit.cohort.io import GeneticsInputError
    from trdkit.cohort.plots import manhattan_plot, qq_plot
    from trdkit.cohort.report import lambda_gc, neglog10_p, summary, write_assoc_tsv
    from trdkit.cohort.traits import PlinkTable, build_design
    from trdkit.knowledge.cohort_genetics import combination_rsids, load_cohort_genetics

    try:
        if not out.parent.exists():
            raise GeneticsInputError(f"--out: folder {out.parent} does not exist")
        pheno_table = PlinkTable.read(pheno)
        covar_table = PlinkTable.read(covar) if covar else None
        names = [c.strip() for c in covar_name.split(",") if c.strip()] if covar_name else None
        with (
            genotype_input(bfile, vcf, zarr, out) as (base, inputs),
            scheduler(scheduler_address) as where,
        ):
            design = build_design(base.samples, pheno_table, pheno_name, covar_table, names)
            source: GenotypeSource = base
            extra: dict[str, Any] = {"scheduler": where}
            listed: list[dict[str, Any]] = []
            if candidates:
                source, listed = _candidates(base)
            with progress_bar() as progress:
                result = run_assoc(
                    source,
                    design,
                    AssocOptions(logistic=LogisticMode(logistic.value), block=block),
                    progress,
                )
            if candidates:
                extra["candidates"] = _candidate_tests(result, listed)
            combo_rsids = tuple(r.strip() for r in combination.split(",")) if combination else None
            if combo_rsids is None and candidates:
                combo_rsids = combination_rsids()
            if combo_rsids:
                combo = _combination(base, design, combo_rsids)
                _write_combinations(combo, out.with_name(out.name + ".combinations.tsv"))
                extra["combinations"] = asdict(combo)
    except (GeneticsInputError, ValueError) as exc:
        fail(str(exc))
    inputs |= {
        "pheno": str(pheno),
        "pheno_name": pheno_name,
        "covar": str(covar) if covar else None,
    }
    write_assoc_tsv(result, out.with_name(out.name + ".assoc.tsv"))
    doc = summary(result, inputs, extra)
    out.with_name(out.name + ".summary.json").write_text(
        json.dumps(doc, indent=2, allow_nan=False, default=str) + "\n"
    )
    nl10 = neglog10_p(result)
    title = f"{pheno_name} ({design.trait.kind.value}, n = {design.n})"
    gw = load_cohort_genetics().settings.genome_wide_p.value
    manhattan_plot(
        result.variants.chrom,
        result.variants.pos,
        nl10,
        out.with_name(out.name + ".manhattan.png"),
        gw,
        title,
    )
    qq_plot(nl10, out.with_name(out.name + ".qq.png"), lambda_gc(result), title)
    top = float(np.nanmax(nl10)) if np.isfinite(nl10).any() else math.nan
    Console(stderr=True).print(
        f"{len(result.variants):,} variants, {design.n:,} samples ({design.trait.because}); "
        f"{doc['genome_wide_significant']} below {gw:g}; max -log10 p {top:.2f}; "
        f"{result.seconds:.1f} s on {extra['scheduler']}"
    )
