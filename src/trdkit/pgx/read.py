"""Reading genotypes at the allele-defining positions from a VCF, BCF or consumer raw data.

Only the defining positions are read: with a tabix/CSI index the gene regions are fetched,
otherwise the file is streamed and every record outside the gene windows is skipped. Samples
are read in blocks (``chunk_size``), so a cohort VCF of any width stays within bounded memory;
each block is one pass over the regions with only that block's genotypes decoded.

Missing data stay missing: a defining position without a record (or with ``./.``) is
``MISSING`` in the arrays, never reference. gVCF reference blocks (symbolic ALT such as
``<NON_REF>`` with ``END``) are reference calls at the positions they cover.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from cyvcf2 import VCF  # type: ignore[import-untyped]

from trdkit.knowledge.pgx_alleles import PGX_GENES, load_allele_definitions
from trdkit.pgx.errors import PgxAssemblyError, PgxHeaderError, PgxSampleError, PgxTruncatedError
from trdkit.pgx.genotypes import NO_PHASE_SET, GeneGenotypes, GenotypeData
from trdkit.pgx.normalise import is_symbolic, record_codes
from trdkit.pgx.rawdata import read_raw
from trdkit.pgx.sites import MISSING, NOVEL, Assembly, Site, gene_sites
from trdkit.pgx.sniff import header_assembly, sniff

__all__ = ["DEFAULT_CHUNK", "iter_genotypes", "list_samples", "read_genotypes"]

DEFAULT_CHUNK = 10_000
# Margin around a gene's sites, so that indels written shifted or padded are still seen.
_PAD = 100
_INT32_MISSING = -2147483647


def _open(path: Path, samples: Sequence[str] | None = None) -> Any:
    try:
        vcf = VCF(str(path), samples=list(samples) if samples is not None else None)
    except OSError as exc:
        raise PgxHeaderError(f"{path.name}: not a readable VCF/BCF ({exc})") from exc
    except Exception as exc:  # cyvcf2 raises a bare Exception on a broken header
        with path.open("rb") as fh:
            compressed = fh.read(2) == b"\x1f\x8b"
        if compressed:
            raise PgxTruncatedError(
                f"{path.name}: the VCF header cannot be read ({exc}); the file may be cut short"
            ) from exc
        raise PgxHeaderError(f"{path.name}: the VCF header cannot be read ({exc})") from exc
    return vcf


def list_samples(path: str | Path) -> tuple[str, ...]:
    """The sample names of a VCF/BCF (one name, the file stem, for raw data)."""
    path = Path(path)
    if sniff(path) == "raw":
        return (path.stem,)
    vcf = _open(path)
    try:
        return tuple(vcf.samples)
    finally:
        vcf.close()


def _choose(path: Path, available: Sequence[str], wanted: Sequence[str] | None) -> list[str]:
    if not available:
        raise PgxSampleError(f"{path.name}: the VCF has no sample columns")
    if wanted is None:
        return list(available)
    unknown = [s for s in wanted if s not in set(available)]
    if unknown:
        shown = ", ".join(available[:20]) + (" …" if len(available) > 20 else "")
        raise PgxSampleError(
            f"{path.name}: no sample named {', '.join(map(repr, unknown))}; "
            f"the file has {len(available)}: {shown}"
        )
    return list(wanted)


def _check_header_assembly(path: Path, vcf: Any, assembly: Assembly) -> None:
    declared = header_assembly(vcf.raw_header)
    if declared is not None and declared != assembly:
        hint = "--assembly GRCh37" if declared == "GRCh37" else "the default GRCh38"
        raise PgxAssemblyError(
            f"{path.name}: the header says the data are {declared}, but {assembly} was asked "
            f"for; use {hint} (positions differ between builds)"
        )


def iter_genotypes(
    path: str | Path,
    *,
    samples: Sequence[str] | None = None,
    assembly: Assembly = "GRCh38",
    chunk_size: int = DEFAULT_CHUNK,
    genes: Sequence[str] = PGX_GENES,
) -> Iterator[GenotypeData]:
    """Yield genotypes at the defining positions, one block of at most ``chunk_size`` samples.

    Parameters
    ----------
    path
        VCF (``.vcf``, ``.vcf.gz``), BCF, or a 23andMe/AncestryDNA raw-data text file.
    samples
        Samples to read (default all); for raw data, the name to give the one sample.
    assembly
        Genome build of the data. GRCh37 must be asked for explicitly; a header or records that
        reveal the other build raise ``PgxAssemblyError``.
    chunk_size
        Samples per block.
    genes
        Genes to read.

    Raises
    ------
    PgxInputError
        Unknown file type, missing header, truncated file, unknown sample, wrong build.
    """
    path = Path(path)
    if sniff(path) == "raw":
        name = samples[0] if samples else path.stem
        yield read_raw(path, sample=name, genes=genes)
        return
    vcf = _open(path)
    try:
        chosen = _choose(path, vcf.samples, samples)
        _check_header_assembly(path, vcf, assembly)
    finally:
        vcf.close()
    for start in range(0, len(chosen), chunk_size):
        yield _read_block(path, chosen[start : start + chunk_size], assembly, genes)


def read_genotypes(
    path: str | Path,
    *,
    samples: Sequence[str] | None = None,
    assembly: Assembly = "GRCh38",
    genes: Sequence[str] = PGX_GENES,
) -> GenotypeData:
    """Read every requested sample at once (see ``iter_genotypes``)."""
    blocks = list(iter_genotypes(path, samples=samples, assembly=assembly, genes=genes))
    if len(blocks) == 1:
        return blocks[0]
    first = blocks[0]
    merged = {}
    for gene in first.genes:
        parts = [b.genes[gene] for b in blocks]
        merged[gene] = GeneGenotypes(
            gene=gene,
            alleles=np.concatenate([p.alleles for p in parts]),
            phased=np.concatenate([p.phased for p in parts]),
            phase_set=np.concatenate([p.phase_set for p in parts]),
            novel={k: v for p in parts for k, v in p.novel.items()},
            ref_mismatch=set().union(*(p.ref_mismatch for p in parts)),
            conflicts=set().union(*(p.conflicts for p in parts)),
        )
    names = tuple(s for b in blocks for s in b.samples)
    return GenotypeData(samples=names, genes=merged, source="vcf", assembly=first.assembly)


def _index_exists(path: Path) -> bool:
    return any(Path(f"{path}{ext}").exists() for ext in (".tbi", ".csi"))


def _windows(genes: Sequence[str], assembly: Assembly) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = {}
    for gene in genes:
        sites = gene_sites(gene, assembly)
        if sites:
            lo, hi = sites[0].pos - _PAD, max(s.end for s in sites) + _PAD
            out.setdefault(sites[0].chrom, []).append((lo, hi, gene))
    return out


def _records(vcf: Any, path: Path, windows: dict[str, list[tuple[int, int, str]]]) -> Iterator[Any]:
    if _index_exists(path):
        names = {n.removeprefix("chr"): n for n in vcf.seqnames}
        for chrom, spans in windows.items():
            if chrom in names:
                for lo, hi, _gene in spans:
                    yield from vcf(f"{names[chrom]}:{max(lo, 1)}-{hi}")
        return
    for rec in vcf:
        near = windows.get(rec.CHROM.removeprefix("chr"))
        if near and any(lo <= rec.POS <= hi for lo, hi, _ in near):
            yield rec


class _Evidence:
    """Records whose rsid sits at the other build's coordinate reveal a wrong ``--assembly``."""

    def __init__(self, genes: Sequence[str], assembly: Assembly) -> None:
        other: Assembly = "GRCh37" if assembly == "GRCh38" else "GRCh38"
        self.other = other
        here = {s.rsid: s.pos for g in genes for s in gene_sites(g, assembly) if s.rsid}
        self.there = {
            s.rsid: s.pos
            for g in genes
            for s in gene_sites(g, other)
            if s.rsid and here.get(s.rsid) not in (None, s.pos)
        }
        self.windows = _windows(genes, other)

    def check(self, path: Path, rec: Any) -> None:
        if rec.ID and self.there.get(rec.ID) == rec.POS:
            raise PgxAssemblyError(
                f"{path.name}: {rec.ID} is at {rec.CHROM}:{rec.POS}, its {self.other} position; "
                f"the data look like {self.other}"
                + (" (use --assembly GRCh37)" if self.other == "GRCh37" else "")
            )


