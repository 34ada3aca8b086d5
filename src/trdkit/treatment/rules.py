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

from trdkit.knowledge.option_rules import OptionRule, load_option_rules
from trdkit.pgx.guidance import worst_action
from trdkit.pgx.model import Action, DrugGuidance
from trdkit.treatment.context import Context
from trdkit.treatment.draft import TIER_FIRST, TIER_FIRST_STEP, Draft, tagged

__all__ = ["apply_agent_rules", "apply_option_rules", "pgx_action", "rule_fires"]

_NEUTRAL = ("use_standard_dose", "no_recommendation")
_DOSE = ("reduce_dose", "increase_dose", "titrate_slowly")


def _cite(rule: OptionRule) -> str:
    return load_option_rules().cite(rule)


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


def _apply_pgx(draft: Draft, ctx: Context, rule: OptionRule) -> None:
    flagged: list[str] = []
    for cand in list(draft.agents):
        guidance = ctx.pgx.drugs.get(cand.drug.id)
        if guidance is None:
            continue
        action = pgx_action(guidance)
        cand.pgx_action = action
        cand.pgx_note = f"{guidance.summary} ({guidance.guideline}, {guidance.strength})"
        if action in _NEUTRAL:
            continue
        lookup = ", ".join(_lookup(gene, key) for gene, key in guidance.lookup.items())
        line = f"{cand.drug.id}: {action.replace('_', ' ')} with {lookup}"
        if action == "avoid":
            draft.drop(cand.drug.id, rule.id, tagged(line, rule.id, _cite(rule)))
            continue
        if action in _DOSE:
            step = _dose_step(guidance, action)
            cand.dose_note = f"{cand.dose_note}; {step}" if cand.dose_note else step
        flagged.append(line)
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
    table = load_option_rules()
    from_record = draft.definition.agent_filter == "from_record"
    for rule in table.rules:
        if not ctx.satisfied(rule.when):
            continue
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
    table = load_option_rules()
    for rule in table.rules:
        if not rule_fires(rule, draft, ctx):
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
