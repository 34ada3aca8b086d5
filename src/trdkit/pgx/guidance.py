"""CPIC guidance for one drug given this patient's gene calls.

Each gene of the drug's guideline gives one lookup key per still-possible diplotype: the CPIC
phenotype (CYP2C19, CYP2B6) or the CYP2D6 activity score, after phenoconversion by the current
drugs. Every combination of keys is looked up (``by_alternative``); the reported guidance is the
worst case across them, by the action severity order ``avoid > consider_alternative >
reduce_dose = increase_dose > titrate_slowly > use_standard_dose > no_recommendation``.

References
----------
Bousman CA, Stevenson JM, Ramsey LB, et al. CPIC guideline for CYP2D6, CYP2C19, CYP2B6, SLC6A4,
and HTR2A genotypes and serotonin reuptake inhibitor antidepressants. Clin Pharmacol Ther.
2023;114(1):51-68.
Hicks JK, Sangkuhl K, Swen JJ, et al. CPIC guideline for CYP2D6 and CYP2C19 genotypes and dosing
of tricyclic antidepressants: 2016 update. Clin Pharmacol Ther. 2017;102(1):37-44.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trdkit.knowledge.drugs import Drug, load_drug_catalogue
from trdkit.knowledge.pgx_guidance import GuidanceRow, GuidanceTable, guidance_drugs
from trdkit.knowledge.pgx_guidance import load_pgx_guidance as _load
from trdkit.knowledge.pgx_phenotypes import load_pgx_phenotypes
from trdkit.pgx.model import Action, DrugGuidance, GeneCall
from trdkit.pgx.phenoconversion import phenoconvert
from trdkit.pgx.phenotype import format_score, resolve_phenotype

__all__ = ["ACTION_SEVERITY", "guidance_all", "guidance_for", "worst_action"]

ACTION_SEVERITY: dict[str, int] = {
    "avoid": 6,
    "consider_alternative": 5,
    "reduce_dose": 4,
    "increase_dose": 4,
    "titrate_slowly": 3,
    "use_standard_dose": 2,
    "no_recommendation": 1,
}
_STRENGTH = {"Strong": 3, "Moderate": 2, "Optional": 1}
# Key prefix of a CYP2D6 call known only by its phenotype (outside call without a score).
_BY_PHENOTYPE = "phenotype:"


def worst_action(actions: Sequence[Action]) -> Action:
    """The most severe of ``actions`` (first listed wins a tie)."""
    return max(actions, key=lambda a: ACTION_SEVERITY[a])


@dataclass(frozen=True)
class _Option:
    """One still-possible state of one gene: what it is called and the key it is looked up by."""

    label: str
    key: str
    because: tuple[str, ...]


def _cyp2d6_key(
    score: float | None, at_least: bool, phenotype: str, keys: Sequence[str]
) -> tuple[str, str | None]:
    """The CPIC CYP2D6 key for a score, and a note when the exact score has no row."""
    if score is None or phenotype == "Indeterminate":
        return "n/a", None
    exact = format_score(score, at_least)
    if exact in keys:
        return exact, None
    bounds = [(float(k[1:]), k) for k in keys if k.startswith("≥") and float(k[1:]) <= score]
    if phenotype == "Ultrarapid Metabolizer" and bounds:
        key = max(bounds)[1]
    else:
        bins = load_pgx_phenotypes("CYP2D6")
        same = [
            (abs(float(k) - score), float(k), k)
            for k in keys
            if k[0].isdigit() and bins.phenotype_of_score(float(k)) == phenotype
        ]
        if not same:
            return "n/a", f"CYP2D6 activity score {exact} has no CPIC row; looked up as n/a"
        key = min(same)[2]
    return (
        key,
        f"CYP2D6 activity score {exact} has no CPIC row of its own; used {key} ({phenotype})",
    )


def _state(
    gene: str, call: GeneCall, diplotype: str | None, single: bool
) -> tuple[str, float | None, bool, list[str]]:
    """Genotype phenotype, score, lower-bound flag and reasons of one diplotype of a call."""
    if diplotype is None:
        return call.phenotype or "Indeterminate", call.activity_score, False, []
    res = resolve_phenotype(gene, diplotype)
    if res.warnings and single and call.phenotype not in (None, "Indeterminate"):
        # The reporting lab or caller knows an allele this table does not: keep its phenotype.
        why = f"{gene} {diplotype}: {res.warnings[0]}; the reported {call.phenotype} is used"
        return call.phenotype or "Indeterminate", call.activity_score, False, [why]
    return res.phenotype, res.activity_score, res.at_least, list(res.because)


def _options(
    gene: str, call: GeneCall | None, table: GuidanceTable, others: Sequence[str] | None
) -> list[_Option]:
    keys = table.keys(gene)
    if call is None or not call.called:
        why = f"{gene} not called: looked up as 'No Result'"
        return [_Option("not tested", "No Result", (why,))] if "No Result" in keys else []
    diplotypes: list[str | None] = (
        [call.diplotype, *call.alternatives] if call.diplotype else [None]
    )
    options = []
    for diplotype in diplotypes:
        phenotype, score, bound, because = _state(gene, call, diplotype, len(diplotypes) == 1)
        if others is not None:
            conv = phenoconvert(gene, phenotype, score, others, at_least=bound)
            if conv.applies:
                phenotype, score, bound = (
                    conv.phenotype or phenotype,
                    conv.activity_score,
                    conv.at_least,
                )
                because += conv.because
        elif call.functional_phenotype is not None and len(diplotypes) == 1:
            phenotype, score = call.functional_phenotype, call.functional_activity_score
            bound = bound and (score or 0) > 0
            because.append(f"{gene} looked up as its functional phenotype {phenotype}")
        if gene == "CYP2D6" and score is None and phenotype != "Indeterminate":
            key = f"{_BY_PHENOTYPE}{phenotype}"
            because.append(
                f"CYP2D6 {phenotype} has no activity score: the most cautious CPIC row for that "
                "phenotype is used"
            )
        elif gene == "CYP2D6":
            key, note = _cyp2d6_key(score, bound, phenotype, keys)
            because += [note] if note else []
        else:
            key = phenotype
        if call.research_grade:
            because.append(f"{gene} call is research-grade (VCF SNVs/indels only)")
        options.append(_Option(diplotype or call.phenotype or "reported", key, tuple(because)))
    return options


def _fits(row: GuidanceRow, lookup: Mapping[str, str]) -> bool:
    bins = load_pgx_phenotypes("CYP2D6")
    for gene, key in lookup.items():
        have = row.lookup[gene]
        if not key.startswith(_BY_PHENOTYPE):
            if have != key:
                return False
        elif not have[-1].isdigit() or bins.phenotype_of_score(
            float(have.removeprefix("≥")), have.startswith("≥")
        ) != key.removeprefix(_BY_PHENOTYPE):
            return False
    return True


def _find(table: GuidanceTable, lookup: dict[str, str]) -> GuidanceRow:
    """The row for ``lookup``; a phenotype-only CYP2D6 key takes its bin's most cautious row."""
    if not any(k.startswith(_BY_PHENOTYPE) for k in lookup.values()):
        return table.find(lookup) or _fallback(lookup, table)
    rows = [row for row in table.rows if _fits(row, lookup)]
    return max(rows, key=_rank) if rows else _fallback(lookup, table)


