"""The research-marker knowledge table: grades, citations, verification tags, orientation."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from trdkit.knowledge.research_markers import (
    EvidenceGrade,
    MarkerDefinition,
    Variant,
    load_research_markers,
)
from trdkit.record import Biomarkers

TABLE = load_research_markers()
MARKERS = {m.id: m for m in TABLE.markers}
GRADES = {f"E{i}" for i in range(9)}

BRIEF_IDS = {
    "bdnf_rs6265",
    "kautzky_bdnf_ppp3cc_htr2a",
    "grik4_rs1954787",
    "grik4_rs11218030",
    "comt_rs4680",
    "slc6a4_5httlpr",
    "htr2a_rs7997012",
    "mirna_let7b",
    "mirna_let7c",
    "mirna_mir124",
    "mirna_mir132",
    "bdnf_exon1_methylation",
    "crp",
    "il6",
    "tnf",
    "stnfr2",
}


def test_research_table__has_every_marker_of_the_brief() -> None:
    assert set(MARKERS) == BRIEF_IDS


@pytest.mark.parametrize("marker_id", sorted(BRIEF_IDS))
def test_research_table__grades_are_e0_to_e8(marker_id: str) -> None:
    marker = MARKERS[marker_id]
    assert marker.grade.value in GRADES
    assert all(f.grade is None or f.grade.value in GRADES for f in marker.findings)
    assert marker.grade in {f.grade for f in marker.findings}


@pytest.mark.parametrize("marker_id", sorted(BRIEF_IDS))
def test_research_table__citations_are_full(marker_id: str) -> None:
    citations = TABLE.citations(MARKERS[marker_id].sources)
    assert citations
    for citation in citations:
        assert len(citation) > 60
        assert re.search(r"\b(19|20)\d\d\b", citation), citation


def test_research_table__grade_block_defines_every_grade() -> None:
    assert {g.value for g in TABLE.grades} == GRADES
    assert set(EvidenceGrade) == set(TABLE.grades)


def test_research_table__verified_false_exactly_when_details_listed() -> None:
    for marker in TABLE.markers:
        assert marker.verified is (not marker.unverified), marker.id


def test_research_table__unverified_orientation_makes_marker_unverified() -> None:
    for marker in TABLE.markers:
        if any(not TABLE.variants[r].verified for r in marker.input.rsids):
            assert marker.verified is False, marker.id


# Reference rows (by their opening words) that carry an [unverified] tag, and the marker each
# one stands behind: the marker must be flagged unverified.
_UNVERIFIED_ROWS = [
    ("| BDNF rs6265 + PPP3CC rs7430 + HTR2A rs6313", "kautzky_bdnf_ppp3cc_htr2a"),
    ("| HTR2A rs7997012 |", "htr2a_rs7997012"),
    ("| COMT rs4680 (Val158Met) |", "comt_rs4680"),
    ("| let-7b, let-7c |", "mirna_let7b"),
    ("| let-7b, let-7c |", "mirna_let7c"),
    ("| hs-CRP × drug class (GENDEP) |", "crp"),
    ("| BDNF exon IV promoter CpG", "bdnf_exon1_methylation"),
]


def _row(shared_dir: Path, prefix: str) -> str:
    text = (shared_dir / "reference" / "research-markers.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith(prefix)]
    assert len(rows) == 1, prefix
    return rows[0]


@pytest.mark.parametrize(("prefix", "marker_id"), _UNVERIFIED_ROWS)
def test_research_table__reference_unverified_rows_give_verified_false(
    shared_dir: Path, prefix: str, marker_id: str
) -> None:
    assert "[unverified]" in _row(shared_dir, prefix)
    assert MARKERS[marker_id].verified is False
    assert MARKERS[marker_id].unverified


def test_research_table__untagged_bdnf_response_row_stays_verified(shared_dir: Path) -> None:
    row = _row(shared_dir, "| BDNF rs6265 (Val66Met) — antidepressant response")
    assert "[unverified]" not in row
    assert MARKERS["bdnf_rs6265"].verified is True


def test_research_table__unverified_content_stays_out_of_statements() -> None:
    kautzky = MARKERS["kautzky_bdnf_ppp3cc_htr2a"]
    assert "GG-GG-TT" not in kautzky.summary
    assert all("GG-GG-TT" not in f.finding for f in kautzky.findings)
    assert "favourable" not in MARKERS["htr2a_rs7997012"].summary


def test_research_table__corrections_cover_the_notes() -> None:
    ids = {c.id for c in TABLE.corrections}
    assert {
        "kautzky_2017_is_clinical_only",
        "breen_2011_is_linkage",
        "milanesi_2015_grik4",
        "yoshimura_2009_il6_not_tnf",
        "fang_2018_not_found",
        "cpic_htr2a_slc6a4",
        "rs6265_strand",
    } <= ids
    kautzky = next(c for c in TABLE.corrections if c.id == "kautzky_2017_is_clinical_only")
    assert kautzky.verified is False and "no SNPs" in kautzky.correction


def test_research_table__biomarker_fields_exist_on_the_record() -> None:
    for marker in TABLE.markers:
        if marker.input.field is not None:
            assert marker.input.field in Biomarkers.model_fields, marker.id


def test_research_table__every_header_source_is_cited() -> None:
    cited = {k for m in TABLE.markers for k in m.sources}
    cited |= {k for v in TABLE.variants.values() for k in v.sources}
    cited |= {k for c in TABLE.corrections for k in c.sources}
    cited |= {TABLE.settings.crp_category_source, "ref_notes"}
    assert TABLE.header.source_keys() == cited


def _pypgx_grch38(shared_dir: Path) -> dict[str, tuple[str, str, str]]:
    path = shared_dir / "data" / "pgx" / "pypgx_tables" / "pypgx_0.27.0_allele-table.csv"
    out: dict[str, tuple[str, str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["StarAllele"].startswith("rs"):
                chrom, pos, ref, alt = row["GRCh38Core"].split("-")
                out[row["StarAllele"]] = (f"chr{chrom}:{pos}", ref, alt)
    return out


def test_research_table__verified_orientations_match_pypgx(shared_dir: Path) -> None:
    pypgx = _pypgx_grch38(shared_dir)
    checked = 0
    for rsid, variant in TABLE.variants.items():
        if variant.verified:
            assert variant.forward_alleles is not None
            assert pypgx[rsid] == (variant.position, *variant.forward_alleles), rsid
            checked += 1
    assert checked >= 4


def test_research_table__rs6265_forward_c_is_val() -> None:
    variant = TABLE.variants["rs6265"]
    assert variant.forward_alleles == ("C", "T")
    assert variant.names == {"C": "Val", "T": "Met"}
    assert variant.gene_strand == "minus"


def _marker_row(**changes: Any) -> dict[str, Any]:
    row = MARKERS["bdnf_rs6265"].model_dump(mode="json")
    row.update(changes)
    return row


def test_marker_definition__verified_with_listed_details_is_rejected() -> None:
    with pytest.raises(ValidationError, match="verified"):
        MarkerDefinition.model_validate(_marker_row(unverified=["something"]))


def test_marker_definition__headline_grade_must_match_a_finding() -> None:
    with pytest.raises(ValidationError, match="headline grade"):
        MarkerDefinition.model_validate(_marker_row(grade="E8"))


def test_variant__names_must_be_forward_alleles() -> None:
    with pytest.raises(ValidationError, match="forward-strand"):
        Variant.model_validate(
            {
                "gene": "X",
                "forward_alleles": ["C", "T"],
                "names": {"G": "Val"},
                "verified": True,
                "sources": ["pypgx"],
                "note": "n",
            }
        )
