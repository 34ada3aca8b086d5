"""Tests of the drug catalogue (``knowledge/drugs.yaml`` and its loader)."""

from __future__ import annotations

from typing import Any

import pytest

from trdkit.knowledge import KnowledgeError, Source, TableHeader
from trdkit.knowledge.drugs import (
    Drug,
    DrugCatalogue,
    DrugClass,
    DrugKind,
    InteractionTag,
    load_drug_catalogue,
    normalise_drug_name,
)

CATALOGUE = load_drug_catalogue()

# Every row of the drug table in clinical-rules.md §1.3, by catalogue id.
CLINICAL_RULES_ANTIDEPRESSANTS = [
    "citalopram", "escitalopram", "fluoxetine", "paroxetine", "sertraline", "fluvoxamine",
    "venlafaxine", "desvenlafaxine", "duloxetine", "levomilnacipran", "milnacipran",
    "bupropion", "mirtazapine", "mianserin", "vortioxetine", "vilazodone", "agomelatine",
    "trazodone", "nefazodone", "reboxetine", "tianeptine", "amitriptyline", "clomipramine",
    "imipramine", "desipramine", "doxepin", "trimipramine", "nortriptyline", "protriptyline",
    "maprotiline", "amoxapine", "dosulepin", "lofepramine", "phenelzine", "tranylcypromine",
    "isocarboxazid", "selegiline", "moclobemide", "quetiapine", "dextromethorphan_bupropion",
]  # fmt: skip

# clinical-rules.md §1.4 augmenting and combination agents, plus OFC and lurasidone.
AUGMENTING_AGENTS = [
    "lithium", "liothyronine", "aripiprazole", "brexpiprazole", "quetiapine", "cariprazine",
    "olanzapine", "risperidone", "bupropion", "mirtazapine", "mianserin", "modafinil",
    "lamotrigine", "pramipexole", "buspirone", "olanzapine_fluoxetine", "lurasidone",
]  # fmt: skip

# diagnosis-scales-fhir.md §4.4 (RxNorm ingredient RxCUIs, from the CPIC drug table).
REFERENCE_RXNORM = {
    "sertraline": "36437", "fluoxetine": "4493", "paroxetine": "32937", "citalopram": "2556",
    "escitalopram": "321988", "fluvoxamine": "42355", "venlafaxine": "39786",
    "imipramine": "5691", "brexpiprazole": "1658314", "doxepin": "3638", "duloxetine": "72625",
    "bupropion": "42347", "mirtazapine": "15996", "vortioxetine": "1455099",
    "amitriptyline": "704", "nortriptyline": "7531", "clomipramine": "2597",
    "aripiprazole": "89013", "olanzapine": "61381", "desipramine": "3247",
}  # fmt: skip

# Non-psychiatric drugs that interact with antidepressants or lithium, named as users write them.
INTERACTING_DRUGS = [
    "tramadol", "tapentadol", "pethidine", "meperidine", "methadone", "fentanyl",
    "dextromethorphan", "sumatriptan", "rizatriptan", "zolmitriptan", "naratriptan",
    "eletriptan", "almotriptan", "frovatriptan", "linezolid", "methylene blue",
    "methylthioninium chloride", "St John's wort", "hypericum", "tryptophan", "ondansetron",
    "ibuprofen", "naproxen", "diclofenac", "celecoxib", "aspirin", "lisinopril", "ramipril",
    "enalapril", "perindopril", "losartan", "candesartan", "valsartan", "hydrochlorothiazide",
    "bendroflumethiazide", "chlortalidone", "indapamide", "furosemide", "quinidine",
    "terbinafine", "cinacalcet", "mirabegron", "omeprazole", "esomeprazole", "fluconazole",
    "ticlopidine", "rifampicin", "rifampin", "carbamazepine", "phenytoin", "warfarin",
    "clopidogrel", "amiodarone", "haloperidol", "metoclopramide", "amphetamine",
    "dextroamphetamine", "methylphenidate",
]  # fmt: skip

MAOIS = [
    "phenelzine", "tranylcypromine", "isocarboxazid", "selegiline", "moclobemide", "linezolid",
    "methylene_blue",
]  # fmt: skip

ROWS = sorted(CATALOGUE.drugs.values(), key=lambda d: d.id)
NAMED = [(d.id, label) for d in ROWS for label in d.names()]


def _header(*keys: str) -> TableHeader:
    return TableHeader(
        table="drugs",
        title="t",
        description="d",
        schema_version=1,
        sources=[Source(key=k, citation=f"citation {k}") for k in keys],
        source_version="v",
        licence="l",
    )


def _row(drug_id: str, **extra: Any) -> Drug:
    row: dict[str, Any] = {
        "id": drug_id,
        "name": drug_id.title(),
        "kind": "antidepressant",
        "class": "ssri",
        "mechanism": "m",
        "serotonergic": False,
        "maoi": False,
        "sources": ["a"],
    }
    return Drug.model_validate(row | extra)


