"""Phenoconversion: the phenotype a patient functionally has while taking CYP inhibitors/inducers.

Which drug inhibits or induces CYP2D6 or CYP2C19, and how strongly, comes from the drug
catalogue; what a strength does comes from ``pgx/phenoconversion.yaml``. CYP2D6: the activity
score is multiplied by the strongest inhibitor's factor (strong x 0, moderate x 0.5) and binned
again. CYP2C19: the strongest inhibitor moves the phenotype towards poor and the strongest
inducer towards ultrarapid, by configurable steps [U].

References
----------
Cicali EJ, Elchynski AL, Cook KJ, et al. How to integrate CYP2D6 phenoconversion into clinical
pharmacogenetics: a tutorial. Clin Pharmacol Ther. 2021;110(3):677-687.
Klomp SD, Manson ML, Guchelaar HJ, Swen JJ. Phenoconversion of cytochrome P450 metabolism: a
systematic review. J Clin Med. 2020;9(9):2890.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.pgx_phenoconversion import GeneConversion, load_pgx_phenoconversion
from trdkit.knowledge.pgx_phenotypes import load_pgx_phenotypes
from trdkit.pgx.phenotype import format_score

__all__ = ["Perpetrator", "Phenoconversion", "functional_phenotype", "perpetrators", "phenoconvert"]

Kind = Literal["inhibitor", "inducer"]
Strength = Literal["strong", "moderate", "weak"]
_RANK = {"strong": 3, "moderate": 2, "weak": 1}


@dataclass(frozen=True)
class Perpetrator:
    """A current drug that inhibits or induces the gene's enzyme."""

    drug: str
    kind: Kind
    strength: Strength


@dataclass(frozen=True)
class Phenoconversion:
    """The functional phenotype and how it was reached.

    ``applies`` is true when at least one current drug counts under the rules (the result may
    still equal the genotype phenotype, e.g. a poor metabolizer stays poor).
    """

    gene: str
    genotype_phenotype: str | None
    phenotype: str | None
    activity_score: float | None
    at_least: bool
    applies: bool
    perpetrators: tuple[Perpetrator, ...]
    because: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """The functional phenotype differs from the genotype phenotype."""
        return self.applies and self.phenotype != self.genotype_phenotype


def perpetrators(gene: str, current_drugs: Sequence[str]) -> list[Perpetrator]:
    """Current drugs that inhibit or induce ``gene`` per the drug catalogue (any strength).

    Unknown names are skipped here; the record's ``interaction_check_incomplete`` flag reports
    them.
    """
    catalogue = load_drug_catalogue()
    found: dict[tuple[str, Kind], Perpetrator] = {}
    for name in current_drugs:
        drug = catalogue.resolve(name)
        if drug is None:
            continue
        sides: tuple[tuple[Kind, Mapping[str, Strength]], ...] = (
            ("inhibitor", drug.cyp_inhibition),
            ("inducer", drug.cyp_induction),
        )
        for kind, table in sides:
            strength = table.get(gene)
            if strength is not None:
                found[(drug.id, kind)] = Perpetrator(drug.id, kind, strength)
    return list(found.values())


def _strongest(rule: GeneConversion, perps: list[Perpetrator], kind: Kind) -> Perpetrator | None:
    counted = [p for p in perps if p.kind == kind and rule.counts(kind, p.strength)]
    return max(counted, key=lambda p: _RANK[p.strength], default=None)


def _describe(p: Perpetrator, gene: str) -> str:
    return f"{p.drug} is a {p.strength} {gene} {p.kind} (drug catalogue, FDA clinical index)"


def _by_score(
    rule: GeneConversion,
    phenotype: str | None,
    score: float | None,
    at_least: bool,
    inhibitor: Perpetrator,
) -> tuple[str | None, float | None, bool, str]:
    factor = rule.effect("inhibitor", inhibitor.strength) or 0.0
    table = load_pgx_phenotypes("CYP2D6")
    if score is None:
        if factor == 0:
            new = table.phenotype_of_score(0.0)
            return new, 0.0, False, f"any activity score x 0 = 0.0 -> {new} ({rule.cite})"
        kept = f"activity score unknown: {phenotype or 'the phenotype'} kept ({rule.cite})"
        return phenotype, None, at_least, kept
    value = round(score * factor, 4)
    bound = at_least and value > 0
    new = table.phenotype_of_score(value, bound)
    text = (
        f"activity score {format_score(score, at_least)} x {factor:g} = "
        f"{format_score(value, bound)} -> {new} ({rule.cite})"
    )
    return new, value, bound, text


