"""Evaluating the rule records of ``option_rules.yaml`` over one option.

Agent rules run first (they decide which drugs an option still starts): drop what failed
adequately, what was not tolerated, what is taken now, and apply CPIC guidance per agent. Then
every other rule whose condition holds and whose targets match: ``rank_first`` and ``first_step``
move the option to an earlier tier, ``boost``/``demote`` move its priority, ``exclude`` rules it
out, ``caution`` adds a caution. Each rule that acts leaves its reason, rule id and sources.

References
----------
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69(9):641-687 (Q7.c).
Bousman CA, et al. CPIC guideline for SSRIs and SNRIs. Clin Pharmacol Ther. 2023;114:51-68.
Hicks JK, et al. CPIC guideline for tricyclic antidepressants. Clin Pharmacol Ther.
2017;102:37-44.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from trdkit.knowledge.option_rules import AGENT_EFFECTS, OptionRule, load_option_rules
from trdkit.knowledge.treatment_options import load_treatment_options
from trdkit.pgx.guidance import worst_action
from trdkit.pgx.model import Action, DrugGuidance
from trdkit.treatment.context import Context
from trdkit.treatment.draft import TIER_FIRST, TIER_FIRST_STEP, Draft, tagged

__all__ = ["apply_agent_rules", "apply_option_rules", "pgx_action", "rule_fires"]

_NEUTRAL = ("use_standard_dose", "no_recommendation")
_DOSE = ("reduce_dose", "increase_dose", "titrate_slowly")


@functools.cache
def _citations() -> dict[str, str]:
    """Each rule's short citation, worked out once per knowledge load."""
    table = load_option_rules()
    return {rule.id: table.cite(rule) for rule in table.rules}


@functools.cache
def _static_targets() -> dict[str, frozenset[str]]:
    """Option ids each targeted rule selects by id or category alone (agents aside)."""
    options = load_treatment_options().options.values()
    return {
        rule.id: frozenset(o.id for o in options if rule.targets.matches(o.id, o.category, ()))
        for rule in load_option_rules().rules
        if rule.targets is not None
    }


def _cite(rule: OptionRule) -> str:
    return _citations()[rule.id]


def _holding(ctx: Context, agent_rules: bool) -> list[OptionRule]:
    """The agent rules (or the targeted rules) whose condition holds, in table order."""

    def compute() -> list[OptionRule]:
        rules = load_option_rules().rules
        if agent_rules:
            return [r for r in rules if r.effect in AGENT_EFFECTS and ctx.satisfied(r.when)]
        return [r for r in rules if r.targets is not None and ctx.satisfied(r.when)]

    return ctx.derived(f"option_rules.{'agent' if agent_rules else 'targeted'}", compute)


def _drop_known(draft: Draft, rule: OptionRule, seen: dict[str, int]) -> None:
    """Drop agents (and exclude repeated procedures) found in ``seen`` (name -> trial index)."""
    for cand in list(draft.agents):
        if cand.drug.id in seen:
            why = f"{cand.drug.id} {rule.reason} (trials[{seen[cand.drug.id]}])"
            draft.drop(cand.drug.id, rule.id, tagged(why, rule.id, _cite(rule)))
    for procedure in draft.definition.procedures:
        if procedure.value in seen:
            why = f"{procedure.value} {rule.reason} (trials[{seen[procedure.value]}])"
            draft.exclude(rule.id, tagged(why, rule.id, _cite(rule)))


def _drop_current(draft: Draft, ctx: Context, rule: OptionRule) -> None:
    taken = ctx.current_ids()
    for cand in list(draft.agents):
        if cand.drug.id in taken:
            draft.drop(
                cand.drug.id, rule.id, tagged(f"{cand.drug.id} {rule.reason}", rule.id, _cite(rule))
            )
    for procedure in draft.definition.procedures:
        if procedure.value in ctx.ongoing_procedures:
            why = f"{procedure.value} {rule.reason}"
            draft.exclude(rule.id, tagged(why, rule.id, _cite(rule)))


def pgx_action(guidance: DrugGuidance) -> Action:
    """The worst action of the guidance across every still-possible diplotype."""
    actions: list[Action] = [guidance.action, *guidance.actions]
    for alternative in guidance.by_alternative:
        actions.extend(alternative.actions)
    return worst_action(actions)


def _dose_step(guidance: DrugGuidance, action: Action) -> str:
    if guidance.dose_factor is not None:
        return f"CPIC: start at {guidance.dose_factor:.0%} of the usual dose"
    return f"CPIC: {action.replace('_', ' ')}"


