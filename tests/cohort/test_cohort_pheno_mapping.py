"""From OMOP concepts and ICD codes to trdkit's vocabulary: drug keys and code groups."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from trdkit.cohort.pheno_concepts import (
    codeset_concept_ids,
    codeset_drug_keys,
    drug_keys,
    group_columns,
    ingredient_key,
    ingredient_map,
)
from trdkit.cohort.pheno_omop import read_omop

CONCEPT = pl.DataFrame(
    {
        "concept_id": [739138, 703547, 19032424, 40000001, 40000002, 19006186],
        "concept_name": [
            "Sertraline",
            "Trazodone",
            "amineptin",
            "sertraline 50 MG Oral Tablet",
            "Amino acids / tryptophan bag",
            "Tryptophan",
        ],
        "domain_id": ["Drug"] * 6,
        "vocabulary_id": ["RxNorm", "RxNorm", "RxNorm", "RxNorm", "RxNorm", "RxNorm"],
        "concept_class_id": [
            "Ingredient",
            "Ingredient",
            "Ingredient",
            "Clinical Drug",
            "Clinical Drug",
            "Ingredient",
        ],
        "concept_code": ["36437", "10737", "17698", "312941", "999", "10898"],
    }
)
ANCESTOR = pl.DataFrame(
    {
        "ancestor_concept_id": [739138, 19006186, 703547],
        "descendant_concept_id": [40000001, 40000002, 40000002],
    }
)


def test_ingredient_map__reaches_catalogue_ids_by_rxnorm_then_by_name() -> None:
    mapping = ingredient_map(CONCEPT, ANCESTOR)
    got = {(r, i): d for r, i, d in mapping.rows()}
    # Sertraline's RxCUI 36437 is in the catalogue; trazodone's is not, so its name decides.
    assert got[(40000001, 739138)] == "sertraline"
    assert got[(703547, 703547)] == "trazodone"
    # An ingredient the catalogue lacks keeps its normalised name.
    assert got[(19032424, 19032424)] == "amineptin"
    # A multi-ingredient product maps to each of its ingredients.
    assert {d for (r, _), d in got.items() if r == 40000002} == {"tryptophan", "trazodone"}


def test_ingredient_key__falls_back_to_the_concept_id() -> None:
    assert ingredient_key("RxNorm", "36437", "anything", 1) == "sertraline"
    assert ingredient_key("RxNorm Extension", "OMOP1", "Agomelatine", 2) == "agomelatine"
    assert ingredient_key(None, None, None, 3) == "concept:3"


def test_drug_keys__brand_names_and_spellings_meet_one_id() -> None:
    names = pl.Series(["Zoloft", "SERTRALINE", "St. John's Wort", None, "mystery pill"])
    assert drug_keys(names).to_list() == [
        "sertraline",
        "sertraline",
        "st_johns_wort",
        None,
        "mystery pill",
    ]


def test_codeset_drug_keys__the_ohdsi_antidepressants_include_its_quirks() -> None:
    keys = codeset_drug_keys(16)
    assert {"sertraline", "trazodone", "tryptophan", "selegiline", "st_johns_wort"} <= keys
    assert "tryptophan" not in codeset_drug_keys(16, exclude=("tryptophan",))
    # Fluoxetine is listed in the antipsychotic set only as an exclusion.
    assert "fluoxetine" not in codeset_drug_keys(11)
    assert "olanzapine" in codeset_drug_keys(11)


def test_codeset_concept_ids__descendants_in_and_exclusions_out() -> None:
    ancestor = pl.DataFrame(
        {
            "ancestor_concept_id": [440383, 440383, 440383, 436665],
            "descendant_concept_id": [4152280, 436665, 4000001, 4000001],
        }
    )
    ids = codeset_concept_ids(18, ancestor)
    assert 440383 in ids and 4152280 in ids
    # Bipolar disorder (436665) and its descendants are excluded from the depression set.
    assert 436665 not in ids and 4000001 not in ids
    # Without a concept_ancestor table only the listed concepts count.
    assert codeset_concept_ids(18, None) == {440383}


def test_group_columns__icd_prefixes_without_dots_and_omop_concepts() -> None:
    conditions = pl.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5],
            "system": ["icd10cm", "icd10", "icd9cm", "omop", "icd10cm"],
            "code": ["F33.2", "F311", "296.23", "436665", "F06.31"],
            "concept_id": [None, None, None, 436665, None],
        },
        schema_overrides={"concept_id": pl.Int64},
    )
    marked = group_columns(conditions, None).sort("person_id")
    assert marked["in_depression"].to_list() == [True, False, True, False, False]
    assert marked["in_bipolar"].to_list() == [False, True, False, True, False]
    assert marked["in_medical_cause"].to_list() == [False, False, False, False, True]


def test_read_omop__maps_mimic_drugs_to_catalogue_ingredients(shared_dir: Path) -> None:
    demo = shared_dir / "data" / "omop-mimic-demo"
    data = read_omop(demo / "cdm", demo / "vocab_subset")
    drugs = set(data.exposures["drug"].unique().to_list())
    # The antidepressants the MANIFEST lists, reached through concept_ancestor.
    assert {"trazodone", "mirtazapine", "citalopram", "sertraline", "bupropion"} <= drugs
    # Tryptophan arrives with parenteral amino-acid bags (a quirk the OHDSI set inherits).
    assert "tryptophan" in drugs
    per_person = data.exposures.filter(pl.col("drug") == "trazodone")["person_id"].n_unique()
    assert per_person == 29  # MANIFEST: trazodone 29 persons
