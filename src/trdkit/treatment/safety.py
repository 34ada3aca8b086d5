"""The three tiers of safety over one option (assessment-output.md, "Options: three tiers").

1. Contraindicated - an allergy, a label contraindication for a condition of the patient, or a
   dangerous combination with a drug that stays (an MAOI beside a serotonergic drug): the agent is
   removed, and an option left without agents, or hit by option id, is excluded with the rule.
2. Needs a washout - computed in ``washout.py`` and attached by ``options.py``.
3. Interaction or warning - a caution naming the rule and source, e.g. lithium with a thiazide,
   blood pressure before esketamine, overdose lethality of tricyclics, MAOIs and lithium when
   suicide risk is present. A caution that limits a dose also amends the agent's dose note.

References
----------
Spravato (esketamine) US prescribing information. NICE NG222 (2022) 1.9.6, 1.9.9.
FDA Drug Safety Communication on citalopram (2011/2012). Dunkley EJ, et al. The Hunter
Serotonin Toxicity Criteria. QJM. 2003;96:635-642.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from trdkit.knowledge.drugs import Drug, load_drug_catalogue
from trdkit.knowledge.treatment_options import load_treatment_options
from trdkit.knowledge.treatment_rows import DrugSelector
from trdkit.knowledge.treatment_safety import ConditionRule, InteractionRule, load_safety
from trdkit.treatment.context import Context
from trdkit.treatment.draft import Draft, tagged

__all__ = ["ALLERGY_RULE", "apply_safety"]

ALLERGY_RULE = "allergy"


@functools.cache
def _selected() -> dict[tuple[str, str], frozenset[str]]:
    """Drug ids each selector of the safety table picks, worked out once over the catalogue."""
    table = load_safety()
    drugs = list(load_drug_catalogue().drugs.values())
    picks: dict[tuple[str, str], DrugSelector | None] = {}
    for rule in (*table.contraindications, *table.cautions):
        picks[(rule.id, "drugs")] = rule.drugs
    for inter in table.interactions:
        picks[(inter.id, "started")] = inter.started
        picks[(inter.id, "current")] = inter.current
    return {
        key: frozenset(d.id for d in drugs if sel.matches(d))
        for key, sel in picks.items()
        if sel is not None
    }


@functools.cache
def _cited() -> dict[str, str]:
    """Each rule's short citation, worked out once per knowledge load."""
    table = load_safety()
    cited = {r.id: table.cite(r.sources, r.confidence) for r in table.interactions}
    for rule in (*table.contraindications, *table.cautions):
        cited[rule.id] = table.cite(rule.sources, rule.confidence)
    return cited


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
        picked = _picks(rule.id, "drugs")
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
            picked = _picks(inter.id, "started")
            found = {o for o, drugs in possible.items() if any(d.id in picked for d in drugs)}
        reach[inter.id] = frozenset(found)
    return reach


def _picks(rule_id: str, side: str) -> frozenset[str]:
    return _selected().get((rule_id, side), frozenset())


def _holding(ctx: Context, kind: str, rules: tuple[ConditionRule, ...]) -> list[ConditionRule]:
    """The rules of one section whose condition holds for this patient, in table order."""
    return ctx.derived(f"safety.{kind}", lambda: [r for r in rules if ctx.satisfied(r.when)])


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
    for drug_id, why in ctx.derived("safety.allergies", lambda: _allergy_drops(ctx)):
        draft.drop(drug_id, ALLERGY_RULE, why)


def _contraindications(draft: Draft, ctx: Context) -> None:
    table = load_safety()
    reach = _reach()
    for rule in _holding(ctx, "contraindications", table.contraindications):
        if draft.id not in reach[rule.id]:
            continue
        text = tagged(rule.reason, rule.id, _cited()[rule.id])
        if draft.id in _option_hits().get(rule.id, ()):
            draft.exclude(rule.id, text)
        picked = _picks(rule.id, "drugs")
        for drug in draft.drugs():
            if drug.id in picked:
                draft.drop(drug.id, rule.id, f"{drug.id}: {text}")


def _partners(ctx: Context, keeps_current: bool) -> list[Drug]:
    # A switch stops the current antidepressant; its pairing is a washout, not an interaction.
    if keeps_current:
        return list(ctx.current)
    stopping = {d.id for d in ctx.current_antidepressants()}
    return [d for d in ctx.current if d.id not in stopping]


