"""Reading recorded genotypes against GRCh38 forward-strand alleles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trdkit.knowledge.research_markers import Variant, load_research_markers
from trdkit.research.alleles import parse_genotype, read_genotype

VARIANTS = load_research_markers().variants


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CT", ("C", "T")),
        ("C/T", ("C", "T")),
        ("tc", ("T", "C")),
        ("C", ("C",)),
        ("ID", ("I", "D")),
    ],
)
def test_parse_genotype__splits_recorded_forms(raw: str, expected: tuple[str, ...]) -> None:
    assert parse_genotype(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reading"),
    [
        ("CC", "Val/Val"),
        ("CT", "Val/Met"),
        ("TC", "Val/Met"),
        ("C/T", "Val/Met"),
        ("TT", "Met/Met"),
    ],
)
def test_read_genotype__rs6265_forward_strand(raw: str, reading: str) -> None:
    result = read_genotype("rs6265", raw, VARIANTS["rs6265"])
    assert result.strand == "forward"
    assert result.reading == reading
    assert result.cautions == ()


@pytest.mark.parametrize(
    ("raw", "reading"), [("GG", "Val/Val"), ("GA", "Val/Met"), ("AG", "Val/Met"), ("AA", "Met/Met")]
)
def test_read_genotype__rs6265_gene_strand_letters_read_by_complement(
    raw: str, reading: str
) -> None:
    result = read_genotype("rs6265", raw, VARIANTS["rs6265"])
    assert result.strand == "opposite"
    assert result.reading == reading
    assert "opposite strand" in result.cautions[0]


@pytest.mark.parametrize(
    ("raw", "reading"), [("GG", "Val/Val"), ("AG", "Val/Met"), ("AA", "Met/Met")]
)
def test_read_genotype__rs4680_forward_g_is_val(raw: str, reading: str) -> None:
    result = read_genotype("rs4680", raw, VARIANTS["rs4680"])
    assert (result.strand, result.reading) == ("forward", reading)


def test_read_genotype__unnamed_alleles_read_as_forward_letters() -> None:
    result = read_genotype("rs1954787", "CT", VARIANTS["rs1954787"])
    assert result.reading == "T/C"
    assert "GRCh38 forward strand" in result.because[0]


def test_read_genotype__letters_of_neither_strand_are_not_read() -> None:
    result = read_genotype("rs6265", "CA", VARIANTS["rs6265"])
    assert result.strand == "unmatched"
    assert result.reading is None
    assert "neither strand" in result.cautions[0]


def test_read_genotype__one_allele_is_not_read() -> None:
    result = read_genotype("rs6265", "C", VARIANTS["rs6265"])
    assert result.reading is None
    assert "1 allele(s)" in result.cautions[0]


@pytest.mark.parametrize("rsid", ["rs7430", "rs6313", "rs11218030"])
def test_read_genotype__unverified_orientation_shows_raw_value_with_caution(rsid: str) -> None:
    result = read_genotype(rsid, "TT", VARIANTS[rsid])
    assert result.strand == "unknown"
    assert result.reading is None
    assert result.cautions[0].startswith("[U]")
    assert "TT" in result.cautions[0]


def test_read_genotype__strand_ambiguous_snp_is_read_forward_with_caution() -> None:
    variant = Variant(
        gene="X", forward_alleles=("A", "T"), verified=True, sources=("pypgx",), note="test"
    )
    result = read_genotype("rs1", "AT", variant)
    assert result.strand == "forward"
    assert result.reading == "A/T"
    assert "cannot be checked" in result.cautions[0]


_KNOWN = sorted(r for r, v in VARIANTS.items() if v.forward_alleles is not None)
_COMPLEMENT = {"A": "T", "T": "A", "C": "G", "G": "C"}


@settings(max_examples=60)
@given(rsid=st.sampled_from(_KNOWN), data=st.data())
def test_read_genotype__order_and_strand_do_not_change_the_reading(
    rsid: str, data: st.DataObject
) -> None:
    variant = VARIANTS[rsid]
    assert variant.forward_alleles is not None
    pair = data.draw(st.lists(st.sampled_from(variant.forward_alleles), min_size=2, max_size=2))
    forward = read_genotype(rsid, "".join(pair), variant)
    swapped = read_genotype(rsid, "".join(reversed(pair)), variant)
    flipped = read_genotype(rsid, "".join(_COMPLEMENT[a] for a in pair), variant)
    assert forward.reading is not None
    assert forward.reading == swapped.reading == flipped.reading
    assert flipped.strand == "opposite"