def _read_block(
    path: Path, samples: Sequence[str], assembly: Assembly, genes: Sequence[str]
) -> GenotypeData:
    vcf = _open(path, samples)
    names = tuple(vcf.samples)
    sites = {g: gene_sites(g, assembly) for g in genes}
    n_pos = {g: len(load_allele_definitions(g).positions) for g in genes}
    data = {g: GeneGenotypes.empty(g, len(names), n_pos[g]) for g in genes}
    starts = {g: [s.pos for s in sites[g]] for g in genes}
    longest = {g: max((len(s.ref) for s in sites[g]), default=1) for g in genes}
    evidence = _Evidence(genes, assembly)
    windows = _windows(genes, assembly)
    for chrom, spans in evidence.windows.items():
        windows.setdefault(chrom, []).extend(spans)
    records = _records(vcf, path, windows)
    try:
        while (rec := _next(path, records)) is not None:
            evidence.check(path, rec)
            spans = windows.get(rec.CHROM.removeprefix("chr"), [])
            for gene in {g for lo, hi, g in spans if lo <= rec.POS <= hi and g in sites}:
                _apply(rec, sites[gene], starts[gene], longest[gene], data[gene])
    finally:
        vcf.close()
    return GenotypeData(samples=names, genes=data, source="vcf", assembly=assembly)


