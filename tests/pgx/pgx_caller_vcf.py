"""Building synthetic VCFs from the allele definitions (the way PharmCAT's test builder does).

Every defining position of a gene is written, each sample's two haplotypes are the named
alleles' definitions (reference row where a definition is blank), and single positions can be
made missing (``./.``) or dropped from the file.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from trdkit.knowledge.pgx_alleles import load_allele_definitions
from trdkit.pgx.match import diplotype_name

GENES = ("CYP2B6", "CYP2C19", "CYP2D6")
LENGTHS_38 = {"10": 133797422, "19": 58617616, "22": 50818468}
LENGTHS_37 = {"10": 135534747, "19": 59128983, "22": 51304566}


def haplotype(gene: str, allele: str, pick: int = 0) -> list[int]:
    """Allele codes of one named allele at every position (``pick`` chooses within wobbles)."""
    defs = load_allele_definitions(gene)
    named = {a.name: a for a in defs.alleles}
    reference = next(a for a in defs.alleles if a.reference)
    codes = []
    for pos in defs.positions:
        cell = named[allele].defining.get(pos.pos) or reference.defining.get(pos.pos, (pos.ref,))
        codes.append(pos.alleles.index(cell[min(pick, len(cell) - 1)]))
    return codes


def callable_alleles(gene: str) -> list[str]:
    """Named alleles that a VCF can show (all of them in the definition files)."""
    return [a.name for a in load_allele_definitions(gene).alleles if not a.structural]


def allele_pairs(gene: str) -> list[tuple[str, str]]:
    """Every unordered pair of VCF-callable alleles, including homozygous pairs."""
    names = callable_alleles(gene)
    return [(a, b) for i, a in enumerate(names) for b in names[i:]]


@dataclass
class Sample:
    """One sample: per gene two haplotypes of allele codes; missing or half-called positions."""

    name: str
    haplotypes: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)
    missing: set[tuple[str, int]] = field(default_factory=set)
    half: set[tuple[str, int]] = field(default_factory=set)

    @classmethod
    def of(cls, name: str, **diplotypes: tuple[str, str]) -> Sample:
        sample = cls(name)
        for gene, (a, b) in diplotypes.items():
            sample.haplotypes[gene] = (haplotype(gene, a), haplotype(gene, b))
        return sample


def expected(a: str, b: str) -> str:
    return diplotype_name(a, b)


def vcf_text(
    samples: Sequence[Sample],
    *,
    genes: Iterable[str] = GENES,
    phased: bool = False,
    chr_prefix: bool = True,
    drop: Iterable[tuple[str, int]] = (),
    lengths: Mapping[str, int] | None = LENGTHS_38,
    extra_header: Sequence[str] = (),
) -> str:
    """The VCF: every defining position of ``genes`` unless dropped (reference where unset)."""
    dropped = set(drop)
    sep = "|" if phased else "/"
    lines = ["##fileformat=VCFv4.2"]
    for chrom, length in (lengths or {}).items():
        name = f"chr{chrom}" if chr_prefix else chrom
        lines.append(f"##contig=<ID={name},length={length}>")
    lines.append('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
    lines.extend(extra_header)
    lines.append(
        "\t".join(
            [
                "#CHROM",
                "POS",
                "ID",
                "REF",
                "ALT",
                "QUAL",
                "FILTER",
                "INFO",
                "FORMAT",
                *(s.name for s in samples),
            ]
        )
    )
    records = []
    for gene in genes:
        defs = load_allele_definitions(gene)
        chrom = defs.chromosome if chr_prefix else defs.chromosome_number
        for i, pos in enumerate(defs.positions):
            if (gene, i) in dropped:
                continue
            calls = []
            for s in samples:
                h1, h2 = s.haplotypes.get(gene, ([0] * len(defs.positions),) * 2)
                if (gene, i) in s.missing:
                    calls.append(f".{sep}.")
                elif (gene, i) in s.half:
                    calls.append(f".{sep}{h2[i]}")
                else:
                    calls.append(f"{h1[i]}{sep}{h2[i]}")
            rsid = pos.rsid or "."
            records.append((chrom, pos.pos, rsid, pos.ref, ",".join(pos.alts), calls))
    for chrom, p, rsid, ref, alt, calls in records:
        lines.append("\t".join([chrom, str(p), rsid, ref, alt, ".", "PASS", ".", "GT", *calls]))
    return "\n".join(lines) + "\n"


def write_vcf(path: Path, text: str) -> Path:
    """Write plain or (by suffix ``.gz``) gzip-compressed VCF text."""
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
