"""Calling the antidepressant pharmacogenes of every sample in a VCF or raw-data file.

``call_genotypes`` reads the defining positions (``read``), matches diplotypes (``match``),
explains each call (``explain``) and translates it into the CPIC phenotype
(``trdkit.pgx.phenotype``). Outside calls replace the file's call for their gene. Samples are
processed in blocks and each distinct genotype pattern of a block is matched and translated once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from trdkit.knowledge.pgx_alleles import PGX_GENES, load_allele_definitions
from trdkit.pgx.errors import PgxInputError
from trdkit.pgx.explain import MAX_DIPLOTYPES, CallContext, Described, describe
from trdkit.pgx.genotypes import GeneGenotypes, GenotypeData
from trdkit.pgx.match import match_genotypes
from trdkit.pgx.model import GeneCall
from trdkit.pgx.outside import OutsideCall, read_outside_calls
from trdkit.pgx.phenotype import resolve_phenotype
from trdkit.pgx.read import DEFAULT_CHUNK, iter_genotypes, list_samples
from trdkit.pgx.sites import Assembly, gene_sites

__all__ = ["Progress", "call_genotypes", "iter_calls"]

Progress = Callable[[int, int], None]
Calls = dict[str, dict[str, GeneCall]]


@lru_cache(maxsize=65536)
def _translate(
    gene: str, diplotype: str
) -> tuple[str, float | None, tuple[str, ...], tuple[str, ...]]:
    try:
        result = resolve_phenotype(gene, diplotype)
    except ValueError as exc:
        return "Indeterminate", None, (f"{gene} {diplotype} -> Indeterminate: {exc}",), (str(exc),)
    return result.phenotype, result.activity_score, result.because, result.warnings


def _phenotype(
    gene: str, diplotypes: Sequence[str]
) -> tuple[str, float | None, list[str], list[str]]:
    """The phenotype all diplotypes share (else Indeterminate), with reasons."""
    results = [_translate(gene, d) for d in diplotypes]
    phenotypes = sorted({r[0] for r in results})
    scores = {r[1] for r in results}
    score = scores.pop() if len(scores) == 1 else None
    because, warnings = list(results[0][2]), list(results[0][3])
    if len(diplotypes) > 1:
        if len(phenotypes) == 1:
            because.append(f"all {len(diplotypes)} fitting diplotypes give {phenotypes[0]}")
        else:
            because.append(
                f"{gene} phenotype Indeterminate: the fitting diplotypes give "
                f"{', '.join(phenotypes)}"
            )
    return (phenotypes[0] if len(phenotypes) == 1 else "Indeterminate"), score, because, warnings


def _vcf_call(gene: str, described: Described, source: str, ctx: CallContext) -> GeneCall:
    phenotype: str | None = None
    score: float | None = None
    because, warnings = list(described.because), list(described.warnings)
    if described.diplotype is not None:
        options = [described.diplotype, *described.alternatives]
        phenotype, score, why, problems = _phenotype(gene, options)
        because += why
        warnings += problems
    return GeneCall(
        diplotype=described.diplotype,
        alternatives=described.alternatives,
        called=described.called,
        phenotype=phenotype,
        activity_score=score,
        source="raw_data" if source == "raw_data" else "vcf",
        missing_positions=described.missing_positions,
        warnings=warnings,
        research_grade=ctx.defs.vcf_calling == "research",
        assumed_reference=ctx.assume_reference and bool(described.missing_positions),
        because=because,
    )


def _outside_call(call: OutsideCall) -> GeneCall:
    gene = call.gene
    because = [
        f"{gene} {call.diplotype or call.phenotype} from the outside call ({call.source}); "
        "it replaces any call from the genotype file"
    ]
    warnings = list(call.warnings)
    phenotype, score = call.phenotype, call.activity_score
    if call.diplotype is not None:
        derived, derived_score, why, problems = _translate(gene, call.diplotype)
        if phenotype is None:
            phenotype, because = derived, because + list(why)
            warnings += problems
        elif derived != "Indeterminate" and derived != phenotype:
            warnings.append(
                f"the outside phenotype {phenotype} differs from CPIC's translation of "
                f"{call.diplotype} ({derived}); the outside phenotype is reported"
            )
        if score is None:
            score = derived_score
    if phenotype is None and call.diplotype is None:
        warnings.append(f"the outside call gives no usable {gene} diplotype or phenotype")
    return GeneCall(
        diplotype=call.diplotype,
        called=phenotype is not None or call.diplotype is not None,
        phenotype=phenotype,
        activity_score=score,
        source="outside_call",
        warnings=warnings,
        because=because,
    )


def _filled(gg: GeneGenotypes, missing: npt.NDArray[np.bool_], assembly: Assembly) -> GeneGenotypes:
    """The arrays with absent positions set to the assembly's reference allele (opt-in)."""
    alleles = gg.alleles.copy()
    for site in gene_sites(gg.gene, assembly):
        rows = missing[:, site.index]
        if site.ref_code >= 0:
            alleles[rows, site.index, :] = site.ref_code
    return GeneGenotypes(
        gg.gene, alleles, gg.phased, gg.phase_set, gg.novel, gg.ref_mismatch, gg.conflicts
    )