def _next(path: Path, records: Iterator[Any]) -> Any:
    """The next record, or ``None`` at the end; htslib read failures become named errors."""
    try:
        return next(records)
    except StopIteration:
        return None
    except Exception as exc:  # htslib reports truncation and corrupt records as bare Exceptions
        raise PgxTruncatedError(
            f"{path.name}: reading stopped at a corrupt or truncated record ({exc})"
        ) from exc


def _apply(
    rec: Any, sites: Sequence[Site], starts: Sequence[int], longest: int, out: GeneGenotypes
) -> None:
    pos, ref = rec.POS, rec.REF.upper()
    alts = [a.upper() for a in rec.ALT]
    end = rec.INFO.get("END") if all(is_symbolic(a) or a == "*" for a in alts) else None
    last = int(end) if end is not None else pos + len(ref) - 1
    lo = bisect.bisect_left(starts, pos - longest - 1)
    hi = bisect.bisect_right(starts, last + 1)
    calls: tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.int64]] | None = None
    for site in sites[lo:hi]:
        codes = record_codes(site, pos, ref, alts, int(end) if end is not None else None)
        if codes is None:
            continue
        if not codes:
            out.ref_mismatch.add(site.index)
            continue
        if calls is None:
            calls = _calls(rec, out.n_samples)
        idx, phased, phase_set = calls
        lut = np.asarray(codes, dtype=np.int8)
        mapped = np.where(idx >= 0, lut[np.clip(idx, 0, len(lut) - 1)], MISSING).astype(np.int8)
        if (mapped == NOVEL).any():
            seen = set(np.unique(idx[mapped == NOVEL]).tolist())
            names = [ref, *alts]
            out.novel.setdefault(site.index, set()).update(names[i] for i in seen)
        out.merge(site.index, mapped, phased, phase_set)


def _calls(
    rec: Any, n: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    gt = rec.genotype.array() if rec.genotype is not None else np.full((n, 3), -1)
    idx = np.full((n, 2), MISSING, dtype=np.int64)
    width = gt.shape[1] - 1
    idx[:, : min(width, 2)] = gt[:, : min(width, 2)]
    idx[idx < 0] = MISSING
    phased = gt[:, -1] == 1
    phase_set = np.full(n, NO_PHASE_SET, dtype=np.int64)
    if "PS" in rec.FORMAT:
        ps = np.asarray(rec.format("PS")).reshape(n, -1)[:, 0].astype(np.int64)
        phase_set = np.where(ps > _INT32_MISSING, ps, NO_PHASE_SET)
    return idx, phased, phase_set
