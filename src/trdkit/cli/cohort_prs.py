"""``trdkit cohort prs``: polygenic scores from a PGS Catalog scoring file (cli.md).

``trdkit cohort prs --score FILE (--bfile P | --vcf F | --zarr D) --out PREFIX`` writes
``PREFIX.scores.tsv`` (per sample) and ``PREFIX.match.tsv`` (per scoring-file variant: matched,
swapped, strand-flipped, ambiguous, missing ...). Exit 0 done, 2 invalid input (including too
few variants matched), 1 internal error.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from trdkit.cli.cohort_genotypes import fail, genotype_input, scheduler
from trdkit.cohort.io import GeneticsInputError, GenotypeSource
from trdkit.cohort.pgs_file import ScoringFile, read_scoring_file
from trdkit.knowledge.cohort_genetics import load_cohort_genetics

if TYPE_CHECKING:
    from trdkit.cohort.prs import MatchRow, ScoreResult

__all__ = ["prs_command"]

_MATCH_COLUMNS = (
    *("#ID", "CHROM", "POS", "EFFECT_ALLELE", "OTHER_ALLELE", "WEIGHT", "STATUS"),
    *("TARGET_ID", "TARGET_REF", "TARGET_ALT"),
)
_BUILDS = {"grch37": "GRCh37", "hg19": "GRCh37", "grch38": "GRCh38", "hg38": "GRCh38"}


class Assembly(StrEnum):
    GRCh38 = "GRCh38"
    GRCh37 = "GRCh37"


def _check_build(scoring: ScoringFile, assembly: Assembly) -> None:
    build = _BUILDS.get((scoring.build or "").lower())
    if build is not None and build != assembly.value:
        kind = "harmonised (HmPOS)" if scoring.harmonised else "original"
        raise GeneticsInputError(
            f"--score: the {kind} positions of {scoring.path.name} are on {build} but --assembly "
            f"is {assembly.value}; use the file harmonised to {assembly.value} or change --assembly"
        )


def _write_match(matches: list[MatchRow], source: GenotypeSource, path: Path) -> None:
    var = source.variants
    head = "\t".join(_MATCH_COLUMNS)
    with path.open("w") as fh:
        fh.write(head + "\n")
        for m in matches:
            r = m.row
            t = m.target
            target = (var.id[t], var.ref[t], var.alt[t]) if t is not None else ("NA",) * 3
            fh.write(
                f"{r.rsid or 'NA'}\t{r.chrom or 'NA'}\t{r.pos if r.pos is not None else 'NA'}\t"
                f"{r.effect}\t{r.other or 'NA'}\t{r.weight:.8g}\t{m.status}\t"
                + "\t".join(str(x) for x in target)
                + "\n"
            )


def _write_scores(result: ScoreResult, source: GenotypeSource, path: Path) -> None:
    samples = source.samples
    id_head = "#FID\tIID" if samples.fid is not None else "#IID"
    with path.open("w") as fh:
        fh.write(f"{id_head}\tPGS_ID\tALLELE_CT\tNAMED_ALLELE_DOSAGE_SUM\tSCORE_SUM\tSCORE_AVG\n")
        for i in range(len(samples)):
            ids = (
                f"{samples.fid[i]}\t{samples.iid[i]}" if samples.fid is not None else samples.iid[i]
            )
            ct = int(result.allele_ct[i])
            avg = result.score_sum[i] / ct if ct else float("nan")
            fh.write(
                f"{ids}\t{result.pgs_id}\t{ct}\t{result.dosage_sum[i]:.6g}\t"
                f"{result.score_sum[i]:.8g}\t{avg:.8g}\n"
            )


def prs_command(
    score_file: Annotated[Path, typer.Option("--score", help="PGS Catalog scoring file.")],
    out: Annotated[Path, typer.Option("--out", help="Output prefix.")],
    bfile: Annotated[Path | None, typer.Option("--bfile", help="PLINK 1 fileset prefix.")] = None,
    vcf: Annotated[Path | None, typer.Option("--vcf", help="VCF or BCF file.")] = None,
    zarr: Annotated[Path | None, typer.Option("--zarr", help="VCF Zarr directory.")] = None,
    assembly: Annotated[
        Assembly, typer.Option("--assembly", help="Genome build of the genotypes.")
    ] = Assembly.GRCh38,
    keep_ambiguous: Annotated[
        bool | None,
        typer.Option("--keep-ambiguous/--drop-ambiguous", help="Strand-ambiguous A/T, C/G SNPs."),
    ] = None,
    min_overlap: Annotated[
        float | None, typer.Option("--min-overlap", min=0.0, max=1.0, help="Share that must match.")
    ] = None,
    mean_impute: Annotated[
        bool, typer.Option("--mean-impute/--no-mean-imputation", help="Missing calls: mean dosage.")
    ] = True,
    scheduler_address: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler ADDRESS (default: threads).")
    ] = None,
) -> None:
    """Polygenic scores: match the scoring file's alleles, then sum weight x dosage per sample."""
    from trdkit.cohort.prs import USED, match_variants, score

    table = load_cohort_genetics()
    cfg = table.settings
    keep = bool(cfg.prs_keep_ambiguous.value) if keep_ambiguous is None else keep_ambiguous
    gate = cfg.prs_min_overlap.value if min_overlap is None else min_overlap
    err = Console(stderr=True)
    try:
        if not out.parent.exists():
            raise GeneticsInputError(f"--out: folder {out.parent} does not exist")
        scoring = read_scoring_file(score_file)
        _check_build(scoring, assembly)
        with genotype_input(bfile, vcf, zarr, out) as (source, _), scheduler(scheduler_address):
            matches = match_variants(scoring, source, keep)
            _write_match(matches, source, out.with_name(out.name + ".match.tsv"))
            counts = Counter(m.status for m in matches)
            used = sum(n for s, n in counts.items() if s in USED)
            share = used / max(len(matches), 1)
            err.print(
                f"{scoring.pgs_id}: {used:,}/{len(matches):,} variants used ({share:.1%}); "
                + ", ".join(f"{s} {n:,}" for s, n in sorted(counts.items()))
            )
            if share < gate:
                raise GeneticsInputError(
                    f"only {share:.1%} of {scoring.pgs_id}'s variants matched, below the "
                    f"minimum overlap {gate:g} ({table.because('prs_min_overlap')}); see "
                    f"{out.name}.match.tsv, or lower --min-overlap"
                )
            result = score(source, matches, scoring.pgs_id, mean_impute=mean_impute)
            _write_scores(result, source, out.with_name(out.name + ".scores.tsv"))
    except GeneticsInputError as exc:
        fail(str(exc))