def _by_steps(rule: GeneConversion, phenotype: str | None, down: int, up: int) -> tuple[str, str]:
    current = phenotype or "Indeterminate"
    net = up - down
    ladder = rule.towards_ultrarapid if net > 0 else rule.towards_poor
    for _ in range(abs(net)):
        current = ladder[current]
    moves = (
        f"{abs(net)} step(s) towards {'ultrarapid' if net > 0 else 'poor'}"
        if net
        else "no net step"
    )
    return current, f"{phenotype} -> {current}: {moves} ({rule.cite})"


def phenoconvert(
    gene: str,
    phenotype: str | None,
    activity_score: float | None,
    current_drugs: Sequence[str],
    *,
    at_least: bool = False,
) -> Phenoconversion:
    """Apply the phenoconversion rules of ``gene`` for the current drugs.

    Parameters
    ----------
    gene
        ``CYP2D6``, ``CYP2C19`` or ``CYP2B6`` (no rule: never converted).
    phenotype
        The genotype-predicted CPIC phenotype.
    activity_score
        CYP2D6 activity score (``None`` where unknown or not used).
    current_drugs
        Catalogue ids or names of the drugs taken now.
    at_least
        ``activity_score`` is a lower bound (``≥``).

    Returns
    -------
    Phenoconversion
        The functional phenotype (and CYP2D6 score), the counted perpetrators and reasons.
    """
    return _phenoconvert(gene, phenotype, activity_score, tuple(current_drugs), at_least)


@functools.lru_cache(maxsize=4096, typed=True)
def _phenoconvert(
    gene: str,
    phenotype: str | None,
    activity_score: float | None,
    current_drugs: tuple[str, ...],
    at_least: bool,
) -> Phenoconversion:
    # Asked with the same arguments for every drug and diplotype of an assessment; the result
    # is frozen, so it is kept.
    rule = load_pgx_phenoconversion().genes.get(gene)
    perps = perpetrators(gene, current_drugs)
    unchanged = Phenoconversion(
        gene, phenotype, phenotype, activity_score, at_least, False, tuple(perps), ()
    )
    if rule is None:
        return unchanged
    inhibitor = _strongest(rule, perps, "inhibitor")
    inducer = _strongest(rule, perps, "inducer")
    counted = tuple(p for p in (inhibitor, inducer) if p is not None)
    if not counted:
        return unchanged
    reasons = [_describe(p, gene) for p in counted]
    new_score, bound = activity_score, at_least
    if rule.method == "activity_score_multiplier":
        if inhibitor is None:  # only inhibitors scale an activity score
            return unchanged
        new, new_score, bound, text = _by_score(
            rule, phenotype, activity_score, at_least, inhibitor
        )
    else:
        down = int(rule.effect("inhibitor", inhibitor.strength) or 0) if inhibitor else 0
        up = int(rule.effect("inducer", inducer.strength) or 0) if inducer else 0
        new, text = _by_steps(rule, phenotype, down, up)
    reasons.append(f"{gene} functional phenotype: {text}")
    if rule.uncertain:
        reasons.append(f"{gene} phenoconversion steps are a configurable, uncertain value [U]")
    return Phenoconversion(gene, phenotype, new, new_score, bound, True, counted, tuple(reasons))


def functional_phenotype(
    gene: str,
    phenotype: str | None,
    activity_score: float | None,
    current_drugs: Sequence[str],
) -> tuple[str | None, list[str]]:
    """Return the functional phenotype under the current drugs, with reasons.

    Parameters
    ----------
    gene
        ``CYP2D6``, ``CYP2C19`` or ``CYP2B6``.
    phenotype
        The genotype-predicted CPIC phenotype.
    activity_score
        CYP2D6 activity score, if known.
    current_drugs
        Catalogue ids or names of the drugs taken now.

    Returns
    -------
    tuple
        The functional phenotype (the genotype phenotype when no current drug counts) and the
        reasons (empty when nothing applied).

    References
    ----------
    Cicali EJ, et al. Clin Pharmacol Ther. 2021;110(3):677-687.
    """
    result = phenoconvert(gene, phenotype, activity_score, current_drugs)
    return result.phenotype, list(result.because)