def test_load_drug_catalogue__header_describes_the_table() -> None:
    assert CATALOGUE.header.table == "drugs"
    assert {"canmat2023", "cpic_drug", "fda_ddi", "us_pi"} <= CATALOGUE.header.source_keys()
    assert len(CATALOGUE) >= 120


def test_load_drug_catalogue__is_cached() -> None:
    assert load_drug_catalogue() is CATALOGUE


@pytest.mark.parametrize(("drug_id", "label"), NAMED)
def test_resolve__every_id_name_and_synonym(drug_id: str, label: str) -> None:
    drug = CATALOGUE.resolve(label)
    assert drug is not None
    assert drug.id == drug_id


@pytest.mark.parametrize("label", ["SERTRALINE", "sertraline", "SeRtRaLiNe", "  zoloft "])
def test_resolve__ignores_case_and_padding(label: str) -> None:
    drug = CATALOGUE.resolve(label)
    assert drug is not None
    assert drug.id == "sertraline"


@pytest.mark.parametrize(
    ("label", "drug_id"),
    [
        ("dextromethorphan bupropion", "dextromethorphan_bupropion"),
        ("Dextromethorphan_Bupropion", "dextromethorphan_bupropion"),
        ("dextromethorphan - bupropion", "dextromethorphan_bupropion"),
        ("olanzapine/fluoxetine", "olanzapine_fluoxetine"),
        ("olanzapine + fluoxetine", "olanzapine_fluoxetine"),
        ("St. John's Wort", "st_johns_wort"),
        ("st johns wort", "st_johns_wort"),
        ("methylene-blue", "methylene_blue"),
        ("L tryptophan", "tryptophan"),
    ],
)
def test_resolve__tolerates_separator_and_punctuation_variants(label: str, drug_id: str) -> None:
    drug = CATALOGUE.resolve(label)
    assert drug is not None
    assert drug.id == drug_id


@pytest.mark.parametrize("label", ["sertralin", "aspirin2", "", "   ", "unobtainium"])
def test_resolve__unknown_name_is_none(label: str) -> None:
    assert CATALOGUE.resolve(label) is None
    assert label not in CATALOGUE


def test_suggest__near_miss_offers_the_drug() -> None:
    assert "sertraline" in CATALOGUE.suggest("sertralin")
    assert "Zoloft" in CATALOGUE.suggest("zolof")
    assert len(CATALOGUE.suggest("sertralin", n=2)) <= 2


def test_suggest__nothing_close_is_empty() -> None:
    assert CATALOGUE.suggest("qqqqqqqqqq") == []


def test_by_rxnorm__unknown_code_is_none() -> None:
    assert CATALOGUE.by_rxnorm("999999999") is None


@pytest.mark.parametrize(("drug_id", "rxcui"), sorted(REFERENCE_RXNORM.items()))
def test_by_rxnorm__matches_reference_codes(drug_id: str, rxcui: str) -> None:
    assert CATALOGUE.drugs[drug_id].rxnorm == rxcui
    drug = CATALOGUE.by_rxnorm(rxcui)
    assert drug is not None
    assert drug.id == drug_id


def test_names__are_the_sorted_ids() -> None:
    assert CATALOGUE.names() == sorted(CATALOGUE.drugs)


def test_catalogue__every_row_cites_header_sources() -> None:
    keys = CATALOGUE.header.source_keys()
    for drug in ROWS:
        assert drug.sources
        assert set(drug.sources) <= keys, drug.id


def test_catalogue__no_name_is_shared_between_drugs() -> None:
    owner: dict[str, str] = {}
    for drug in ROWS:
        for label in drug.names():
            key = normalise_drug_name(label)
            assert owner.setdefault(key, drug.id) == drug.id, (label, drug.id, owner[key])


@pytest.mark.parametrize("drug_id", CLINICAL_RULES_ANTIDEPRESSANTS)
def test_catalogue__has_clinical_rules_antidepressant(drug_id: str) -> None:
    drug = CATALOGUE.drugs[drug_id]
    expected = DrugKind.AUGMENTING_AGENT if drug_id == "quetiapine" else DrugKind.ANTIDEPRESSANT
    assert drug.kind is expected


@pytest.mark.parametrize("drug_id", AUGMENTING_AGENTS)
def test_catalogue__has_augmenting_agent(drug_id: str) -> None:
    assert drug_id in CATALOGUE.drugs


@pytest.mark.parametrize("label", INTERACTING_DRUGS)
def test_catalogue__has_interacting_drug(label: str) -> None:
    assert CATALOGUE.resolve(label) is not None