def _call_block(
    block: GenotypeData, genes: Sequence[str], assume_reference: bool, max_diplotypes: int
) -> Calls:
    out: Calls = {s: {} for s in block.samples}
    for gene in genes:
        gg = block.genes[gene]
        defs = load_allele_definitions(gene)
        placed = {s.index for s in gene_sites(gene, block.assembly)}
        ctx = CallContext(
            defs=defs,
            genotypes=gg,
            assembly=block.assembly,
            assume_reference=assume_reference,
            max_diplotypes=max_diplotypes,
            unplaced=frozenset(set(range(len(defs.positions))) - placed),
            notes=tuple(block.notes),
        )
        missing = gg.missing()
        matched = _filled(gg, missing, block.assembly) if assume_reference else gg
        matches, which = match_genotypes(matched, missing)
        _, first = np.unique(which, return_index=True)
        calls = [
            _vcf_call(
                gene, describe(ctx, m, np.flatnonzero(missing[row]).tolist()), block.source, ctx
            )
            for m, row in zip(matches, first, strict=True)
        ]
        for sample, j in zip(block.samples, which.tolist(), strict=True):
            out[sample][gene] = calls[j].model_copy()
    return out


def iter_calls(
    path: str | Path,
    *,
    sample: str | None = None,
    assembly: Assembly = "GRCh38",
    assume_reference: bool = False,
    outside_calls: str | Path | Mapping[str, OutsideCall] | None = None,
    genes: Sequence[str] = PGX_GENES,
    chunk_size: int = DEFAULT_CHUNK,
    max_diplotypes: int = MAX_DIPLOTYPES,
    samples: Sequence[str] | None = None,
) -> Iterator[Calls]:
    """Yield the calls block by block (at most ``chunk_size`` samples each).

    The streaming form of ``call_genotypes`` for cohorts too large to hold every call at once;
    the parameters are the same, plus ``samples``: call only these (a cohort's sample list), so
    left-out samples cost no calling time. ``sample`` and ``samples`` are exclusive.
    """
    if sample is not None and samples is not None:
        raise ValueError("give either sample or samples, not both")
    outside: Mapping[str, OutsideCall] = {}
    if outside_calls is not None:
        read = (
            read_outside_calls(outside_calls)
            if isinstance(outside_calls, str | Path)
            else outside_calls
        )
        outside = {g: c for g, c in read.items() if g in genes}
    names = [sample] if sample is not None else (list(samples) if samples is not None else None)
    if outside and (sample is None and len(list_samples(path)) != 1):
        raise PgxInputError(
            "outside calls describe one person; choose the sample they belong to with --sample"
        )
    from_file = [g for g in genes if g not in outside]
    for block in iter_genotypes(
        path, samples=names, assembly=assembly, chunk_size=chunk_size, genes=from_file
    ):
        calls = _call_block(block, from_file, assume_reference, max_diplotypes)
        for sample_calls in calls.values():
            for gene, call in outside.items():
                sample_calls[gene] = _outside_call(call)
        yield {s: {g: c[g] for g in genes if g in c} for s, c in calls.items()}


def call_genotypes(
    path: str | Path,
    *,
    sample: str | None = None,
    assembly: Assembly = "GRCh38",
    assume_reference: bool = False,
    outside_calls: str | Path | Mapping[str, OutsideCall] | None = None,
    genes: Sequence[str] = PGX_GENES,
    chunk_size: int = DEFAULT_CHUNK,
    max_diplotypes: int = MAX_DIPLOTYPES,
    progress: Progress | None = None,
) -> Calls:
    """Call CYP2B6, CYP2C19 and CYP2D6 for every sample of a VCF/BCF or raw-data file.

    Parameters
    ----------
    path
        VCF (``.vcf``, ``.vcf.gz``), BCF, or 23andMe/AncestryDNA raw data.
    sample
        Call only this sample (default: every sample).
    assembly
        ``GRCh38`` (default) or ``GRCh37``; the data must be in this build.
    assume_reference
        Treat absent defining positions as reference (opt-in; the calls say so).
    outside_calls
        A TSV path or parsed calls; they replace the file's call for their genes (one sample).
    genes
        Genes to call.
    chunk_size
        Samples read and matched per block (memory bound for wide cohort VCFs).
    max_diplotypes
        More fitting diplotypes than this leave a gene not called.
    progress
        Called with (samples done, samples total) after each block.

    Returns
    -------
    dict
        sample → gene → ``GeneCall`` (CPIC phenotype filled in).

    Raises
    ------
    PgxInputError
        Unreadable input (see ``trdkit.pgx.errors``), or outside calls with several samples.

    References
    ----------
    .. [1] Sangkuhl K et al. PharmCAT. Clin Pharmacol Ther 2020;107(1):203-210.
    """
    total = 1 if sample is not None else len(list_samples(path))
    result: Calls = {}
    for block in iter_calls(
        path,
        sample=sample,
        assembly=assembly,
        assume_reference=assume_reference,
        outside_calls=outside_calls,
        genes=genes,
        chunk_size=chunk_size,
        max_diplotypes=max_diplotypes,
    ):
        result.update(block)
        if progress is not None:
            progress(len(result), total)
    return result
