"""Small simulated cohorts for the association and scoring tests, written as PLINK/VCF files."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

# .bed 2-bit codes indexed by A1 count + 1: missing 01, 0 -> 11, 1 -> 10, 2 -> 00.
_CODE = np.array([1, 3, 2, 0], dtype=np.uint8)


def require_tool(name: str) -> str:
    """Return the path of a system tool; skip without it, but fail when CI is 'true'."""
    path = shutil.which(name)
    if path is None:
        message = f"system tool {name!r} is not installed (scripts/system-packages.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@dataclass
class Cohort:
    """Genotypes (variants x samples A1 counts, -1 missing), variant table, traits, covariates."""

    geno: NDArray[np.int8]
    chrom: list[str]
    pos: list[int]
    ids: list[str]
    ref: list[str]
    alt: list[str]
    covar: NDArray[np.float64]  # samples x (AGE, SEX, PC1)
    binary: NDArray[np.int64]  # 1/2 coded
    quant: NDArray[np.float64]

    @property
    def n(self) -> int:
        return int(self.geno.shape[1])


def simulate(
    n: int = 400, m: int = 120, missing: float = 0.0, seed: int = 1, causal: float = 0.6
) -> Cohort:
    """Simulate independent SNPs, two traits driven by variant 3, and three covariates."""
    rng = np.random.default_rng(seed)
    freq = rng.uniform(0.05, 0.5, m)
    geno = rng.binomial(2, freq[:, None], (m, n)).astype(np.int8)
    if missing:
        geno[rng.random((m, n)) < missing] = -1
    age = rng.normal(45, 12, n)
    sex = rng.integers(1, 3, n).astype(np.float64)
    pc1 = rng.normal(size=n)
    g3 = np.where(geno[3] < 0, 0, geno[3]).astype(np.float64)
    eta = -0.8 + causal * g3 + 0.02 * (age - 45) + 0.3 * (sex - 1) + 0.2 * pc1
    binary = 1 + (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(np.int64)
    quant = 0.5 * g3 - 0.01 * (age - 45) + rng.normal(size=n)
    bases = ["A", "C", "G", "T"]
    ref, alt = [], []
    for _ in range(m):
        a, b = rng.choice(4, 2, replace=False)
        ref.append(bases[a])
        alt.append(bases[b])
    return Cohort(
        geno=geno,
        chrom=["1"] * (m // 2) + ["2"] * (m - m // 2),
        pos=[1000 + 100 * i for i in range(m)],
        ids=[f"rs{9000 + i}" for i in range(m)],
        ref=ref,
        alt=alt,
        covar=np.column_stack([age, sex, pc1]),
        binary=binary,
        quant=quant,
    )


def write_bed(c: Cohort, prefix: Path) -> Path:
    """Write ``prefix.bed/.bim/.fam`` (A1 = ALT in .bim column 5)."""
    n = c.n
    width = (n + 3) // 4
    codes = np.zeros((c.geno.shape[0], width * 4), dtype=np.uint8)
    codes[:, :n] = _CODE[c.geno.astype(np.int16) + 1]
    quads = codes.reshape(c.geno.shape[0], width, 4)
    packed = quads[:, :, 0] | quads[:, :, 1] << 2 | quads[:, :, 2] << 4 | quads[:, :, 3] << 6
    prefix.with_suffix(".bed").write_bytes(b"\x6c\x1b\x01" + packed.astype(np.uint8).tobytes())
    bim = [
        f"{c.chrom[i]}\t{c.ids[i]}\t0\t{c.pos[i]}\t{c.alt[i]}\t{c.ref[i]}"
        for i in range(len(c.ids))
    ]
    prefix.with_suffix(".bim").write_text("\n".join(bim) + "\n")
    fam = [f"f{i}\ts{i}\t0\t0\t{int(c.covar[i, 1])}\t-9" for i in range(n)]
    prefix.with_suffix(".fam").write_text("\n".join(fam) + "\n")
    return prefix


def write_tables(c: Cohort, folder: Path, fid: bool = True) -> tuple[Path, Path]:
    """Write ``pheno.tsv`` (TRD 1/2, RESP) and ``covar.tsv`` (AGE SEX PC1) in PLINK layout."""
    ids = [f"f{i}\ts{i}" if fid else f"s{i}" for i in range(c.n)]
    head = "#FID\tIID" if fid else "#IID"
    pheno = folder / "pheno.tsv"
    pheno.write_text(
        f"{head}\tTRD\tRESP\n"
        + "".join(f"{ids[i]}\t{c.binary[i]}\t{c.quant[i]:.6f}\n" for i in range(c.n))
    )
    covar = folder / "covar.tsv"
    covar.write_text(
        f"{head}\tAGE\tSEX\tPC1\n"
        + "".join(
            f"{ids[i]}\t{c.covar[i, 0]:.4f}\t{int(c.covar[i, 1])}\t{c.covar[i, 2]:.5f}\n"
            for i in range(c.n)
        )
    )
    return pheno, covar


def write_vcf(c: Cohort, path: Path) -> Path:
    """Write an uncompressed VCF of the same genotypes (sample names s0, s1, ...)."""
    calls = {-1: "./.", 0: "0/0", 1: "0/1", 2: "1/1"}
    lines = [
        "##fileformat=VCFv4.2",
        *(f"##contig=<ID={ch}>" for ch in dict.fromkeys(c.chrom)),
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "\t".join(
            ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"]
            + [f"s{i}" for i in range(c.n)]
        ),
    ]
    for v in range(len(c.ids)):
        fixed = [c.chrom[v], str(c.pos[v]), c.ids[v], c.ref[v], c.alt[v], ".", ".", ".", "GT"]
        lines.append("\t".join(fixed + [calls[int(g)] for g in c.geno[v]]))
    path.write_text("\n".join(lines) + "\n")
    return path


def write_random_bed(prefix: Path, n: int, m: int, seed: int = 3, chunk: int = 8000) -> Path:
    """Stream a large random .bed to disk, ``chunk`` variants at a time.

    Every 2-bit code is drawn uniformly, so a quarter of the calls are missing: the slower,
    missing-aware path of the kernels runs on every variant.
    """
    rng = np.random.default_rng(seed)
    width = (n + 3) // 4
    with prefix.with_suffix(".bed").open("wb") as fh:
        fh.write(b"\x6c\x1b\x01")
        for start in range(0, m, chunk):
            size = min(chunk, m - start)
            fh.write(rng.integers(0, 256, (size, width), dtype=np.uint8).tobytes())
    prefix.with_suffix(".bim").write_text("".join(f"1\tv{i}\t0\t{i + 1}\tA\tG\n" for i in range(m)))
    prefix.with_suffix(".fam").write_text("".join(f"f{i}\ts{i}\t0\t0\t1\t-9\n" for i in range(n)))
    return prefix
