"""The PGx calls of a whole cohort as one table, and its CPIC guidance counted by recommendation.

The batch caller (``trdkit.pgx.call.iter_calls``) reads a multi-sample VCF/BCF block by block;
each block's calls become rows of a polars frame (one per sample and gene) and its guidance
(``trdkit.pgx.batch.guidance_by_sample``) is counted per drug and CPIC lookup, so memory holds one
block of ``GeneCall`` objects at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from trdkit.knowledge.cohort_pgx import load_cohort_pgx
from trdkit.knowledge.pgx_alleles import PGX_GENES
from trdkit.pgx.batch import guidance_by_sample
from trdkit.pgx.call import iter_calls
from trdkit.pgx.errors import PgxSampleError
from trdkit.pgx.model import DrugGuidance, GeneCall
from trdkit.pgx.read import DEFAULT_CHUNK, list_samples
from trdkit.pgx.sites import Assembly

__all__ = [
    "CALL_SCHEMA",
    "NOT_CALLED",
    "CohortCalls",
    "GuidanceKey",
    "call_cohort",
    "call_quality",
    "read_sample_list",
    "uncalled_reason",
]

# The phenotype written for a gene that was not called (a category of its own in the counts).
NOT_CALLED = "Not called"

CALL_SCHEMA: dict[str, pl.DataType] = {
    "IID": pl.String(),
    "gene": pl.String(),
    "diplotype": pl.String(),
    "phenotype": pl.String(),
    "activity_score": pl.Float64(),
    "called": pl.Boolean(),
    "quality": pl.String(),
    "n_alternatives": pl.Int32(),
    "alternatives": pl.String(),
    "n_missing_positions": pl.Int32(),
    "missing_positions": pl.String(),
    "research_grade": pl.Boolean(),
    "assumed_reference": pl.Boolean(),
    "uncalled_reason": pl.String(),
}

# drug, genes, lookup ("GENE=key; ..."), principal action, strength, actionable, worst case
GuidanceKey = tuple[str, str, str, str, str, bool, bool]

# Ordered: the first reason whose words the caller's explanation contains is the one counted.
_REASONS = (
    ("no defining position is in the input", "no_data"),
    ("records in this input disagree", "conflicting_records"),
    ("an allele that no", "novel_allele"),
    ("diplotypes fit the available data", "too_many_diplotypes"),
    ("no pair of", "no_fitting_diplotype"),
)


def uncalled_reason(call: GeneCall) -> str | None:
    """Why a gene was not called, as a short code (``None`` for a called gene).

    The caller explains a missing call in words (``trdkit.pgx.explain``); the code is read from
    them: ``no_data``, ``conflicting_records``, ``novel_allele``, ``too_many_diplotypes``,
    ``no_fitting_diplotype``, else ``other``.
    """
    if call.called:
        return None
    text = " ".join(call.warnings + call.because)
    return next((code for words, code in _REASONS if words in text), "other")


def call_quality(call: GeneCall) -> str:
    """``not_called``; ``ambiguous`` (other diplotypes fit equally); ``partial`` (one diplotype
    fits but defining positions are missing); else ``complete``."""
    if not call.called:
        return "not_called"
    if call.alternatives:
        return "ambiguous"
    return "partial" if call.missing_positions else "complete"


@dataclass
class CohortCalls:
    """Calls of every analysed sample, guidance counts, and what was read."""

    calls: pl.DataFrame
    guidance: Counter[GuidanceKey] = field(default_factory=Counter)
    samples_in_file: int = 0
    samples: tuple[str, ...] = ()
    genes: tuple[str, ...] = PGX_GENES


def _rows(block: Mapping[str, Mapping[str, GeneCall]]) -> pl.DataFrame:
    cols: dict[str, list[object]] = {name: [] for name in CALL_SCHEMA}
    for sample, genes in block.items():
        for gene, c in genes.items():
            values = (
                sample,
                gene,
                c.diplotype,
                c.phenotype if c.called and c.phenotype else NOT_CALLED,
                c.activity_score,
                c.called,
                call_quality(c),
                len(c.alternatives),
                ";".join(c.alternatives) or None,
                len(c.missing_positions),
                ";".join(c.missing_positions) or None,
                c.research_grade,
                c.assumed_reference,
                uncalled_reason(c),
            )
            for name, value in zip(CALL_SCHEMA, values, strict=True):
                cols[name].append(value)
    return pl.DataFrame(cols, schema=CALL_SCHEMA)


def _guidance_key(drug: str, guidance: DrugGuidance, quiet: frozenset[str]) -> GuidanceKey:
    lookup = "; ".join(f"{gene}={key}" for gene, key in sorted(guidance.lookup.items()))
    genes = ",".join(sorted(guidance.lookup))
    strength = guidance.strength or ""
    actionable = guidance.action not in quiet
    return (drug, genes, lookup, guidance.action, strength, actionable, guidance.worst_case)


def read_sample_list(path: Path) -> list[str]:
    """Sample ids from a file: one per line, or PLINK ``--keep`` lines ``FID IID`` (IID used);
    blank lines and lines starting with ``#`` are skipped."""
    out: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        out.append(fields[1] if len(fields) >= 2 else fields[0])
    return list(dict.fromkeys(out))


def call_cohort(
    vcf: str | Path,
    *,
    samples: Sequence[str] | None = None,
    assembly: Assembly = "GRCh38",
    assume_reference: bool = False,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> CohortCalls:
    """Call every (or every listed) sample and count the CPIC guidance they receive.

    Parameters
    ----------
    vcf
        Multi-sample VCF or BCF (or a single-sample file).
    samples
        Analyse only these samples (file order is kept); unknown names are an error.
    assembly, assume_reference, chunk_size
        As for ``trdkit.pgx.call.call_genotypes``.
    progress
        Called with (samples called, samples to call) after each block.

    Returns
    -------
    CohortCalls
        The call table (``CALL_SCHEMA``) and guidance counts per drug and lookup.

    Raises
    ------
    PgxInputError
        Unreadable input, a wrong build, or a listed sample that is not in the file.
    """
    available = list_samples(vcf)
    keep: set[str] | None = None
    if samples is not None:
        unknown = sorted(set(samples) - set(available))
        if unknown:
            shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
            raise PgxSampleError(f"--sample-list: {len(unknown)} sample(s) not in the VCF: {shown}")
        keep = set(samples)
    quiet = frozenset(load_cohort_pgx().non_actionable_actions.actions)
    frames: list[pl.DataFrame] = []
    counts: Counter[GuidanceKey] = Counter()
    seen = 0
    wanted = None if keep is None else [s for s in available if s in keep]
    total = len(available) if wanted is None else len(wanted)
    for chosen in iter_calls(
        vcf,
        assembly=assembly,
        assume_reference=assume_reference,
        chunk_size=chunk_size,
        samples=wanted,
    ):
        seen += len(chosen)
        if chosen:
            frames.append(_rows(chosen))
            for per_drug in guidance_by_sample(chosen).values():
                counts.update(_guidance_key(d, g, quiet) for d, g in per_drug.items())
        if progress is not None:
            progress(seen, total)
    calls = pl.concat(frames) if frames else pl.DataFrame(schema=CALL_SCHEMA)
    names = tuple(s for s in available if keep is None or s in keep)
    return CohortCalls(calls, counts, len(available), names)
