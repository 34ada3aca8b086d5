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

from trdkit.knowledge.drugs import Drug, load_drug_catalogue
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


def _picks(rule_id: str, side: str) -> frozenset[str]:
    return _selected().get((rule_id, side), frozenset())


def _allergies(draft: Draft, ctx: Context) -> None:
    table = load_safety()
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
            draft.drop(drug_id, ALLERGY_RULE, tagged(why, ALLERGY_RULE, cited))


def _contraindications(draft: Draft, ctx: Context) -> None:
    table = load_safety()
    for rule in table.contraindications:
        if not ctx.satisfied(rule.when):
            continue
        text = tagged(rule.reason, rule.id, table.cite(rule.sources, rule.confidence))
        if rule.options is not None and rule.options.matches(draft.id, draft.category, []):
            draft.exclude(rule.id, text)
        picked = _picks(rule.id, "drugs")
        for drug in draft.drugs():
            if drug.id in picked:
                draft.drop(drug.id, rule.id, f"{drug.id}: {text}")


def _partners(draft: Draft, ctx: Context) -> list[Drug]:
    # A switch stops the current antidepressant; its pairing is a washout, not an interaction.
    if draft.definition.keeps_current:
        return list(ctx.current)
    stopping = {d.id for d in ctx.current_antidepressants()}
    return [d for d in ctx.current if d.id not in stopping]


def _pairs(
    rule: InteractionRule, draft: Draft, ctx: Context, partners: list[Drug]
) -> list[tuple[str, Drug]]:
    found: list[tuple[str, Drug]] = []
    current = _picks(rule.id, "current")
    if rule.option is not None:
        # An option-level rule is about everything taken now, the drug being stopped included.
        if rule.option.matches(draft.id, draft.category, draft.drugs()):
            found = [("", p) for p in ctx.current if p.id in current]
        return found
    started = _picks(rule.id, "started")
    for drug in draft.drugs():
        if drug.id in started:
            found += [(drug.id, p) for p in partners if p.id != drug.id and p.id in current]
    return found


def _interactions(draft: Draft, ctx: Context) -> None:
    table = load_safety()
    partners = _partners(draft, ctx)
    for rule in table.interactions:
        pairs = _pairs(rule, draft, ctx, partners)
        if not pairs:
            continue
        cited = table.cite(rule.sources, rule.confidence)
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
    if rule.options is not None and rule.options.matches(draft.id, draft.category, []):
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
    table = load_safety()
    for rule in table.cautions:
        if ctx.satisfied(rule.when):
            _caution_rule(draft, rule, table.cite(rule.sources, rule.confidence))


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
