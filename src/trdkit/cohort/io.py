"""Genotype readers: PLINK 1 ``.bed`` and VCF Zarr, as blocks and as chunked Dask arrays.

Every reader yields the same thing: a ``float32`` matrix of variants x samples holding the count
of the counted allele ``A1`` (the ALT allele: ``.bim`` column 5, VCF ALT), with ``NaN`` for a
missing call. A reader object holds only paths and dimensions, so it pickles cheaply and each
Dask task opens the file itself (the reference notes found that shipping an open reader to worker
processes fails). VCF Zarr stores, and VCF/BCF converted to them, are read by
:mod:`trdkit.cohort.vcz`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import dask.array as da

__all__ = [
    "BedReader",
    "BedSource",
    "BlockReader",
    "GeneticsInputError",
    "GenotypeSource",
    "RowSubset",
    "Samples",
    "SubsetReader",
    "Variants",
    "empty_block",
    "genotype_array",
]

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]
_BED_MAGIC = b"\x6c\x1b\x01"


class GeneticsInputError(ValueError):
    """An input is invalid; the message names the file or option and what is allowed."""


@dataclass(frozen=True)
class Variants:
    """The variant table: one entry per variant, in file order (A1 = ALT)."""

    chrom: NDArray[np.str_]
    pos: I64
    id: NDArray[np.str_]
    ref: NDArray[np.str_]
    alt: NDArray[np.str_]

    def __len__(self) -> int:
        return int(self.pos.shape[0])

    def take(self, rows: I64) -> Variants:
        """Return the variants at ``rows``."""
        return Variants(
            self.chrom[rows], self.pos[rows], self.id[rows], self.ref[rows], self.alt[rows]
        )


@dataclass(frozen=True)
class Samples:
    """Sample identifiers; ``fid`` is ``None`` when the source has no family ids (VCF, Zarr)."""

    iid: NDArray[np.str_]
    fid: NDArray[np.str_] | None = None

    def __len__(self) -> int:
        return int(self.iid.shape[0])


class BlockReader(Protocol):
    """A small picklable object that reads genotype rows; each Dask task calls it."""

    def read_rows(self, rows: I64, samples: I64 | None = None) -> F32:
        """Return A1 counts (variants x samples, ``NaN`` = missing) of ascending ``rows``."""
        ...


class GenotypeSource(Protocol):
    """What the association and scoring code needs from a genotype file."""

    @property
    def variants(self) -> Variants: ...

    @property
    def samples(self) -> Samples: ...

    @property
    def reader(self) -> BlockReader: ...


def _lut() -> NDArray[Any]:
    # One .bed byte holds 4 samples; decode all four at once through a 256-entry table of
    # 16-byte records (00 = A1/A1 -> 2, 01 = missing, 10 = het -> 1, 11 = A2/A2 -> 0).
    codes = np.array([2.0, np.nan, 1.0, 0.0], dtype=np.float32)
    table = np.empty((256, 4), dtype=np.float32)
    for byte in range(256):
        table[byte] = codes[[(byte >> (2 * s)) & 3 for s in range(4)]]
    return table.view(np.dtype((np.void, 16))).reshape(256)


_DECODE = _lut()


def empty_block(n_samples: int, samples: I64 | None) -> F32:
    return np.empty((0, n_samples if samples is None else samples.size), dtype=np.float32)


def _read_table(path: Path, min_cols: int) -> list[list[str]]:
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise GeneticsInputError(f"{path}: cannot read ({exc.strerror})") from exc
    rows = [line.split() for line in lines if line.strip()]
    for i, row in enumerate(rows, 1):
        if len(row) < min_cols:
            raise GeneticsInputError(f"{path}: line {i} has {len(row)} columns, {min_cols} needed")
    return rows


@dataclass(frozen=True)
class BedReader:
    """Reads rows of a ``.bed`` file; holds only its path and dimensions."""

    bed: Path
    n_samples: int
    n_variants: int

    def read_rows(self, rows: I64, samples: I64 | None = None) -> F32:
        """Decode ``rows`` (see :class:`BlockReader`)."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return empty_block(self.n_samples, samples)
        width = (self.n_samples + 3) // 4
        mm = np.memmap(self.bed, np.uint8, mode="r", offset=3, shape=(self.n_variants, width))
        contiguous = int(rows[-1] - rows[0]) + 1 == rows.size
        raw = np.asarray(mm[rows[0] : rows[-1] + 1] if contiguous else mm[rows])
        out = np.take(_DECODE, raw).view(np.float32).reshape(rows.size, width * 4)
        block: F32 = out[:, : self.n_samples] if samples is None else out[:, samples]
        return block