def _fallback(lookup: dict[str, str], table: GuidanceTable) -> GuidanceRow:
    text = ", ".join(f"{g} {k}" for g, k in lookup.items())
    return GuidanceRow(
        lookup=lookup,
        strength="No recommendation",
        actions=("no_recommendation",),
        summary=f"{text}: no CPIC row for this combination ({table.guideline})",
        clinpgx_id="PA0",
        sources=(table.guideline_source,),
    )


def _rank(row: GuidanceRow) -> tuple[int, int, int]:
    severities = [ACTION_SEVERITY[a] for a in row.actions]
    return severities[0], max(severities), _STRENGTH.get(row.strength, 0)


def guidance_for(
    drug: str, calls: Mapping[str, GeneCall], current_drugs: Sequence[str] | None = None
) -> DrugGuidance | None:
    """CPIC guidance for ``drug`` and these gene calls.

    Parameters
    ----------
    drug
        Catalogue id or name, e.g. ``"escitalopram"``.
    calls
        Gene -> call. A missing or uncalled gene is looked up as ``No Result`` where the
        guideline has such rows.
    current_drugs
        Drugs taken now. Given: phenoconversion is applied to every still-possible diplotype,
        leaving ``drug`` itself out (its own inhibition is part of its CPIC recommendation).
        Omitted: a call's ``functional_phenotype`` is used when it has no alternatives.

    Returns
    -------
    DrugGuidance or None
        ``None`` when CPIC has no guidance for the drug or none of its genes was called.

    References
    ----------
    Bousman CA, et al. Clin Pharmacol Ther. 2023;114(1):51-68. Hicks JK, et al. Clin Pharmacol
    Ther. 2017;102(1):37-44.
    """
    return _guidance(drug, calls, current_drugs, None)


