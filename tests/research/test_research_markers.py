"""evaluate_research_markers: one graded, cited, research-only card per marker with data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from research_records import data_for, full_data, record

from trdkit.knowledge.research_markers import load_research_markers
from trdkit.record import load_record
from trdkit.research import ResearchMarker, evaluate_research_markers

TABLE = load_research_markers()
IDS = [m.id for m in TABLE.markers]
ROOT = Path(__file__).resolve().parents[2]
KAUTZKY = "kautzky_bdnf_ppp3cc_htr2a"


def _cards(**parts: object) -> dict[str, ResearchMarker]:
    return {c.id: c for c in evaluate_research_markers(record(**parts))}


def test_evaluate_research_markers__every_marker_with_data_gives_a_card() -> None:
    cards = evaluate_research_markers(record(**full_data()))
    assert [c.id for c in cards] == IDS


@pytest.mark.parametrize("marker_id", IDS)
def test_evaluate_research_markers__each_marker_alone(marker_id: str) -> None:
    cards = _cards(**data_for(TABLE.marker(marker_id)))
    assert marker_id in cards
    card = cards[marker_id]
    assert card.grade.value in {f"E{i}" for i in range(9)}
    assert card.citations and all(len(c) > 60 for c in card.citations)
    assert card.verified is TABLE.marker(marker_id).verified
    assert card.evidence and card.because


@pytest.mark.parametrize(
    "parts",
    [
        {},
        {"genetics": {"genotypes": {}}},
        {"genetics": {"genotypes": {"rs123": "AG"}}},
        {"genetics": {"diplotypes": {"CYP2C19": "*1/*17"}}},
        {"biomarkers": {}},
        {"biomarkers": {"mirna": {"miR-1202": 0.3}}},
        {"labs": {"tsh_mu_per_l": 2.0}},
    ],
)
def test_evaluate_research_markers__missing_data_gives_no_card(parts: dict[str, object]) -> None:
    assert evaluate_research_markers(record(**parts)) == []


def test_evaluate_research_markers__kautzky_needs_all_three_genotypes() -> None:
    three = {"rs6265": "CC", "rs7430": "GG", "rs6313": "TT"}
    assert KAUTZKY in _cards(genetics={"genotypes": three})
    for missing in three:
        partial = {k: v for k, v in three.items() if k != missing}
        assert KAUTZKY not in _cards(genetics={"genotypes": partial}), missing


def test_evaluate_research_markers__kautzky_card_shows_values_without_matching() -> None:
    card = _cards(genetics={"genotypes": {"rs6265": "CT", "rs7430": "GG", "rs6313": "TT"}})[KAUTZKY]
    assert card.value == "rs6265 CT, rs7430 GG, rs6313 TT"
    assert card.verified is False
    assert "does not compare" in card.statement
    assert "GG-GG-TT" not in card.statement
    assert any(c.startswith("[U] rs6313") for c in card.caution)


def test_evaluate_research_markers__bdnf_reads_contract_example_ct_as_val_met() -> None:
    card = _cards(genetics={"genotypes": {"rs6265": "CT"}})["bdnf_rs6265"]
    assert (card.value, card.reading, card.grade.value, card.verified) == (
        "CT",
        "Val/Met",
        "E5",
        True,
    )
    assert "reads as Val/Met" in card.statement


def test_evaluate_research_markers__opposite_strand_genotype_carries_caution() -> None:
    card = _cards(genetics={"genotypes": {"rs6265": "GA"}})["bdnf_rs6265"]
    assert card.reading == "Val/Met"
    assert any("opposite strand" in c for c in card.caution)


def test_evaluate_research_markers__statements_are_research_only() -> None:
    for card in evaluate_research_markers(record(**full_data())):
        assert card.banner == "Research information — not used to choose treatment."
        assert card.statement.endswith(TABLE.settings.closing)
        assert "never a basis for choosing" in card.statement
        assert card.research_only is True
        # Wording rules of the notes: no predictive verbs, no value judgements, no advice.
        lowered = card.statement.lower()
        for word in ("predicts", "indicates", "favourable", "unfavourable", "you should"):
            assert word not in lowered, (card.id, word)


@pytest.mark.parametrize(
    ("crp", "category"),
    [(0.5, "low"), (1.0, "average"), (3.0, "average"), (3.01, "high"), (4.1, "high")],
)
def test_evaluate_research_markers__crp_cardiovascular_category(crp: float, category: str) -> None:
    card = _cards(biomarkers={"crp_mg_per_l": crp})["crp"]
    assert card.reading is not None
    assert card.reading.startswith(f"cardiovascular category: {category},")
    assert not any("acute illness" in c for c in card.caution)


def test_evaluate_research_markers__crp_above_ten_asks_for_acute_illness() -> None:
    card = _cards(biomarkers={"crp_mg_per_l": 12.0})["crp"]
    assert any("acute illness" in c for c in card.caution)


@pytest.mark.parametrize(
    ("raw", "reading", "caution"),
    [
        ("L/S", "L/S (biallelic, rs25531 not typed)", True),
        ("S/L", "L/S (biallelic, rs25531 not typed)", True),
        ("LA/LG", "LA/LG (triallelic, rs25531 typed)", False),
        ("S/S", "S/S (biallelic, rs25531 not typed)", False),
    ],
)
def test_evaluate_research_markers__5httlpr_reading(raw: str, reading: str, caution: bool) -> None:
    card = _cards(genetics={"5httlpr": raw})["slc6a4_5httlpr"]
    assert card.reading == reading
    assert any("not typed for an L allele" in c for c in card.caution) is caution
    assert card.statement.index("CPIC") < card.statement.index("meta-analyses")


@pytest.mark.parametrize("name", ["let-7b", "LET-7B", "hsa-let-7b"])
def test_evaluate_research_markers__mirna_names_match_loosely(name: str) -> None:
    card = _cards(biomarkers={"mirna": {name: -1.2}})["mirna_let7b"]
    assert card.value == -1.2
    assert card.verified is False
    assert "-1.20" in card.statement


def test_evaluate_research_markers__methylation_caution_names_the_assay_limit() -> None:
    card = _cards(biomarkers={"bdnf_exon1_promoter_methylation_pct": 12.5})[
        "bdnf_exon1_methylation"
    ]
    assert card.unit == "%"
    assert any("5-hydroxymethylcytosine" in c for c in card.caution)


def test_evaluate_research_markers__example_record() -> None:
    cards = {
        c.id: c
        for c in evaluate_research_markers(
            load_record(ROOT / "examples" / "trd-with-genotypes.yaml")
        )
    }
    assert {"bdnf_rs6265", KAUTZKY, "comt_rs4680", "slc6a4_5httlpr", "crp", "il6"} <= set(cards)
    assert cards["comt_rs4680"].reading == "Val/Met"


def test_evaluate_research_markers__json_has_the_contract_keys() -> None:
    cards = evaluate_research_markers(record(**full_data()))
    payload = json.loads(json.dumps([c.model_dump(mode="json") for c in cards]))
    for item in payload:
        assert {"id", "value", "grade", "statement", "citations", "verified"} <= set(item)
        assert re.fullmatch(r"E[0-8]", item["grade"])
        assert isinstance(item["verified"], bool)
