"""Malformed inputs give a named ``PgxInputError`` with a message, never a traceback."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from cyvcf2 import VCF, Writer  # type: ignore[import-untyped]
from pgx_caller_vcf import LENGTHS_37, Sample, vcf_text, write_vcf

from trdkit.pgx.call import call_genotypes
from trdkit.pgx.errors import (
    PgxAssemblyError,
    PgxFileTypeError,
    PgxHeaderError,
    PgxInputError,
    PgxSampleError,
    PgxTruncatedError,
)

TEXT = vcf_text([Sample.of("A1"), Sample.of("B2")], genes=["CYP2C19"])


def test_call_genotypes__truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(TEXT.encode() * 40)
    path = tmp_path / "cut.vcf.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PgxTruncatedError, match="ends early"):
        call_genotypes(path)


def test_call_genotypes__truncated_bgzf(tmp_path: Path) -> None:
    plain = write_vcf(tmp_path / "in.vcf", TEXT)
    reader = VCF(str(plain))
    writer = Writer(str(tmp_path / "in.vcf.gz"), reader, mode="wz")
    for record in reader:
        writer.write_record(record)
    writer.close()
    reader.close()
    data = (tmp_path / "in.vcf.gz").read_bytes()
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(data[:-40])
    with pytest.raises(PgxTruncatedError, match="cut short"):
        call_genotypes(cut)


def test_call_genotypes__missing_header(tmp_path: Path) -> None:
    body = "\n".join(line for line in TEXT.splitlines() if not line.startswith("##")) + "\n"
    path = write_vcf(tmp_path / "nohead.vcf", body)
    with pytest.raises(PgxHeaderError, match="fileformat"):
        call_genotypes(path)


def test_call_genotypes__unknown_sample_lists_the_available_ones(tmp_path: Path) -> None:
    path = write_vcf(tmp_path / "two.vcf", TEXT)
    with pytest.raises(PgxSampleError, match=r"'C3'.*A1, B2"):
        call_genotypes(path, sample="C3")


def test_call_genotypes__grch37_data_without_the_flag(tmp_path: Path) -> None:
    path = write_vcf(tmp_path / "b37.vcf", vcf_text([Sample.of("A1")], lengths=LENGTHS_37))
    with pytest.raises(PgxAssemblyError, match="--assembly GRCh37"):
        call_genotypes(path)


def test_call_genotypes__grch38_data_with_the_grch37_flag(tmp_path: Path) -> None:
    path = write_vcf(tmp_path / "b38.vcf", TEXT)
    with pytest.raises(PgxAssemblyError, match="GRCh38"):
        call_genotypes(path, assembly="GRCh37")


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00binary", b"name,age\nalice,4\n", b""],
    ids=["binary", "csv", "empty"],
)
def test_call_genotypes__unknown_file_type(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "what.txt"
    path.write_bytes(content)
    with pytest.raises(PgxFileTypeError, match="neither a VCF"):
        call_genotypes(path)


def test_call_genotypes__no_such_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(PgxInputError, match="no such file"):
        call_genotypes(tmp_path / "absent.vcf")


def test_call_genotypes__outside_calls_need_a_single_sample(tmp_path: Path) -> None:
    path = write_vcf(tmp_path / "two.vcf", TEXT)
    tsv = tmp_path / "oc.tsv"
    tsv.write_text("CYP2D6\t*1/*4\n")
    with pytest.raises(PgxInputError, match="--sample"):
        call_genotypes(path, outside_calls=tsv)
    assert call_genotypes(path, outside_calls=tsv, sample="B2")["B2"]["CYP2D6"].diplotype == "*1/*4"


def test_call_genotypes__gzip_cut_after_the_header_block(tmp_path: Path) -> None:
    head, body = TEXT.split("#CHROM", 1)
    columns, records = body.split("\n", 1)
    filler = "".join(f"chr1\t{1000 + i}\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/0\n" for i in range(20000))
    data = gzip.compress((head + "#CHROM" + columns + "\n" + filler + records).encode())
    path = tmp_path / "cut.vcf.gz"
    path.write_bytes(data[: int(len(data) * 0.8)])
    with pytest.raises(PgxTruncatedError, match="truncated"):
        call_genotypes(path)
