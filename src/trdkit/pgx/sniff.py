"""Recognising an input file and its genome build before reading it.

The first bytes tell a VCF (plain, gzip or BGZF), a BCF and a consumer raw-data text apart; a
BGZF file without its end-of-file block was cut short. The header tells the genome build: contig
lengths of chromosomes 10, 19 and 22 first (unambiguous), then ``assembly=`` tags and the
``##reference`` line.
"""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path
from typing import Literal

from trdkit.pgx.errors import PgxFileTypeError, PgxHeaderError, PgxTruncatedError
from trdkit.pgx.sites import Assembly

__all__ = ["FileKind", "header_assembly", "sniff"]

FileKind = Literal["vcf", "bcf", "raw"]

_HEAD_BYTES = 1 << 16
# BGZF end-of-file marker (SAM/BAM specification, section 4.1.2).
_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
# Lengths of the chromosomes the genes sit on (GRC assembly reports for GRCh37 and GRCh38).
_CONTIG_LENGTHS: dict[str, dict[int, Assembly]] = {
    "10": {135534747: "GRCh37", 133797422: "GRCh38"},
    "19": {59128983: "GRCh37", 58617616: "GRCh38"},
    "22": {51304566: "GRCh37", 50818468: "GRCh38"},
}
_NAME_37 = re.compile(r"grch37|hg19|hs37|g1k_v37|ncbi37|assembly19|(?<![a-z0-9])b37(?!\d)", re.I)
_NAME_38 = re.compile(r"grch38|hg38|hs38|assembly38|gca_000001405\.15|(?<![a-z0-9])b38(?!\d)", re.I)
_RAW_LINE = re.compile(r'^"?(rs|i)\d+"?[\t,]')


def _head(path: Path) -> tuple[bytes, bool]:
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic != b"\x1f\x8b":
        with path.open("rb") as fh:
            return fh.read(_HEAD_BYTES), False
    _check_bgzf_end(path)
    try:
        with gzip.open(path, "rb") as gz:
            return gz.read(_HEAD_BYTES), True
    except (EOFError, OSError, zlib.error) as exc:
        raise PgxTruncatedError(
            f"{path.name}: the compressed file ends early or is corrupt ({exc}); "
            "copy or download it again"
        ) from exc


def _check_bgzf_end(path: Path) -> None:
    with path.open("rb") as fh:
        first = fh.read(18)
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - len(_BGZF_EOF)))
        last = fh.read()
    is_bgzf = len(first) >= 14 and first[3] & 4 and first[12:14] == b"BC"
    if is_bgzf and last != _BGZF_EOF:
        raise PgxTruncatedError(
            f"{path.name}: the BGZF file has no end-of-file block, so it was cut short; "
            "copy or download it again"
        )


def sniff(path: Path) -> FileKind:
    """Say what kind of genotype file ``path`` is.

    Raises
    ------
    PgxFileTypeError
        Neither VCF, BCF nor a recognisable raw-data text.
    PgxHeaderError
        A VCF body without the ``##fileformat`` header.
    PgxTruncatedError
        A compressed file that is cut short.
    """
    if not path.is_file():
        raise PgxFileTypeError(f"{path}: no such file")
    head, compressed = _head(path)
    if head.startswith(b"BCF\x02"):
        return "bcf"
    if head.startswith(b"##fileformat=VCF"):
        if b"\n#CHROM" not in head and len(head) < _HEAD_BYTES:
            raise PgxHeaderError(f"{path.name}: the VCF header has no '#CHROM' column line")
        return "vcf"
    text = head.decode("utf-8", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if lines and lines[0].startswith("#CHROM"):
        raise PgxHeaderError(
            f"{path.name}: the VCF lacks its '##fileformat=VCF...' header lines; "
            "export it again with the full header"
        )
    body = [ln for ln in lines if not ln.startswith("#")]
    if body and body[0].lower().lstrip('"').startswith("rsid"):
        body = body[1:]
    if body and all(_RAW_LINE.match(ln) for ln in body[:20]):
        return "raw"
    what = "compressed data" if compressed else "text"
    raise PgxFileTypeError(
        f"{path.name}: {what} that is neither a VCF/BCF nor a 23andMe/AncestryDNA raw-data "
        "file; give a VCF (.vcf, .vcf.gz, .bcf) or a raw-data .txt"
    )


def header_assembly(raw_header: str) -> Assembly | None:
    """The genome build a VCF header declares, or ``None`` when it does not say."""
    named: set[Assembly] = set()
    for line in raw_header.splitlines():
        if line.startswith("##contig=<"):
            ident = re.search(r"[<,]ID=([^,>]+)", line)
            length = re.search(r"[<,]length=(\d+)", line)
            if ident and length:
                chrom = ident.group(1).removeprefix("chr")
                found = _CONTIG_LENGTHS.get(chrom, {}).get(int(length.group(1)))
                if found is not None:
                    return found
            tag = re.search(r"assembly=([^,>]+)", line)
            if tag:
                named |= _names(tag.group(1))
        elif line.startswith("##reference="):
            named |= _names(line)
    return named.pop() if len(named) == 1 else None


def _names(text: str) -> set[Assembly]:
    found: set[Assembly] = set()
    if _NAME_37.search(text):
        found.add("GRCh37")
    if _NAME_38.search(text):
        found.add("GRCh38")
    return found