# Per gene, lookup keys and co-medication: the still-possible states; shared by the drugs of one
# ``guidance_all`` call, whose guidelines mostly ask the same genes with the same keys.
_Memo = dict[tuple[str, tuple[str, ...], tuple[str, ...] | None], list[_Option]]


def _gene_options(
    gene: str,
    calls: Mapping[str, GeneCall],
    table: GuidanceTable,
    others: Sequence[str] | None,
    memo: _Memo | None,
) -> list[_Option]:
    if memo is None:
        return _options(gene, calls.get(gene), table, others)
    key = (gene, table.keys(gene), None if others is None else tuple(others))
    found = memo.get(key)
    if found is None:
        found = memo[key] = _options(gene, calls.get(gene), table, others)
    return found


# The guidance depends only on the drug, the looked-at fields of its genes' calls and the
# co-medication, and the tables are static: the fields of a result are kept per such key (the
# same genotypes recur across assessments) and each call still builds fresh output models.
_Fields = tuple[tuple[str, Any], ...]
_CallKey = tuple[Any, ...] | None
_RESULTS: dict[tuple[str, tuple[_CallKey, ...], tuple[str, ...] | None], _Fields | None] = {}
_RESULTS_MAX = 4096


def _call_key(call: GeneCall | None) -> _CallKey:
    if call is None:
        return None
    return (
        call.called,
        call.diplotype,
        tuple(call.alternatives),
        call.phenotype,
        call.activity_score,
        call.functional_phenotype,
        call.functional_activity_score,
        call.research_grade,
    )


def _guidance(
    drug: str,
    calls: Mapping[str, GeneCall],
    current_drugs: Sequence[str] | None,
    memo: _Memo | None,
) -> DrugGuidance | None:
    fields = _kept_fields(drug, calls, current_drugs, memo)
    if fields is None:
        return None
    # Validation copies every list and dict, so the kept fields never leak into the output.
    return DrugGuidance.model_validate(dict(fields))


def _kept_fields(
    drug: str,
    calls: Mapping[str, GeneCall],
    current_drugs: Sequence[str] | None,
    memo: _Memo | None,
) -> _Fields | None:
    resolved = load_drug_catalogue().resolve(drug)
    drug_id = resolved.id if resolved is not None else drug
    if drug_id not in guidance_drugs():
        return None
    table = _load(drug_id)
    key = (
        drug,
        tuple(_call_key(calls.get(g)) for g in table.genes),
        None if current_drugs is None else tuple(current_drugs),
    )
    if key in _RESULTS:
        fields = _RESULTS[key]
    else:
        fields = _fields(resolved, table, calls, current_drugs, memo)
        if len(_RESULTS) >= _RESULTS_MAX:
            _RESULTS.clear()
        _RESULTS[key] = fields
    return fields


