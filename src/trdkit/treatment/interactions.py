"""Interactions between the drugs an option starts and the drugs taken now (``safety.yaml``).

A contraindicated pair with a drug that stays (or any pair of a rule whose scope is ``any``)
removes the agent, or excludes the option for an option-level rule; any other pair is a caution
naming the rule and source. A switch stops the current antidepressant: its pairing is a washout
(``washout.py``), not an interaction.

What a rule does to an option depends only on the option (id, category, whether it keeps the
current treatment), the agents it still starts and the drugs taken now, so the effects are
worked out once per such combination and replayed on the option.

References
----------
Dunkley EJ, et al. The Hunter Serotonin Toxicity Criteria. QJM. 2003;96:635-642. NICE NG222
(2022) 1.9.9 (avoid SSRI/SNRI/TCA with an MAOI).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from trdkit.knowledge.drugs import Drug
from trdkit.knowledge.treatment_safety import InteractionRule, load_safety
from trdkit.treatment.context import Context
from trdkit.treatment.draft import Draft, tagged
from trdkit.treatment.selectors import citation, picks

__all__ = ["apply_interactions"]


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
    started: frozenset[str]
    cited: str


def _relevant(ctx: Context) -> dict[str, _Relevant]:
    """Interaction rules by id with a drug taken now on their current side.

    Every pair has a drug taken now on its current side: the other rules can never pair.
    """
    found = {}
    by_keeps = {keeps: _partners(ctx, keeps) for keeps in (True, False)}
    for rule in load_safety().interactions:
        picked = picks(rule.id, "current")
        current = [p for p in ctx.current if p.id in picked]
        if current:
            partners = {k: [p for p in v if p.id in picked] for k, v in by_keeps.items()}
            started = picks(rule.id, "started")
            found[rule.id] = _Relevant(rule, current, partners, started, citation(rule.id))
    return found


def _pairs(item: _Relevant, draft: Draft, drugs: list[Drug]) -> list[tuple[str, Drug]]:
    rule = item.rule
    if rule.option is not None:
        # An option-level rule is about everything taken now, the drug being stopped included.
        if rule.option.matches(draft.id, draft.category, drugs):
            return [("", p) for p in item.current]
        return []
    found: list[tuple[str, Drug]] = []
    started = item.started
    partners = item.partners[draft.definition.keeps_current]
    for drug in drugs:
        if drug.id in started:
            found += [(drug.id, p) for p in partners if p.id != drug.id]
    return found


_Effect = tuple[str, str, str, str]
"""``(kind, drug id, rule id, reason)``; kind is ``drop``, ``exclude`` or ``caution``."""


def _effects(
    draft: Draft, relevant: dict[str, _Relevant], rules: Sequence[InteractionRule]
) -> tuple[_Effect, ...]:
    """What the rules do to ``draft``, in order, without changing it."""
    drugs = draft.drugs()
    effects: list[_Effect] = []
    for rule in rules:
        item = relevant.get(rule.id)
        if item is None:
            continue
        blocking = rule.tier == "contraindicated" and (
            rule.scope == "any" or draft.definition.keeps_current
        )
        if rule.tier == "contraindicated" and not blocking:
            continue
        # A blocking rule may drop agents: each rule sees the agents still left.
        pairs = _pairs(item, draft, drugs)
        if not pairs:
            continue
        cited = item.cited
        if blocking:
            for started, partner in pairs:
                text = rule.reason.format(started=started or draft.id, current=partner.id)
                if started:
                    effects.append(("drop", started, rule.id, tagged(text, rule.id, cited)))
                    drugs = [d for d in drugs if d.id != started]
                else:
                    effects.append(("exclude", "", rule.id, tagged(text, rule.id, cited)))
            continue
        by_partner: dict[str, list[str]] = defaultdict(list)
        for started, partner in pairs:
            by_partner[partner.id].append(started)
        for partner_id, started_ids in by_partner.items():
            started_text = ", ".join(dict.fromkeys(s for s in started_ids if s)) or draft.id
            text = rule.reason.format(started=started_text, current=partner_id)
            effects.append(("caution", "", rule.id, tagged(text, rule.id, cited)))
    return tuple(effects)


# Effects by (option id, category, keeps current, agent ids, ids of the drugs taken now): all that
# ``_effects`` reads (the rules an option meets are fixed by its id; the interaction table is
# loaded once per process), so an entry cannot go stale. The bound keeps the memory small.
_EFFECTS: dict[tuple[str, str, bool, tuple[str, ...], tuple[str, ...]], tuple[_Effect, ...]] = {}
_EFFECTS_MAX = 4096


def apply_interactions(draft: Draft, ctx: Context, rules: Sequence[InteractionRule]) -> None:
    """Apply the interaction rules ``rules`` (those that can touch ``draft``) to ``draft``.

    Parameters
    ----------
    draft
        The option after the agent rules, allergies and contraindications.
    ctx
        The assessment's facts (the drugs taken now).
    rules
        The interaction rules that can act on the option, in table order.
    """
    key = (
        draft.id,
        draft.category,
        draft.definition.keeps_current,
        tuple([c.drug.id for c in draft.agents]),
        ctx.current_key,
    )
    effects = _EFFECTS.get(key)
    if effects is None:
        effects = _effects(draft, ctx.once("safety.interactions", _relevant), rules)
        if len(_EFFECTS) >= _EFFECTS_MAX:
            _EFFECTS.clear()
        _EFFECTS[key] = effects
    for kind, drug_id, rule_id, text in effects:
        if kind == "drop":
            draft.drop(drug_id, rule_id, text)
        elif kind == "exclude":
            draft.exclude(rule_id, text)
        else:
            draft.caution(text)
