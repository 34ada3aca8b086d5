"""Consumer raw-data files (23andMe, AncestryDNA and the like) at the defining positions.

These files list array genotypes by rsid on the forward strand, 23andMe as one two-letter
genotype column, AncestryDNA as two allele columns (``--`` or ``0`` for no call). Positions are
matched by rsid, so the build of the file's coordinates (usually GRCh37) does not matter. Arrays
cover few allele-defining positions, so most positions are missing and the calls say so;
array indel codes (``I``/``D``) cannot be mapped to sequence and count as missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from trdkit.knowledge.pgx_alleles import load_allele_definitions
from trdkit.pgx.genotypes import GeneGenotypes, GenotypeData
from trdkit.pgx.sites import MISSING, NOVEL, Site, gene_sites

__all__ = ["read_raw"]

_NO_CALL = {"-", "0", ""}


def _fields(line: str) -> list[str]:
    sep = "\t" if "\t" in line else ","
    return [f.strip().strip('"') for f in line.split(sep)]


def _alleles(fields: list[str]) -> tuple[str, str] | None:
    if len(fields) >= 5:
        return fields[3].upper(), fields[4].upper()
    if len(fields) == 4:
        call = fields[3].upper()
        if len(call) == 2:
            return call[0], call[1]
        if len(call) == 1:
            return call, "-"
    return None


def _code(site: Site, base: str) -> int:
    if base in _NO_CALL:
        return MISSING
    return site.alleles.index(base) if base in site.alleles else NOVEL


def read_raw(path: Path, *, sample: str, genes: Sequence[str]) -> GenotypeData:
    """Read one consumer raw-data file into genotype arrays (one sample).

    Parameters
    ----------
    path
        The raw-data text file.
    sample
        Name to give the sample.
    genes
        Genes to read.
    """
    by_rsid: dict[str, list[Site]] = {}
    data: dict[str, GeneGenotypes] = {}
    for gene in genes:
        data[gene] = GeneGenotypes.empty(gene, 1, len(load_allele_definitions(gene).positions))
        for site in gene_sites(gene, "GRCh38"):
            if site.rsid:
                by_rsid.setdefault(site.rsid, []).append(site)
    indels: list[str] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            fields = _fields(line.rstrip("\n"))
            sites = by_rsid.get(fields[0])
            if not sites or (pair := _alleles(fields)) is None:
                continue
            for site in sites:
                if site.kind != "snv" or {"I", "D"} & set(pair):
                    indels.append(fields[0])
                    continue
                codes = [_code(site, b) for b in pair]
                genotypes = data[site.gene]
                genotypes.alleles[0, site.index] = codes
                if NOVEL in codes:
                    seen = {b for b, c in zip(pair, codes, strict=True) if c == NOVEL}
                    genotypes.novel.setdefault(site.index, set()).update(seen)
    notes = []
    if indels:
        notes.append(f"array indel calls not used: {', '.join(sorted(set(indels)))}")
    return GenotypeData(
        samples=(sample,), genes=data, source="raw_data", assembly="GRCh38", notes=notes
    )