def _fields(
    resolved: Drug | None,
    table: GuidanceTable,
    calls: Mapping[str, GeneCall],
    current_drugs: Sequence[str] | None,
    memo: _Memo | None,
) -> _Fields | None:
    if not any(calls.get(g) is not None and calls[g].called for g in table.genes):
        return None
    others = None
    if current_drugs is not None:
        catalogue = load_drug_catalogue()
        # The drug itself (under any of its names) and unknown names are left out; catalogue
        # rows are compared by id, which is what equal rows share.
        others = [
            d
            for d in current_drugs
            if (other := catalogue.resolve(d)) is not None
            and (resolved is None or other.id != resolved.id)
        ]
    per_gene = [_gene_options(g, calls, table, others, memo) for g in table.genes]
    if not all(per_gene):
        return None
    looked: list[tuple[tuple[_Option, ...], GuidanceRow]] = []
    for combo in itertools.product(*per_gene):
        lookup = {g: o.key for g, o in zip(table.genes, combo, strict=True)}
        looked.append((combo, _find(table, lookup)))
    combo, row = max(looked, key=lambda item: _rank(item[1]))
    distinct = len({tuple(r.lookup.values()) for _, r in looked}) > 1
    because = [why for option in combo for why in option.because]
    because.append(
        f"{table.guideline} row {row.lookup}: {', '.join(row.actions)} ({row.strength}; "
        f"ClinPGx {row.clinpgx_id})"
    )
    summary = row.summary
    if distinct:
        summary = f"Worst case of {len(looked)} possible diplotype combinations - {summary}"
        because.insert(0, f"{len(looked)} diplotype combinations remain possible; worst case shown")
    alternatives = tuple(
        {
            "diplotypes": {g: o.label for g, o in zip(table.genes, c, strict=True)},
            "lookup": r.lookup,
            "strength": r.strength,
            "actions": tuple(r.actions),
            "summary": r.summary,
        }
        for c, r in looked
    )
    return (
        ("guideline", table.guideline),
        ("lookup", row.lookup),
        ("strength", row.strength),
        ("actions", tuple(row.actions)),
        ("action", row.actions[0]),
        ("dose_factor", row.start_dose_factor),
        ("summary", summary),
        ("by_alternative", alternatives if len(looked) > 1 else ()),
        ("worst_case", distinct),
        ("source", table.citation),
        ("because", tuple(because)),
    )


def guidance_all(
    calls: Mapping[str, GeneCall], current_drugs: Sequence[str] | None = None
) -> dict[str, DrugGuidance]:
    """CPIC guidance for every drug with a CPIC guideline (14 antidepressants), by drug id.

    Drugs for which no gene of their guideline was called are left out.
    """
    key = (
        tuple((gene, _call_key(call)) for gene, call in calls.items()),
        None if current_drugs is None else tuple(current_drugs),
    )
    kept = _ALL.get(key)
    if kept is None:
        memo: _Memo = {}
        found = {drug: _kept_fields(drug, calls, current_drugs, memo) for drug in guidance_drugs()}
        kept = tuple((drug, dict(f)) for drug, f in found.items() if f is not None)
        if len(_ALL) >= _ALL_MAX:
            _ALL.clear()
        _ALL[key] = kept
    # Validation copies every list and dict, so the kept fields never leak into the output.
    return {drug: DrugGuidance.model_validate(fields) for drug, fields in kept}


# ``guidance_all`` by every call's looked-at fields (as ``_RESULTS``) and the co-medication: the
# whole set at once, with one key per assessment instead of one per drug. Tables are static, so
# an entry never goes stale; the bound keeps the memory small.
_ALL: dict[
    tuple[tuple[tuple[str, _CallKey], ...], tuple[str, ...] | None],
    tuple[tuple[str, dict[str, Any]], ...],
] = {}
_ALL_MAX = 1024