def test_catalogue__named_rows_as_the_brief_fixes_them() -> None:
    assert CATALOGUE.resolve("dothiepin") is CATALOGUE.drugs["dosulepin"]
    assert CATALOGUE.resolve("Emsam") is CATALOGUE.drugs["selegiline"]
    assert CATALOGUE.resolve("Symbyax") is CATALOGUE.drugs["olanzapine_fluoxetine"]
    assert (
        CATALOGUE.resolve("Cytomel") is CATALOGUE.resolve("T3") is CATALOGUE.drugs["liothyronine"]
    )
    assert CATALOGUE.drugs["quetiapine"].drug_class is DrugClass.SGA
    for drug_id, brand in [("esketamine", "Spravato"), ("ketamine", "Ketalar")]:
        drug = CATALOGUE.resolve(brand)
        assert drug is not None
        assert drug.id == drug_id
        assert drug.kind is DrugKind.ANTIDEPRESSANT
        assert drug.drug_class is DrugClass.NMDA_ANTAGONIST
    assert CATALOGUE.drugs["carbamazepine"].drug_class is DrugClass.MOOD_STABILISER


@pytest.mark.parametrize("drug_id", MAOIS)
def test_catalogue__maois_are_flagged(drug_id: str) -> None:
    drug = CATALOGUE.drugs[drug_id]
    assert drug.maoi
    assert InteractionTag.MAOI_LIKE in drug.interactions


def test_catalogue__only_known_maois_are_flagged() -> None:
    flagged = {d.id for d in ROWS if d.maoi}
    assert flagged == {*MAOIS, "rasagiline"}


def test_catalogue__ssris_snris_and_tcas_are_serotonergic() -> None:
    classes = {DrugClass.SSRI, DrugClass.SNRI, DrugClass.TCA}
    rows = [d for d in ROWS if d.drug_class in classes]
    assert len(rows) >= 20
    for drug in rows:
        assert drug.serotonergic, drug.id
        assert InteractionTag.SEROTONERGIC in drug.interactions, drug.id


@pytest.mark.parametrize(
    ("drug_id", "enzyme", "strength"),
    [
        ("fluoxetine", "CYP2D6", "strong"),
        ("paroxetine", "CYP2D6", "strong"),
        ("bupropion", "CYP2D6", "strong"),
        ("quinidine", "CYP2D6", "strong"),
        ("fluvoxamine", "CYP2C19", "strong"),
        ("fluvoxamine", "CYP1A2", "strong"),
        ("duloxetine", "CYP2D6", "moderate"),
        ("omeprazole", "CYP2C19", "moderate"),
    ],
)
def test_catalogue__key_cyp_inhibitors(drug_id: str, enzyme: str, strength: str) -> None:
    assert CATALOGUE.drugs[drug_id].cyp_inhibition[enzyme] == strength


def test_catalogue__lithium_raisers_are_tagged() -> None:
    for drug_id in ["ibuprofen", "lisinopril", "losartan", "hydrochlorothiazide"]:
        assert InteractionTag.RAISES_LITHIUM_LEVEL in CATALOGUE.drugs[drug_id].interactions


def test_drug__reads_class_alias_and_derives_flag_tags() -> None:
    drug = _row("x", serotonergic=True, maoi=True, interactions=["qt_prolonging"])
    assert drug.drug_class is DrugClass.SSRI
    assert set(drug.interactions) == {
        InteractionTag.QT_PROLONGING,
        InteractionTag.SEROTONERGIC,
        InteractionTag.MAOI_LIKE,
    }


@pytest.mark.parametrize(
    "extra",
    [
        {"interactions": ["serotonergic"]},
        {"interactions": ["maoi_like"]},
        {"interactions": ["not_a_tag"]},
        {"class": "not_a_class"},
        {"cyp_inhibition": {"2D6": "strong"}},
        {"cyp_inhibition": {"CYP2D6": "very strong"}},
        {"rxnorm": "RX1"},
        {"sources": []},
        {"unexpected": 1},
    ],
)
def test_drug__rejects_invalid_row(extra: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        _row("x", **extra)


def test_drug_catalogue__rejects_duplicate_id() -> None:
    with pytest.raises(KnowledgeError, match="duplicate"):
        DrugCatalogue(_header("a"), [_row("x"), _row("x")])


def test_drug_catalogue__rejects_unknown_source() -> None:
    with pytest.raises(KnowledgeError, match="unknown sources"):
        DrugCatalogue(_header("a"), [_row("x", sources=["a", "b"])])


def test_drug_catalogue__rejects_colliding_synonym() -> None:
    with pytest.raises(KnowledgeError, match="collides"):
        DrugCatalogue(_header("a"), [_row("x", synonyms=["Brand-Y"]), _row("brand_y")])


def test_drug_catalogue__rejects_shared_rxnorm() -> None:
    with pytest.raises(KnowledgeError, match="RxCUI"):
        DrugCatalogue(_header("a"), [_row("x", rxnorm="1"), _row("y", rxnorm="1")])
