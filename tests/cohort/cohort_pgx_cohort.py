"""A generated multi-sample VCF for the cohort PGx tests, from the PGx tests' VCF builder.

The builder lives in ``tests/pgx/pgx_caller_vcf.py``; its folder is put on ``sys.path`` here so
that the cohort tests run on their own too.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "pgx"))

from pgx_caller_vcf import GENES, Sample, callable_alleles, haplotype, vcf_text, write_vcf

__all__ = ["cohort_vcf", "random_samples"]


def random_samples(n: int, seed: int, *, missing_rate: float = 0.02) -> list[Sample]:
    """``n`` samples with two random VCF-callable alleles per gene and a few missing calls."""
    rng = random.Random(seed)
    names = {gene: callable_alleles(gene)[:12] for gene in GENES}
    out = []
    for i in range(n):
        sample = Sample(f"P{i:03d}")
        for gene in GENES:
            a, b = rng.choice(names[gene]), rng.choice(names[gene])
            first, second = haplotype(gene, a), haplotype(gene, b)
            sample.haplotypes[gene] = (first, second)
            for pos in range(len(first)):
                if rng.random() < missing_rate:
                    sample.missing.add((gene, pos))
        out.append(sample)
    return out


def cohort_vcf(path: Path, samples: list[Sample], genes: tuple[str, ...] = GENES) -> Path:
    """Write the samples as an unphased multi-sample VCF (GRCh38, chr prefix)."""
    return write_vcf(path, vcf_text(samples, genes=genes))
