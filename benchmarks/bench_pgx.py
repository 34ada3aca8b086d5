"""Benchmark: PGx calling, phenotyping and CPIC guidance for a 10,000-sample cohort VCF.

Builds a synthetic multi-sample VCF over every allele-defining position of CYP2B6, CYP2C19 and
CYP2D6 (two named alleles per sample and gene drawn with weight 1/rank in table order, ~1% of
genotypes missing, unphased), then times ``call_genotypes`` (read + match + phenotype) and the
CPIC guidance for every sample, on one core. Not a unit test; run on demand::

    .venv/bin/python benchmarks/bench_pgx.py [--samples 10000] [--seed 7] [--write]

``--write`` replaces the "PGx calling" section of docs/benchmarks.md with the figures.
"""

from __future__ import annotations

import argparse
import platform
import random
import tempfile
import time
from pathlib import Path

from trdkit.knowledge.pgx_alleles import PGX_GENES, load_allele_definitions
from trdkit.pgx.batch import guidance_by_sample
from trdkit.pgx.call import call_genotypes

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## PGx calling"


def _haplotype(gene: str, allele: str) -> list[int]:
    defs = load_allele_definitions(gene)
    named = {a.name: a for a in defs.alleles}
    reference = next(a for a in defs.alleles if a.reference)
    out = []
    for pos in defs.positions:
        cell = named[allele].defining.get(pos.pos) or reference.defining.get(pos.pos, (pos.ref,))
        out.append(pos.alleles.index(cell[0]))
    return out


def build_vcf(path: Path, n_samples: int, seed: int) -> None:
    """Write the synthetic cohort VCF."""
    rng = random.Random(seed)
    columns = []
    for gene in PGX_GENES:
        defs = load_allele_definitions(gene)
        names = [a.name for a in defs.alleles]
        haps = {n: _haplotype(gene, n) for n in names}
        # Common alleles come first in the tables: weight 1/rank, like a skewed frequency.
        weights = [1 / (rank + 1) for rank in range(len(names))]
        per_sample = []
        for _ in range(n_samples):
            pair = rng.choices(names, weights=weights, k=2)
            per_sample.append((haps[pair[0]], haps[pair[1]]))
        for i, pos in enumerate(defs.positions):
            calls = []
            for h1, h2 in per_sample:
                calls.append("./." if rng.random() < 0.01 else f"{h1[i]}/{h2[i]}")
            site = [defs.chromosome, str(pos.pos), pos.rsid or ".", pos.ref, ",".join(pos.alts)]
            columns.append("\t".join([*site, ".", "PASS", ".", "GT", *calls]))
    head = [
        "##fileformat=VCFv4.2",
        "##contig=<ID=chr10,length=133797422>",
        "##contig=<ID=chr19,length=58617616>",
        "##contig=<ID=chr22,length=50818468>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
        + "\t".join(f"S{i:05d}" for i in range(n_samples)),
    ]
    path.write_text("\n".join(head + columns) + "\n", encoding="utf-8")


def run(n_samples: int, seed: int) -> dict[str, float]:
    """Time each stage; return the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        vcf = Path(tmp) / "cohort.vcf"
        t0 = time.perf_counter()
        build_vcf(vcf, n_samples, seed)
        size = vcf.stat().st_size
        t1 = time.perf_counter()
        guidance_by_sample(call_genotypes(vcf, sample="S00000"))  # load tables once
        t2 = time.perf_counter()
        calls = call_genotypes(vcf)
        t3 = time.perf_counter()
    drugs = guidance_by_sample(calls)
    t4 = time.perf_counter()
    distinct = {id(g) for per_drug in drugs.values() for g in per_drug.values()}
    return {
        "samples": n_samples,
        "vcf_mb": size / 1e6,
        "build_s": t1 - t0,
        "warmup_s": t2 - t1,
        "call_s": t3 - t2,
        "guidance_s": t4 - t3,
        "distinct_guidance": len(distinct),
    }


def _markdown(fig: dict[str, float], argv: str) -> str:
    n = fig["samples"]
    total = fig["call_s"] + fig["guidance_s"]
    return "\n".join(
        [
            SECTION,
            "",
            f"Command: `.venv/bin/python benchmarks/bench_pgx.py {argv}`",
            "",
            f"Machine: {platform.machine()}, Python {platform.python_version()}, one core; "
            f"synthetic VCF of {n:,} samples x every defining position "
            f"of {', '.join(PGX_GENES)} ({fig['vcf_mb']:.0f} MB, unphased, ~1% missing calls).",
            "",
            "| stage | seconds | ms per sample |",
            "|---|---|---|",
            f"| read + match + phenotype (`call_genotypes`) | {fig['call_s']:.2f} | "
            f"{1000 * fig['call_s'] / n:.3f} |",
            f"| CPIC guidance, 14 drugs ({fig['distinct_guidance']:,} distinct look-ups) | "
            f"{fig['guidance_s']:.2f} | {1000 * fig['guidance_s'] / n:.3f} |",
            f"| **total** | **{total:.2f}** | **{1000 * total / n:.3f}** |",
            "",
            f"One-off start-up (loading the knowledge tables): {fig['warmup_s']:.2f} s. "
            "Target: at most 5 ms per sample per core.",
            "",
        ]
    )


def _write(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    if SECTION in text:
        before, after = text.split(SECTION, 1)
        rest = after.split("\n## ", 1)
        text = before + section + ("\n## " + rest[1] if len(rest) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    """Run the benchmark and print (or write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    figures = run(args.samples, args.seed)
    argv = f"--samples {args.samples} --seed {args.seed}"
    section = _markdown(figures, argv)
    print(section)
    if args.write:
        _write(section)


if __name__ == "__main__":
    main()
