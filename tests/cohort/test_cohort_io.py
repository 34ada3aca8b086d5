"""Genotype readers: .bed decoding, VCF -> VCF Zarr, Zarr reading, Dask chunking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cohort_sim import simulate, write_bed, write_vcf

from trdkit.cohort.io import BedSource, GeneticsInputError, RowSubset, genotype_array
from trdkit.cohort.vcz import ZarrSource, vcf_to_zarr


def _expected(geno: np.ndarray) -> np.ndarray:
    out = geno.astype(np.float32)
    out[geno < 0] = np.nan
    return out


def test_bed_source__decodes_every_code_and_sample_count(tmp_path: Path) -> None:
    cohort = simulate(n=37, m=9, missing=0.1)  # 37 samples: the last byte is padded
    source = BedSource.open(write_bed(cohort, tmp_path / "c"))
    got = source.reader.read_rows(np.arange(9))
    np.testing.assert_array_equal(got, _expected(cohort.geno))
    assert list(source.variants.alt) == cohort.alt and list(source.variants.ref) == cohort.ref
    assert source.samples.fid is not None and source.samples.iid[3] == "s3"


def test_bed_source__sample_subset_and_scattered_rows(tmp_path: Path) -> None:
    cohort = simulate(n=21, m=10, missing=0.05)
    source = BedSource.open(write_bed(cohort, tmp_path / "c"))
    rows, samples = np.array([1, 4, 8]), np.array([20, 0, 7])
    got = source.reader.read_rows(rows, samples)
    np.testing.assert_array_equal(got, _expected(cohort.geno[np.ix_(rows, samples)]))


def test_bed_source__rejects_a_wrong_size_or_header(tmp_path: Path) -> None:
    prefix = write_bed(simulate(n=8, m=4), tmp_path / "c")
    bed = prefix.with_suffix(".bed")
    bed.write_bytes(bed.read_bytes()[:-1])
    with pytest.raises(GeneticsInputError, match="size does not match"):
        BedSource.open(prefix)
    bed.write_bytes(b"\x00\x00\x00" + bytes(8))
    with pytest.raises(GeneticsInputError, match="not a variant-major"):
        BedSource.open(prefix)


def test_genotype_array__one_chunk_per_block(tmp_path: Path) -> None:
    cohort = simulate(n=30, m=23, missing=0.02)
    source = BedSource.open(write_bed(cohort, tmp_path / "c"))
    arr = genotype_array(source, block=5)
    assert arr.chunks[0] == (5, 5, 5, 5, 3)
    np.testing.assert_array_equal(arr.compute(scheduler="sync"), _expected(cohort.geno))


def test_row_subset__reads_only_its_rows(tmp_path: Path) -> None:
    cohort = simulate(n=12, m=10)
    source = BedSource.open(write_bed(cohort, tmp_path / "c"))
    subset = RowSubset(source, np.array([2, 5, 9]))
    assert list(subset.variants.id) == [cohort.ids[i] for i in (2, 5, 9)]
    got = genotype_array(subset, block=2).compute(scheduler="sync")
    np.testing.assert_array_equal(got, _expected(cohort.geno[[2, 5, 9]]))
    with pytest.raises(ValueError, match="ascending"):
        RowSubset(source, np.array([5, 2]))


def test_vcf_to_zarr__same_genotypes_as_the_bed(tmp_path: Path) -> None:
    cohort = simulate(n=25, m=14, missing=0.05)
    info = vcf_to_zarr(write_vcf(cohort, tmp_path / "c.vcf"), tmp_path / "c.vcz", chunk=4)
    assert info == {"variants": 14, "samples": 25, "multiallelic": 0}
    source = ZarrSource.open(tmp_path / "c.vcz")
    assert source.samples.fid is None and source.samples.iid[0] == "s0"
    assert list(source.variants.pos) == cohort.pos and list(source.variants.alt) == cohort.alt
    np.testing.assert_array_equal(
        genotype_array(source, block=4).compute(scheduler="sync"), _expected(cohort.geno)
    )


def test_zarr_source__leaves_out_multiallelic_sites(tmp_path: Path) -> None:
    vcf = tmp_path / "m.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=1>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\n"
        "1\t10\trs1\tA\tG\t.\t.\t.\tGT\t0/1\t1/1\n"
        "1\t20\trs2\tC\tT,G\t.\t.\t.\tGT\t0/2\t0/1\n"
        "1\t30\trs3\tG\tA\t.\t.\t.\tGT\t./.\t0|0\n"
    )
    vcf_to_zarr(vcf, tmp_path / "m.vcz")
    source = ZarrSource.open(tmp_path / "m.vcz")
    assert source.multiallelic == 1 and list(source.variants.id) == ["rs1", "rs3"]
    np.testing.assert_array_equal(
        source.reader.read_rows(np.array([0, 1])), np.array([[1, 2], [np.nan, 0]], np.float32)
    )


def test_zarr_source__not_a_store_is_invalid_input(tmp_path: Path) -> None:
    (tmp_path / "empty.vcz").mkdir()
    with pytest.raises(GeneticsInputError, match="not a VCF Zarr store"):
        ZarrSource.open(tmp_path / "empty.vcz")