@dataclass(frozen=True)
class _Relevant:
    """An interaction rule with the drugs taken now on its current side (per partner set)."""

    rule: InteractionRule
    current: list[Drug]
    partners: dict[bool, list[Drug]]


def _relevant(ctx: Context) -> list[_Relevant]:
    # Every pair has a drug taken now on its current side: the other rules can never pair.
    def compute() -> list[_Relevant]:
        found = []
        by_keeps = {keeps: _partners(ctx, keeps) for keeps in (True, False)}
        for rule in load_safety().interactions:
            picked = _picks(rule.id, "current")
            current = [p for p in ctx.current if p.id in picked]
            if current:
                partners = {k: [p for p in v if p.id in picked] for k, v in by_keeps.items()}
                found.append(_Relevant(rule, current, partners))
        return found

    return ctx.derived("safety.interactions", compute)


def _pairs(item: _Relevant, draft: Draft, drugs: list[Drug]) -> list[tuple[str, Drug]]:
    rule = item.rule
    if rule.option is not None:
        # An option-level rule is about everything taken now, the drug being stopped included.
        if rule.option.matches(draft.id, draft.category, drugs):
            return [("", p) for p in item.current]
        return []
    found: list[tuple[str, Drug]] = []
    started = _picks(rule.id, "started")
    partners = item.partners[draft.definition.keeps_current]
    for drug in drugs:
        if drug.id in started:
            found += [(drug.id, p) for p in partners if p.id != drug.id]
    return found


def _interactions(draft: Draft, ctx: Context) -> None:
    reach = _reach()
    for item in _relevant(ctx):
        rule = item.rule
        if draft.id not in reach[rule.id]:
            continue
        # A blocking rule may drop agents: each rule sees the agents still left.
        pairs = _pairs(item, draft, draft.drugs())
        if not pairs:
            continue
        cited = _cited()[rule.id]
        blocking = rule.tier == "contraindicated" and (
            rule.scope == "any" or draft.definition.keeps_current
        )
        if blocking:
            for started, partner in pairs:
                text = rule.reason.format(started=started or draft.id, current=partner.id)
                if started:
                    draft.drop(started, rule.id, tagged(text, rule.id, cited))
                else:
                    draft.exclude(rule.id, tagged(text, rule.id, cited))
            continue
        if rule.tier == "contraindicated":
            continue
        by_partner: dict[str, list[str]] = defaultdict(list)
        for started, partner in pairs:
            by_partner[partner.id].append(started)
        for partner_id, started_ids in by_partner.items():
            started_text = ", ".join(dict.fromkeys(s for s in started_ids if s)) or draft.id
            text = rule.reason.format(started=started_text, current=partner_id)
            draft.caution(tagged(text, rule.id, cited))


def _caution_rule(draft: Draft, rule: ConditionRule, cited: str) -> None:
    if draft.id in _option_hits().get(rule.id, ()):
        draft.caution(tagged(rule.reason, rule.id, cited))
    picked = _picks(rule.id, "drugs")
    hit = [c for c in draft.agents if c.drug.id in picked]
    if not hit:
        return
    names = ", ".join(c.drug.id for c in hit)
    draft.caution(tagged(f"{names}: {rule.reason}", rule.id, cited))
    if rule.dose_limit is not None:
        for cand in hit:
            limit = f"{rule.dose_limit} ({cited})"
            cand.dose_note = f"{cand.dose_note}; {limit}" if cand.dose_note else limit


def _cautions(draft: Draft, ctx: Context) -> None:
    reach = _reach()
    for rule in _holding(ctx, "cautions", load_safety().cautions):
        if draft.id in reach[rule.id]:
            _caution_rule(draft, rule, _cited()[rule.id])


def apply_safety(draft: Draft, ctx: Context) -> None:
    """Apply allergies, contraindications, interactions and cautions to ``draft``.

    Parameters
    ----------
    draft
        The option after the agent rules (its agents are final but for safety).
    ctx
        The assessment's facts.
    """
    _allergies(draft, ctx)
    _contraindications(draft, ctx)
    _interactions(draft, ctx)
    _cautions(draft, ctx)
