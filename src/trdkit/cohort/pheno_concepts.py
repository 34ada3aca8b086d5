"""From codes to trdkit's vocabulary: drug concepts to catalogue ids, diagnoses to code groups.

A drug is keyed by its catalogue id (``sertraline``) when the drug catalogue knows it, else by its
normalised ingredient name (``amineptin``), else by ``concept:<id>``. OMOP drug concepts reach
their ingredient through ``concept_ancestor``; the ingredient's RxNorm code is looked up with
``DrugCatalogue.by_rxnorm``, then its name with ``DrugCatalogue.resolve``. The same function keys
the ingredients of the OHDSI concept sets, so both sides of a comparison agree.

Diagnoses fall into the code groups of ``cohort_policies.yaml``: by code prefix for ICD systems,
and by the group's OHDSI concept set (descendants through ``concept_ancestor``) for OMOP
concepts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

import polars as pl

from trdkit.knowledge.cohort_policies import CodeGroup, load_cohort_policies
from trdkit.knowledge.drugs import load_drug_catalogue, normalise_drug_name
from trdkit.knowledge.ohdsi_concept_sets import load_ohdsi_concept_sets

__all__ = [
    "catalogue_frame",
    "codeset_concept_ids",
    "codeset_drug_keys",
    "drug_key",
    "drug_keys",
    "group_columns",
    "ingredient_key",
    "ingredient_map",
    "rxnorm_keys",
]

_INGREDIENT_VOCABULARIES = ("RxNorm", "RxNorm Extension")


@cache
def drug_key(name: str) -> str:
    """Catalogue id of a drug name, else its normalised name (``"St. John's Wort"`` -> id).

    A name the catalogue does not know is tried again without trailing salt or extract words
    (``cohort_policies.yaml``, ``name_suffixes_ignored``): ``"Sertraline hydrochloride"``.
    """
    catalogue = load_drug_catalogue()
    ignored = set(load_cohort_policies().settings.name_suffixes_ignored.value)
    words = normalise_drug_name(name).split()
    while words:
        drug = catalogue.resolve(" ".join(words))
        if drug is not None:
            return drug.id
        if words[-1] not in ignored:
            break
        words.pop()
    return normalise_drug_name(name)


def _map_unique(values: pl.Series, fn: Callable[[str], str | None]) -> pl.Series:
    # Each distinct value is looked up once; an Enum over the distinct values turns the column
    # into positions in that list, which index the looked-up keys (fast on millions of rows).
    if values.null_count() == values.len():
        return values.cast(pl.String)
    unique = values.drop_nulls().unique().sort().to_list()
    keys = pl.Series([fn(v) for v in unique], dtype=pl.String)
    positions = values.cast(pl.Enum(unique)).to_physical()
    return keys.gather(positions).alias(values.name)


def drug_keys(names: pl.Series) -> pl.Series:
    """Drug keys of a column of names (each distinct name is resolved once)."""
    return _map_unique(names, drug_key)


def rxnorm_keys(codes: pl.Series) -> pl.Series:
    """Catalogue ids of RxNorm ingredient codes; null where the catalogue has no such RxCUI."""
    catalogue = load_drug_catalogue()

    def lookup(code: str) -> str | None:
        drug = catalogue.by_rxnorm(code)
        return None if drug is None else drug.id

    return _map_unique(codes, lookup)


def ingredient_key(vocabulary_id: str | None, code: str | None, name: str | None, cid: int) -> str:
    """Key of an ingredient concept: RxNorm code, then name, then ``concept:<id>``."""
    catalogue = load_drug_catalogue()
    if vocabulary_id == "RxNorm" and code:
        drug = catalogue.by_rxnorm(code)
        if drug is not None:
            return drug.id
    if name:
        return drug_key(name)
    return f"concept:{cid}"


def _keys_of(concept: pl.DataFrame) -> pl.DataFrame:
    rows = concept.select("concept_id", "vocabulary_id", "concept_code", "concept_name").rows()
    keys = [ingredient_key(v, c, n, i) for i, v, c, n in rows]
    return pl.DataFrame(
        {"ingredient_concept_id": concept["concept_id"], "drug": keys},
        schema={"ingredient_concept_id": pl.Int64, "drug": pl.String},
    )


def ingredient_map(concept: pl.DataFrame, ancestor: pl.DataFrame) -> pl.DataFrame:
    """Map every drug concept to its ingredient concepts and their drug keys.

    Parameters
    ----------
    concept
        The OMOP ``concept`` table (``concept_id``, ``concept_name``, ``vocabulary_id``,
        ``concept_class_id``, ``concept_code``).
    ancestor
        The OMOP ``concept_ancestor`` table (``ancestor_concept_id``, ``descendant_concept_id``).

    Returns
    -------
    polars.DataFrame
        ``drug_concept_id``, ``ingredient_concept_id``, ``drug``; a multi-ingredient product has
        one row per ingredient, an ingredient maps to itself.
    """
    ingredients = concept.filter(
        (pl.col("concept_class_id") == "Ingredient")
        & pl.col("vocabulary_id").is_in(_INGREDIENT_VOCABULARIES)
    )
    keys = _keys_of(ingredients)
    links = ancestor.select(
        pl.col("descendant_concept_id").alias("drug_concept_id"),
        pl.col("ancestor_concept_id").alias("ingredient_concept_id"),
    )
    selves = keys.select(
        pl.col("ingredient_concept_id").alias("drug_concept_id"), "ingredient_concept_id"
    )
    pairs = pl.concat([links, selves]).unique()
    return pairs.join(keys, on="ingredient_concept_id", how="inner")


def catalogue_frame() -> pl.DataFrame:
    """The drug catalogue as a frame: ``drug`` (id), ``drug_class``, ``kind``."""
    drugs = list(load_drug_catalogue().drugs.values())
    return pl.DataFrame(
        {
            "drug": [d.id for d in drugs],
            "drug_class": [d.drug_class.value for d in drugs],
            "kind": [d.kind.value for d in drugs],
        }
    )


def codeset_concept_ids(codeset_id: int, ancestor: pl.DataFrame | None) -> set[int]:
    """Concept ids of an OHDSI concept set, with descendants where the item asks for them.

    Without a ``concept_ancestor`` table only the listed concepts themselves are members.
    """

    def expand(ids: Iterable[int], descendants: bool) -> set[int]:
        out = set(ids)
        if descendants and ancestor is not None and out:
            hit = ancestor.filter(pl.col("ancestor_concept_id").is_in(list(out)))
            out |= set(hit["descendant_concept_id"].to_list())
        return out

    items = load_ohdsi_concept_sets().codeset(codeset_id)
    included: set[int] = set()
    excluded: set[int] = set()
    for item in items:
        target = excluded if item.is_excluded else included
        target |= expand([item.concept_id], item.include_descendants)
    return included - excluded


def codeset_drug_keys(codeset_id: int, exclude: Iterable[str] = ()) -> set[str]:
    """Drug keys of the ingredients of an OHDSI drug concept set, minus ``exclude``."""
    items = load_ohdsi_concept_sets().codeset(codeset_id)
    keys = {
        ingredient_key(i.vocabulary_id, i.concept_code, i.concept_name, i.concept_id)
        for i in items
        if not i.is_excluded
    }
    return keys - set(exclude)


def _group_expr(group: CodeGroup, omop_ids: set[int]) -> pl.Expr:
    code = pl.col("code").fill_null("").str.replace_all(r"[\s.]", "").str.to_uppercase()
    hit = pl.lit(False)
    for system, prefixes in group.prefixes.items():
        for prefix in prefixes:
            hit = hit | ((pl.col("system") == system) & code.str.starts_with(prefix))
    if omop_ids:
        hit = hit | pl.col("concept_id").is_in(sorted(omop_ids))
    return hit.fill_null(False)


def group_columns(conditions: pl.DataFrame, ancestor: pl.DataFrame | None) -> pl.DataFrame:
    """Add one boolean column ``in_<group>`` per code group to a conditions frame."""
    exprs = []
    for group in load_cohort_policies().code_groups.values():
        ids = (
            set()
            if group.omop_codeset is None
            else codeset_concept_ids(group.omop_codeset, ancestor)
        )
        exprs.append(_group_expr(group, ids).alias(f"in_{group.id}"))
    # Codes repeat a great deal: classify each distinct code once, then join back.
    keys = ["system", "code", "concept_id"]
    distinct = conditions.select(keys).unique().with_columns(exprs)
    return conditions.join(distinct, on=keys, how="left", nulls_equal=True)
