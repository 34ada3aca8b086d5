"""Integrity of the diagnosis knowledge tables."""

from __future__ import annotations

from trdkit.knowledge import list_tables
from trdkit.knowledge.diagnosis_criteria import load_dsm5_criteria
from trdkit.knowledge.diagnosis_icd_tables import load_icd10_who, load_icd11
from trdkit.knowledge.diagnosis_tables import (
    load_mdd_codes,
    load_related_codes,
    load_severity,
    load_specifiers,
)

DIAGNOSIS_TABLES = [
    "diagnosis/dsm5_criteria.yaml",
    "diagnosis/icd10_who.yaml",
    "diagnosis/icd11.yaml",
    "diagnosis/mdd_codes.csv",
    "diagnosis/related_codes.yaml",
    "diagnosis/severity.yaml",
    "diagnosis/specifiers.yaml",
]


def test_tables__all_listed_and_loadable() -> None:
    assert set(DIAGNOSIS_TABLES) <= set(list_tables())
    for load in (
        load_dsm5_criteria,
        load_icd10_who,
        load_icd11,
        load_mdd_codes,
        load_related_codes,
        load_severity,
        load_specifiers,
    ):
        assert load().header.licence


def test_mdd_codes__fourteen_rows_unique_codes() -> None:
    rows = load_mdd_codes().rows
    assert len(rows) == 14
    assert len({r.icd10cm for r in rows}) == 14
    assert len({r.dsm5_icd9cm for r in rows}) == 14
    # Single-episode codes are F32.x with 296.2x; recurrent F33.x with 296.3x.
    for r in rows:
        prefix = ("F32.", "296.2") if r.course == "single" else ("F33.", "296.3")
        assert r.icd10cm.startswith(prefix[0]) and r.dsm5_icd9cm.startswith(prefix[1])


def test_related_codes__traps() -> None:
    codes = {c.code for c in load_related_codes().codes}
    assert {"T14.91XA", "F32.A", "F06.1", "R45.851", "Z91.51", "F34.1"} <= codes
    assert "T14.91A" not in codes
    assert set(load_related_codes().do_not_emit) == {"F32.8", "F33.4"}


def test_specifiers__seasonal_recurrent_only_and_order() -> None:
    table = load_specifiers()
    assert table.get("seasonal_pattern").applies_to == ("recurrent",)
    assert [s.id for s in table.specifiers][-1] == "seasonal_pattern"
    assert table.get("psychotic_features").coding == "status_code"


def test_severity__bands_are_the_nesarc_operationalisation() -> None:
    table = load_severity()
    assert [table.band_for(n) for n in range(4, 10)] == [
        None,
        "mild",
        "moderate",
        "moderate",
        "severe",
        "severe",
    ]
    assert "not a DSM-5-TR rule" in table.label


def test_icd10__worthlessness_counts_once() -> None:
    table = load_icd10_who()
    mapped = [i.id for i in table.items if i.record_symptom == "worthlessness_or_guilt"]
    assert mapped == ["C1", "C2"]
    assert table.record_symptom_weight["worthlessness_or_guilt"] == 1


def test_icd11__ten_symptoms_with_hopelessness() -> None:
    table = load_icd11()
    assert "hopelessness" in {s.record_symptom for s in table.symptoms}
    assert table.psychotic_allowed_with == ("moderate", "severe")
