"""Diplotype -> CPIC metabolizer phenotype (and CYP2D6 activity score).

CYP2C19 and CYP2B6 are looked up in CPIC's diplotype tables. CYP2D6 is scored: each gene unit's
activity value is summed (Caudle 2020); copy numbers multiply an allele's value (``*1x2`` = 2 x
``*1`` unless the table lists the duplication itself, ``x≥3`` and ``xN`` give a lower bound) and
tandem arrangements from outside calls (``*36+*10``, ``*13+*2``) add their units. An allele the
table does not know makes the phenotype Indeterminate, with a warning naming it.

References
----------
Caudle KE, Sangkuhl K, Whirl-Carrillo M, et al. Standardizing CYP2D6 genotype to phenotype
translation: consensus recommendations from CPIC and DPWG. Clin Transl Sci. 2020;13(1):116-124.
Bousman CA, Stevenson JM, Ramsey LB, et al. CPIC guideline for CYP2D6, CYP2C19, CYP2B6, SLC6A4,
and HTR2A genotypes and serotonin reuptake inhibitor antidepressants. Clin Pharmacol Ther.
2023;114(1):51-68.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from trdkit.knowledge.pgx_phenotypes import PGX_GENES, PhenotypeTable, load_pgx_phenotypes

__all__ = [
    "PhenotypeResult",
    "format_score",
    "phenotype_for",
    "phenotype_for_alternatives",
    "resolve_phenotype",
]

_UNIT = re.compile(r"^(?P<allele>\*\d+(?:\.\d+)?)(?:x(?P<copies>≥?\d+|N))?$")


@dataclass(frozen=True)
class PhenotypeResult:
    """A diplotype translated: phenotype, activity score and the CPIC lookup key, with reasons.

    ``lookup_key`` is what CPIC recommendations are keyed on: the phenotype for CYP2C19 and
    CYP2B6, the activity-score string (``"1.25"``, ``"≥3.0"``, ``"n/a"``) for CYP2D6.
    """

    gene: str
    diplotype: str
    phenotype: str
    activity_score: float | None
    at_least: bool
    lookup_key: str
    because: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def format_score(value: float | None, at_least: bool = False) -> str:
    """Write an activity score the way CPIC keys are written (``"1.0"``, ``"≥3.0"``, ``"n/a"``)."""
    if value is None:
        return "n/a"
    return ("≥" if at_least else "") + str(float(round(value, 4)))


def _split(gene: str, diplotype: str) -> tuple[str, str]:
    if gene not in PGX_GENES:
        raise ValueError(f"no phenotype rules for gene {gene!r}; known genes: {PGX_GENES}")
    halves = [h.strip() for h in diplotype.split("/")]
    if len(halves) != 2 or not all(halves):
        raise ValueError(f"{gene} diplotype {diplotype!r} must be two haplotypes joined by '/'")
    return halves[0], halves[1]


def _core(allele: str, table: PhenotypeTable) -> str:
    """The allele as the table names it: a sub-allele (``*4.001``) counts as its core allele."""
    return allele if allele in table.alleles else allele.split(".")[0]


def _table_version(table: PhenotypeTable) -> str:
    return f"PharmCAT data {table.data_version[:10]}"


def _lookup_diplotype(gene: str, diplotype: str, table: PhenotypeTable) -> PhenotypeResult:
    first, second = (_core(h, table) for h in _split(gene, diplotype))
    phenotype = table.diplotype_phenotype(first, second)
    if phenotype is not None:
        key = table.lookup_key(first, second, phenotype)
        why = f"{gene} {diplotype} -> {phenotype} (CPIC diplotype table, {_table_version(table)})"
        return PhenotypeResult(gene, diplotype, phenotype, None, False, key, (why,))
    unknown = [h for h in (first, second) if h not in table.alleles]
    problem = (
        f"allele {', '.join(unknown)} is not in the CPIC {gene} table ({_table_version(table)})"
        if unknown
        else f"diplotype {diplotype} is not in the CPIC {gene} table"
    )
    return PhenotypeResult(
        gene,
        diplotype,
        "Indeterminate",
        None,
        False,
        "Indeterminate",
        (f"{gene} {diplotype} -> Indeterminate: {problem}",),
        (problem,),
    )


def _unit_value(unit: str, table: PhenotypeTable) -> tuple[float, bool] | str:
    """Activity value of one gene unit as (value, at_least), or the reason it has none."""
    listed = table.alleles.get(unit)
    if listed is not None and listed.activity_value is not None:
        text = listed.activity_value
        if text == "n/a":
            return f"{unit} has no activity value (unknown or uncertain function)"
        return float(text.removeprefix("≥")), text.startswith("≥")
    match = _UNIT.match(unit)
    if match is None:
        return f"{unit!r} is not a CYP2D6 star allele"
    base = table.alleles.get(_core(match["allele"], table))
    if base is None or base.activity_value is None:
        return f"allele {match['allele']} is not in the CPIC CYP2D6 table"
    if base.activity_value == "n/a":
        return f"{match['allele']} has no activity value (unknown or uncertain function)"
    value = float(base.activity_value.removeprefix("≥"))
    copies = match["copies"]
    if copies is None:
        return value, False
    if copies == "N":
        # An unknown number of copies is at least two.
        return 2 * value, value > 0
    count = int(copies.removeprefix("≥"))
    return count * value, copies.startswith("≥") and value > 0


def _score_diplotype(diplotype: str, table: PhenotypeTable) -> PhenotypeResult:
    first, second = _split("CYP2D6", diplotype)
    exception = table.diplotype_exceptions.get(f"{first}/{second}") or (
        table.diplotype_exceptions.get(f"{second}/{first}")
    )
    if exception is not None:
        text = exception.activity_score
        score = None if text == "n/a" else float(text.removeprefix("≥"))
        why = f"CYP2D6 {diplotype} -> {exception.phenotype}, activity score {text} (CPIC table)"
        return PhenotypeResult(
            "CYP2D6", diplotype, exception.phenotype, score, text.startswith("≥"), text, (why,)
        )
    parts: list[str] = []
    total, at_least, problems = 0.0, False, []
    for unit in (u.strip() for half in (first, second) for u in half.split("+")):
        got = _unit_value(unit, table)
        if isinstance(got, str):
            problems.append(got)
            continue
        total += got[0]
        at_least = at_least or got[1]
        parts.append(format_score(*got))
    if problems:
        why = f"CYP2D6 {diplotype} -> Indeterminate: {'; '.join(problems)}"
        return PhenotypeResult(
            "CYP2D6", diplotype, "Indeterminate", None, False, "n/a", (why,), tuple(problems)
        )
    phenotype = table.phenotype_of_score(total, at_least)
    key = format_score(total, at_least)
    why = (
        f"CYP2D6 {diplotype}: activity values {' + '.join(parts)} = {key} -> {phenotype} "
        f"(CPIC activity-score bins, Caudle 2020; {_table_version(table)})"
    )
    return PhenotypeResult("CYP2D6", diplotype, phenotype, round(total, 4), at_least, key, (why,))


def resolve_phenotype(gene: str, diplotype: str) -> PhenotypeResult:
    """Translate one diplotype into its CPIC phenotype, with reasons.

    Parameters
    ----------
    gene
        ``CYP2C19``, ``CYP2B6`` or ``CYP2D6``.
    diplotype
        Two haplotypes joined by ``/``, e.g. ``*1/*17``, ``*1x2/*4``, ``*36x2+*10/*10``.

    Returns
    -------
    PhenotypeResult
        Phenotype (Indeterminate when an allele is unknown or has no activity value), CYP2D6
        activity score, the CPIC lookup key, reasons and warnings.

    Raises
    ------
    ValueError
        If the gene is not one of the three, or the text is not two haplotypes.
    """
    return _resolve(gene, diplotype)


@functools.lru_cache(maxsize=4096)
def _resolve(gene: str, diplotype: str) -> PhenotypeResult:
    # A pure function of two short strings and the tables, asked again for every drug of an
    # assessment: kept (the result is frozen). A rejected diplotype raises and is not kept.
    _split(gene, diplotype)
    table = load_pgx_phenotypes(gene)
    if table.method == "activity_score":
        return _score_diplotype(diplotype.replace(" ", ""), table)
    return _lookup_diplotype(gene, diplotype.replace(" ", ""), table)


def phenotype_for(gene: str, diplotype: str) -> tuple[str, float | None]:
    """Return ``(phenotype, activity score)`` of a diplotype (score only for CYP2D6).

    Parameters
    ----------
    gene
        ``CYP2C19``, ``CYP2B6`` or ``CYP2D6``.
    diplotype
        E.g. ``*1/*2``; CYP2D6 also ``*1x2/*4`` or tandems from outside calls (``*36+*10/*1``).

    Returns
    -------
    tuple
        The CPIC phenotype term and the activity score (``None`` where not used or unknown;
        for ``≥`` scores the lower bound).

    References
    ----------
    Caudle KE, et al. Clin Transl Sci. 2020;13(1):116-124. Bousman CA, et al. Clin Pharmacol
    Ther. 2023;114(1):51-68.
    """
    result = resolve_phenotype(gene, diplotype)
    return result.phenotype, result.activity_score


def phenotype_for_alternatives(gene: str, diplotypes: Sequence[str]) -> str:
    """The phenotype every still-possible diplotype shares, else ``Indeterminate``.

    Parameters
    ----------
    gene
        ``CYP2C19``, ``CYP2B6`` or ``CYP2D6``.
    diplotypes
        The reported diplotype and its alternatives.

    Returns
    -------
    str
        The shared CPIC phenotype, or ``Indeterminate`` when they differ or none is given
        (pgx-output.md: phenotype of a call with alternatives).
    """
    phenotypes = {phenotype_for(gene, d)[0] for d in diplotypes}
    return phenotypes.pop() if len(phenotypes) == 1 else "Indeterminate"