def _lookup(gene: str, key: str) -> str:
    # CPIC looks CYP2D6 up by activity score; the other genes by phenotype.
    score = key[:1].isdigit() or key.startswith("≥")
    return f"{gene} activity score {key}" if score else f"{gene} {key}"


@dataclass(frozen=True)
class _PgxAdvice:
    """What the CPIC guidance of one drug says for this patient, in the words rules use."""

    action: Action
    note: str
    line: str
    dose_step: str | None


def _advice(ctx: Context, drug_id: str) -> _PgxAdvice | None:
    # The same drug recurs across options; its advice depends on the patient only.
    def compute() -> _PgxAdvice | None:
        guidance = ctx.pgx.drugs.get(drug_id)
        if guidance is None:
            return None
        action = pgx_action(guidance)
        note = f"{guidance.summary} ({guidance.guideline}, {guidance.strength})"
        lookup = ", ".join(_lookup(gene, key) for gene, key in guidance.lookup.items())
        line = f"{drug_id}: {action.replace('_', ' ')} with {lookup}"
        step = _dose_step(guidance, action) if action in _DOSE else None
        return _PgxAdvice(action, note, line, step)

    return ctx.derived(f"pgx.{drug_id}", compute)


def _apply_pgx(draft: Draft, ctx: Context, rule: OptionRule) -> None:
    flagged: list[str] = []
    for cand in list(draft.agents):
        advice = _advice(ctx, cand.drug.id)
        if advice is None:
            continue
        cand.pgx_action = advice.action
        cand.pgx_note = advice.note
        if advice.action in _NEUTRAL:
            continue
        if advice.action == "avoid":
            draft.drop(cand.drug.id, rule.id, tagged(advice.line, rule.id, _cite(rule)))
            continue
        if advice.dose_step is not None:
            step = advice.dose_step
            cand.dose_note = f"{cand.dose_note}; {step}" if cand.dose_note else step
        flagged.append(advice.line)
    if flagged:
        draft.because.append(tagged("; ".join(flagged), rule.id, _cite(rule)))
    # Agents CPIC advises against go last; an option left with only those moves down.
    draft.agents.sort(key=lambda c: c.pgx_action == "consider_alternative")
    if draft.agents and all(c.pgx_action == "consider_alternative" for c in draft.agents):
        assert rule.amount is not None
        draft.priority += rule.amount
        why = f"every agent has a CPIC advice to consider an alternative: moved down {rule.amount}"
        draft.because.append(tagged(why, rule.id, _cite(rule)))


def apply_agent_rules(draft: Draft, ctx: Context) -> None:
    """Run the agent rules (failed, not tolerated, taken now, CPIC) over ``draft``."""
    from_record = draft.definition.agent_filter == "from_record"
    for rule in _holding(ctx, agent_rules=True):
        if rule.effect == "drop_failed_agents":
            _drop_known(draft, rule, ctx.failed)
        elif rule.effect == "drop_intolerant_agents":
            _drop_known(draft, rule, ctx.intolerant)
        elif rule.effect == "drop_current_agents" and not from_record:
            # Optimising continues the current drug; every other option adds or switches.
            _drop_current(draft, ctx, rule)
        elif rule.effect == "pgx_guidance":
            _apply_pgx(draft, ctx, rule)


def rule_fires(rule: OptionRule, draft: Draft, ctx: Context) -> bool:
    """Whether a targeted rule applies to ``draft`` for this patient."""
    if rule.targets is None or not ctx.satisfied(rule.when):
        return False
    return rule.targets.matches(draft.id, draft.category, draft.drugs())


def apply_option_rules(draft: Draft, ctx: Context) -> None:
    """Run the targeted rules (tiers, priority, exclusions, cautions) over ``draft``."""
    targets = _static_targets()
    for rule in _holding(ctx, agent_rules=False):
        # rule.targets.matches(...), with its id and category part looked up in advance.
        if draft.id not in targets[rule.id]:
            kinds = rule.targets.starts_kinds if rule.targets is not None else ()
            if not kinds or not any(c.drug.kind in kinds for c in draft.agents):
                continue
        text = tagged(rule.reason, rule.id, _cite(rule))
        if rule.effect == "exclude":
            draft.exclude(rule.id, text)
        elif rule.effect == "caution":
            draft.caution(text)
        elif rule.effect == "rank_first":
            draft.tier = TIER_FIRST
            draft.because.append(text)
        elif rule.effect == "first_step":
            draft.tier = min(draft.tier, TIER_FIRST_STEP)
            draft.because.append(text)
        elif rule.effect in ("boost", "demote"):
            assert rule.amount is not None
            draft.priority += -rule.amount if rule.effect == "boost" else rule.amount
            draft.because.append(text)
