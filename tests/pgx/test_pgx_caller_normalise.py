"""Representation differences between a VCF record and the definitions, and merging records."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pgx_caller_vcf import Sample, vcf_text, write_vcf

from trdkit.pgx.genotypes import GeneGenotypes
from trdkit.pgx.normalise import REF_MISMATCH, record_codes
from trdkit.pgx.read import read_genotypes
from trdkit.pgx.sites import MISSING, NOVEL, edit_span, gene_sites, spans_touch


def _site(gene: str, rsid: str):  # type: ignore[no-untyped-def]
    return next(s for s in gene_sites(gene, "GRCh38") if s.rsid == rsid)


# CYP2D6 rs72549353 (*19): CAGTT>C at 42128248, a 4-base deletion.
DEL = _site("CYP2D6", "rs72549353")
SNV = _site("CYP2C19", "rs4244285")  # G>A at 94781859


def test_record_codes__same_record_as_the_definition() -> None:
    assert record_codes(DEL, DEL.pos, "CAGTT", ["C"]) == [0, 1]
    assert record_codes(SNV, SNV.pos, "G", ["A"]) == [0, 1]


def test_record_codes__padded_and_shifted_deletions_are_the_same_allele() -> None:
    # Padded: two extra reference bases on the right.
    assert record_codes(DEL, DEL.pos, "CAGTTAG", ["CAG"]) == [0, 1]
    # Shifted two bases right within AGTT|AG (deleting TTAG leaves the same sequence).
    assert record_codes(DEL, DEL.pos + 2, "GTTAG", ["G"]) == [0, 1]


def test_record_codes__other_allele_overlapping_a_deletion_is_novel() -> None:
    codes = record_codes(DEL, DEL.pos, "CAGTT", ["C", "CAGTA"])
    assert codes == [0, 1, NOVEL]


def test_record_codes__mnv_covering_a_snv_gives_the_base_there() -> None:
    assert record_codes(SNV, SNV.pos - 1, "CG", ["TA"]) == [0, 1]
    assert record_codes(SNV, SNV.pos - 1, "CG", ["TG"]) == [0, 0]


def test_record_codes__deletion_elsewhere_leaves_the_snv_reference() -> None:
    # A multi-allelic record at the site: an MNV, a deletion of the next two bases, and a
    # deletion of the site's own base.
    assert record_codes(SNV, SNV.pos, "GCT", ["AAC", "G", "CT"]) == [0, 1, 0, NOVEL]


def test_record_codes__unrelated_record_says_nothing() -> None:
    assert record_codes(SNV, SNV.pos + 1, "C", ["T"]) is None
    assert record_codes(SNV, SNV.pos - 5, "A", ["ATT"]) is None


def test_record_codes__gvcf_block_and_reference_mismatch() -> None:
    assert record_codes(SNV, SNV.pos - 3, "N", ["<NON_REF>"], end=SNV.pos + 3) == [0, NOVEL]
    assert record_codes(SNV, SNV.pos + 1, "N", ["<NON_REF>"], end=SNV.pos + 9) is None
    assert record_codes(SNV, SNV.pos, "T", ["A"]) is REF_MISMATCH
    assert record_codes(SNV, SNV.pos, "G", ["*"]) == [0, MISSING]


def test_spans_touch__insertions_at_the_edge_do_not_touch() -> None:
    snv = edit_span(100, "C", "T")
    assert spans_touch(snv, edit_span(100, "CA", "CAT")) is False
    assert spans_touch(snv, edit_span(99, "AC", "A")) is True
    assert spans_touch(edit_span(100, "C", "CA"), edit_span(100, "C", "CA")) is True


def test_merge__split_records_join_and_conflicts_become_novel() -> None:
    gg = GeneGenotypes.empty("CYP2B6", 4, 1)
    no_phase = np.zeros(4, dtype=np.bool_)
    ps = np.full(4, -1, dtype=np.int64)
    first = np.array([[1, 0], [0, 0], [1, 1], [MISSING, MISSING]], dtype=np.int8)
    second = np.array([[0, 2], [0, 2], [0, 2], [0, 0]], dtype=np.int8)
    gg.merge(0, first, no_phase, ps)
    gg.merge(0, second, no_phase, ps)
    assert gg.alleles[:, 0].tolist() == [[1, 2], [0, 2], [NOVEL, NOVEL], [0, 0]]
    assert gg.conflicts == {0}


def test_read_genotypes__indel_written_shifted_in_a_file(tmp_path: Path) -> None:
    text = vcf_text([Sample.of("D", CYP2D6=("*1", "*1"))], genes=["CYP2D6"])
    old = next(line for line in text.splitlines() if "\trs72549353\t" in line)
    new = old.replace(f"\t{DEL.pos}\t", f"\t{DEL.pos + 2}\t").replace("CAGTT\tC\t", "GTTAG\tG\t")
    path = write_vcf(tmp_path / "shifted.vcf", text.replace(old, new[: new.rindex("\t")] + "\t0/1"))
    data = read_genotypes(path, genes=["CYP2D6"])
    assert data.genes["CYP2D6"].alleles[0, DEL.index].tolist() == [0, 1]
