"""The FHIR code table loads, agrees with the other tables and keeps its documented coverage."""

from __future__ import annotations

import re

from conftest import ROOT
from trdkit.knowledge.drugs import DrugKind, load_drug_catalogue
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.knowledge.scale_scoring import load_scale_scoring


def test_fhir_codes__loinc_totals_agree_with_scale_scoring() -> None:
    table = load_fhir_codes()
    scoring = load_scale_scoring()
    for instrument, codes in table.instruments.items():
        rules = scoring[instrument].codes
        assert rules.panel == codes.panel, instrument
        assert rules.result == (codes.total or codes.risk), instrument


def test_fhir_codes__phq9_difficulty_answer_order_trap() -> None:
    difficulty = load_fhir_codes().answer_lists["difficulty"]
    assert [(a.code, a.score) for a in difficulty.answers] == [
        ("LA6572-7", 0),
        ("LA6573-5", 1),
        ("LA6575-0", 2),
        ("LA6574-3", 3),
    ]
    assert load_fhir_codes().instruments["gad7"].total == "70274-6"  # trap 5: not 75626-2


def test_fhir_codes__condition_prefixes_and_exact_codes() -> None:
    table = load_fhir_codes()
    assert [r.value for r in table.conditions_for("icd10cm", "F41.1")] == ["anxiety_disorder"]
    assert [r.target for r in table.conditions_for("icd10cm", "T14.91XA")] == ["suicide_attempt"]
    assert table.conditions_for("icd10cm", "I10") == []
    assert table.conditions_for("icd10cm", "F17.210") == []
    assert [r.psychotic for r in table.conditions_for("snomedct", "15193003")] == [
        "mood_incongruent"
    ]


def test_fhir_codes__products_and_ingredients_resolve_to_catalogue_drugs() -> None:
    table = load_fhir_codes()
    catalogue = load_drug_catalogue()
    assert table.product("1738483") is not None
    assert table.rxcui_of("sertraline") == "36437"  # from drugs.yaml
    assert table.rxcui_of("trazodone") == "10737"  # from fhir_codes.yaml ingredients
    for product in table.products:
        assert all(d in catalogue.drugs for d in product.drugs)


def test_fhir_codes__documented_coverage_is_current() -> None:
    table = load_fhir_codes()
    catalogue = load_drug_catalogue()
    antidepressants = [d.id for d in catalogue.drugs.values() if d.kind is DrugKind.ANTIDEPRESSANT]
    mapped = {d for p in table.products for d in p.drugs if d in antidepressants}
    with_ingredient = [d for d in antidepressants if table.rxcui_of(d)]
    products = [p for p in table.products if any(d in antidepressants for d in p.drugs)]
    text = (ROOT / "docs" / "fhir.md").read_text()
    line = (
        f"{len(table.products)} product codes, {len(products)} of them antidepressants, covering "
        f"{len(mapped)} of {len(antidepressants)} antidepressants; ingredient codes cover "
        f"{len(with_ingredient)} of {len(antidepressants)}"
    )
    assert line in re.sub(r"\s+", " ", text)
