"""The three tiers of safety over one option (assessment-output.md, "Options: three tiers").

1. Contraindicated - an allergy, a label contraindication for a condition of the patient, or a
   dangerous combination with a drug that stays (an MAOI beside a serotonergic drug): the agent is
   removed, and an option left without agents, or hit by option id, is excluded with the rule.
2. Needs a washout - computed in ``washout.py`` and attached by ``options.py``.
3. Interaction or warning - a caution naming the rule and source, e.g. lithium with a thiazide,
   blood pressure before esketamine, overdose lethality of tricyclics, MAOIs and lithium when
   suicide risk is present. A caution that limits a dose also amends the agent's dose note.

Interactions themselves are in ``interactions.py``; which rules can touch an option is worked out
once per knowledge load, and which of them hold once per set of holding table conditions.

References
----------
Spravato (esketamine) US prescribing information. NICE NG222 (2022) 1.9.6, 1.9.9.
FDA Drug Safety Communication on citalopram (2011/2012). Dunkley EJ, et al. The Hunter
Serotonin Toxicity Criteria. QJM. 2003;96:635-642.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TypeVar

from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.treatment_options import load_treatment_options
from trdkit.knowledge.treatment_safety import ConditionRule, InteractionRule, load_safety
from trdkit.treatment.context import Context
from trdkit.treatment.draft import Draft, tagged
from trdkit.treatment.interactions import apply_interactions
from trdkit.treatment.selectors import citation, picks

__all__ = ["ALLERGY_RULE", "Reachable", "apply_safety", "safety_plan"]

ALLERGY_RULE = "allergy"

_R = TypeVar("_R", ConditionRule, InteractionRule)


@functools.cache
def _option_hits() -> dict[str, frozenset[str]]:
    """Option ids each condition rule hits by id or category (its ``options`` selector)."""
    table = load_safety()
    options = load_treatment_options().options.values()
    return {
        rule.id: frozenset(o.id for o in options if rule.options.matches(o.id, o.category, []))
        for rule in (*table.contraindications, *table.cautions)
        if rule.options is not None
    }


@functools.cache
def _reach() -> dict[str, frozenset[str]]:
    """Option ids each rule can touch at all, from the agents an option may ever start.

    An option starts a subset of its table agents (or, taking them from the record, any drug);
    a rule whose drugs none of those are, and whose option selector does not match, can never
    act on it, so it is not asked per assessment.
    """
    table = load_safety()
    catalogue = load_drug_catalogue().drugs
    possible = {
        o.id: (
            list(catalogue.values())
            if o.agent_filter == "from_record"
            else [catalogue[a.drug] for a in o.agents]
        )
        for o in load_treatment_options().options.values()
    }
    hits = _option_hits()
    reach: dict[str, frozenset[str]] = {}
    for rule in (*table.contraindications, *table.cautions):
        picked = picks(rule.id, "drugs")
        by_drug = {o for o, drugs in possible.items() if any(d.id in picked for d in drugs)}
        reach[rule.id] = frozenset(by_drug) | hits.get(rule.id, frozenset())
    options = load_treatment_options().options
    for inter in table.interactions:
        if inter.option is not None:
            selector = inter.option
            found = {
                o
                for o, drugs in possible.items()
                if selector.matches(o, options[o].category, drugs)
            }
        else:
            picked = picks(inter.id, "started")
            found = {o for o, drugs in possible.items() if any(d.id in picked for d in drugs)}
        reach[inter.id] = frozenset(found)
    return reach


@dataclass(frozen=True)
class Reachable:
    """The rules of each section that can act on one option, in table order."""

    contraindications: tuple[ConditionRule, ...]
    interactions: tuple[InteractionRule, ...]
    cautions: tuple[ConditionRule, ...]


@functools.cache
def _by_option() -> dict[str, Reachable]:
    """Per option id, the rules of :func:`_reach` that can touch it.

    Built from the tables alone (loaded once per process), so it cannot go stale; an option
    asks only its own short lists, and only the rules among them that hold for the patient.
    """
    table = load_safety()
    reach = _reach()

    def of(option_id: str, rules: tuple[_R, ...]) -> tuple[_R, ...]:
        return tuple(r for r in rules if option_id in reach[r.id])

    return {
        o: Reachable(
            of(o, table.contraindications), of(o, table.interactions), of(o, table.cautions)
        )
        for o in load_treatment_options().options
    }


_NOTHING = Reachable((), (), ())


# Per set of holding table conditions (see ``rules._PLANS``): per option id, the contraindications
# and cautions that hold and can touch it. The tables are loaded once per process, so an entry
# cannot go stale; the bound keeps the memory small.
_PLANS: dict[frozenset[int], dict[str, Reachable]] = {}
_PLANS_MAX = 1024


def _find_plan(ctx: Context) -> dict[str, Reachable]:
    held = ctx.table_holding()
    plan = _PLANS.get(held)
    if plan is None:
        plan = {
            option_id: Reachable(
                tuple(r for r in reach.contraindications if id(r.when) in held),
                reach.interactions,
                tuple(r for r in reach.cautions if id(r.when) in held),
            )
            for option_id, reach in _by_option().items()
        }
        if len(_PLANS) >= _PLANS_MAX:
            _PLANS.clear()
        _PLANS[held] = plan
    return plan


def _allergy_drops(ctx: Context) -> list[tuple[str, str]]:
    """``(drug id, reason)`` for every drug an allergy of the patient rules out."""
    table = load_safety()
    drops: list[tuple[str, str]] = []
    for allergy in ctx.record.allergies:
        for drug_id in sorted(table.allergens(allergy)):
            group = next(
                (g for g in table.allergy_groups if {allergy, drug_id} <= set(g.drugs)), None
            )
            if drug_id == allergy or group is None:
                cited = table.cite(("trdkit_contract",), "V")
            else:
                cited = table.cite(group.sources, group.confidence)
            why = f"allergy to {allergy}: {drug_id} is not started"
            drops.append((drug_id, tagged(why, ALLERGY_RULE, cited)))
    return drops


def _allergies(draft: Draft, ctx: Context) -> None:
    for drug_id, why in ctx.once("safety.allergies", _allergy_drops):
        draft.drop(drug_id, ALLERGY_RULE, why)


def _contraindications(draft: Draft, rules: tuple[ConditionRule, ...]) -> None:
    for rule in rules:
        text = tagged(rule.reason, rule.id, citation(rule.id))
        if draft.id in _option_hits().get(rule.id, ()):
            draft.exclude(rule.id, text)
        picked = picks(rule.id, "drugs")
        for drug in draft.drugs():
            if drug.id in picked:
                draft.drop(drug.id, rule.id, f"{drug.id}: {text}")


def _caution_rule(draft: Draft, rule: ConditionRule, cited: str) -> None:
    if draft.id in _option_hits().get(rule.id, ()):
        draft.caution(tagged(rule.reason, rule.id, cited))
    picked = picks(rule.id, "drugs")
    hit = [c for c in draft.agents if c.drug.id in picked]
    if not hit:
        return
    names = ", ".join(c.drug.id for c in hit)
    draft.caution(tagged(f"{names}: {rule.reason}", rule.id, cited))
    if rule.dose_limit is not None:
        for cand in hit:
            limit = f"{rule.dose_limit} ({cited})"
            cand.dose_note = f"{cand.dose_note}; {limit}" if cand.dose_note else limit


def _cautions(draft: Draft, rules: tuple[ConditionRule, ...]) -> None:
    for rule in rules:
        _caution_rule(draft, rule, citation(rule.id))


def safety_plan(ctx: Context) -> dict[str, Reachable]:
    """Per option id, the safety rules that hold and can touch it (once per assessment)."""
    return ctx.once("safety.plan", _find_plan)


def apply_safety(draft: Draft, ctx: Context, plan: dict[str, Reachable] | None = None) -> None:
    """Apply allergies, contraindications, interactions and cautions to ``draft``.

    Parameters
    ----------
    draft
        The option after the agent rules (its agents are final but for safety).
    ctx
        The assessment's facts.
    plan
        :func:`safety_plan` of ``ctx``, when the caller already holds it.
    """
    # Each option asks only the rules that hold and can touch it (precomputed, see _find_plan).
    if plan is None:
        plan = safety_plan(ctx)
    reachable = plan.get(draft.id, _NOTHING)
    if ctx.record.allergies:
        _allergies(draft, ctx)
    if reachable.contraindications:
        _contraindications(draft, reachable.contraindications)
    if reachable.interactions and ctx.current:
        apply_interactions(draft, ctx, reachable.interactions)
    if reachable.cautions:
        _cautions(draft, reachable.cautions)
