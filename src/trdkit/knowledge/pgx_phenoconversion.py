"""Loader for ``pgx/phenoconversion.yaml``: what a CYP inhibitor or inducer does to a phenotype.

Drug strengths are not here: they come from the drug catalogue (``drugs.yaml``), the one source
of truth for interaction strengths. This table holds only the conversion per gene and strength.

References
----------
Cicali EJ, Elchynski AL, Cook KJ, et al. How to integrate CYP2D6 phenoconversion into clinical
pharmacogenetics: a tutorial. Clin Pharmacol Ther. 2021;110(3):677-687.
Klomp SD, Manson ML, Guchelaar HJ, Swen JJ. Phenoconversion of cytochrome P450 metabolism: a
systematic review. J Clin Med. 2020;9(9):2890.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.pgx_phenotypes import PHENOTYPE_TERMS

__all__ = ["GeneConversion", "PhenoconversionTable", "load_pgx_phenoconversion"]

_TABLE = "pgx/phenoconversion.yaml"
Strength = Literal["strong", "moderate", "weak"]


class GeneConversion(BaseModel):
    """How inhibitors and inducers of one gene change its phenotype.

    ``activity_score_multiplier``: the factor per strength multiplies the activity score.
    ``phenotype_steps``: the number per strength is how many steps along ``towards_poor``
    (inhibitors) or ``towards_ultrarapid`` (inducers) the phenotype moves.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["activity_score_multiplier", "phenotype_steps"]
    cite: str = Field(min_length=1, description="Short citation for reasons.")
    inhibitor: dict[Strength, float] = Field(default_factory=dict)
    inducer: dict[Strength, float] = Field(default_factory=dict)
    uncertain: bool
    towards_poor: dict[str, str] = Field(default_factory=dict)
    towards_ultrarapid: dict[str, str] = Field(default_factory=dict)
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> GeneConversion:
        if self.method == "phenotype_steps":
            for name, ladder in (
                ("towards_poor", self.towards_poor),
                ("towards_ultrarapid", self.towards_ultrarapid),
            ):
                if set(ladder) != set(PHENOTYPE_TERMS) or not set(ladder.values()) <= set(
                    PHENOTYPE_TERMS
                ):
                    raise ValueError(f"{name} must map every CPIC phenotype to a CPIC phenotype")
            steps = [*self.inhibitor.values(), *self.inducer.values()]
            if any(s != int(s) or s < 0 for s in steps):
                raise ValueError("phenotype steps must be whole numbers >= 0")
        return self

    def effect(self, kind: Literal["inhibitor", "inducer"], strength: Strength) -> float | None:
        """Factor or steps for a perpetrator; ``None`` when the table has no rule for it."""
        return (self.inhibitor if kind == "inhibitor" else self.inducer).get(strength)

    def counts(self, kind: Literal["inhibitor", "inducer"], strength: Strength) -> bool:
        """Whether a perpetrator of this kind and strength changes anything."""
        value = self.effect(kind, strength)
        if value is None:
            return False
        return value != (1.0 if self.method == "activity_score_multiplier" else 0)


class PhenoconversionTable(BaseModel):
    """Conversion rules by gene; a gene without a rule is never converted."""

    model_config = ConfigDict(frozen=True)

    header: TableHeader
    genes: Mapping[str, GeneConversion]


@cache
def load_pgx_phenoconversion() -> PhenoconversionTable:
    """Load and validate ``pgx/phenoconversion.yaml`` (once per process).

    Raises
    ------
    KnowledgeError
        If the file is invalid or a gene rule cites a source the header does not list.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        genes = {g: GeneConversion.model_validate(r) for g, r in body["genes"].items()}
    except (ValidationError, KeyError, AttributeError) as exc:
        raise KnowledgeError(f"{_TABLE}: {exc}") from exc
    for gene, rule in genes.items():
        if missing := set(rule.sources) - header.source_keys():
            raise KnowledgeError(f"{_TABLE}: {gene} cites unknown sources {sorted(missing)}")
    return PhenoconversionTable(header=header, genes=genes)