@dataclass(frozen=True)
class BedSource:
    """A PLINK 1 binary fileset (``PREFIX.bed`` / ``.bim`` / ``.fam``), variant-major.

    References
    ----------
    Chang CC, et al. Second-generation PLINK. GigaScience. 2015;4:7 (the .bed/.bim/.fam layout).
    """

    prefix: Path
    variants: Variants = field(repr=False)
    samples: Samples = field(repr=False)

    @classmethod
    def open(cls, prefix: str | Path) -> BedSource:
        """Read the ``.bim`` and ``.fam`` of ``prefix`` and check the ``.bed`` header and size."""
        base = Path(prefix)
        bim = _read_table(base.with_name(base.name + ".bim"), 6)
        fam = _read_table(base.with_name(base.name + ".fam"), 2)
        bed = base.with_name(base.name + ".bed")
        try:
            with bed.open("rb") as fh:
                magic = fh.read(3)
        except OSError as exc:
            raise GeneticsInputError(f"{bed}: cannot read ({exc.strerror})") from exc
        if magic != _BED_MAGIC:
            raise GeneticsInputError(f"{bed}: not a variant-major PLINK 1 .bed file")
        if bed.stat().st_size != 3 + len(bim) * ((len(fam) + 3) // 4):
            raise GeneticsInputError(
                f"{bed}: size does not match {len(bim)} variants x {len(fam)} samples"
            )
        cols: list[tuple[str, ...]] = list(zip(*bim, strict=False)) if bim else [()] * 6
        variants = Variants(
            chrom=np.array(cols[0], dtype=str),
            pos=np.array(cols[3], dtype=np.int64),
            id=np.array(cols[1], dtype=str),
            ref=np.array(cols[5], dtype=str),
            alt=np.array(cols[4], dtype=str),
        )
        iid = np.array([r[1] for r in fam], dtype=str)
        return cls(base, variants, Samples(iid=iid, fid=np.array([r[0] for r in fam], dtype=str)))

    @property
    def reader(self) -> BedReader:
        bed = self.prefix.with_name(self.prefix.name + ".bed")
        return BedReader(bed, len(self.samples), len(self.variants))


@dataclass(frozen=True)
class SubsetReader:
    """A reader restricted to some rows of another."""

    base: BlockReader
    rows: I64

    def read_rows(self, rows: I64, samples: I64 | None = None) -> F32:
        """Read rows of the subset (see :class:`BlockReader`)."""
        return self.base.read_rows(self.rows[np.asarray(rows, dtype=np.int64)], samples)


@dataclass(frozen=True)
class RowSubset:
    """A source restricted to some of its variants (candidate SNPs, scoring-file matches)."""

    base: GenotypeSource
    rows: I64  # strictly ascending rows of ``base``

    def __post_init__(self) -> None:
        if np.any(np.diff(self.rows) <= 0):
            raise ValueError("RowSubset rows must be strictly ascending")

    @property
    def variants(self) -> Variants:
        return self.base.variants.take(self.rows)

    @property
    def samples(self) -> Samples:
        return self.base.samples

    @property
    def reader(self) -> SubsetReader:
        return SubsetReader(self.base.reader, self.rows)


def _read_block(
    start: NDArray[np.int64], reader: BlockReader, size: int, total: int, samples: I64 | None
) -> F32:
    first = int(start[0])
    return reader.read_rows(np.arange(first, min(first + size, total), dtype=np.int64), samples)


def genotype_array(
    source: GenotypeSource, samples: I64 | None = None, block: int = 500
) -> da.Array:
    """Return the genotypes as a Dask array (variants x samples, float32, one chunk per block).

    Parameters
    ----------
    source
        A genotype source.
    samples
        Indices of the samples to keep, in the order wanted; ``None`` keeps all.
    block
        Variants per chunk. Small ``float32`` chunks keep each task's memory bounded.

    Returns
    -------
    dask.array.Array
        A lazy array; each chunk is read by its own task when computed.
    """
    import dask.array as da

    total = len(source.variants)
    if total == 0:
        raise GeneticsInputError("the genotype input has no variants to analyse")
    n = len(source.samples) if samples is None else int(samples.size)
    starts = np.arange(0, total, block, dtype=np.int64)
    sizes = tuple(min(block, total - int(s)) for s in starts)
    arr: da.Array = da.map_blocks(  # type: ignore[no-untyped-call]
        _read_block,
        da.from_array(starts, chunks=1),  # type: ignore[no-untyped-call]
        source.reader,
        block,
        total,
        samples,
        chunks=(sizes, (n,)),
        new_axis=1,
        dtype=np.float32,
        meta=np.empty((0, 0), dtype=np.float32),
    )
    return arr
