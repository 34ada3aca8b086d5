"""Evaluating the rule records of ``option_rules.yaml`` over one option.

Agent rules run first (they decide which drugs an option still starts): drop what failed
adequately, what was not tolerated, what is taken now, and apply CPIC guidance per agent. Then
every other rule whose condition holds and whose targets match: ``rank_first`` and ``first_step``
move the option to an earlier tier, ``boost``/``demote`` move its priority, ``exclude`` rules it
out, ``caution`` adds a caution. Each rule that acts leaves its reason, rule id and sources.

Which rules hold is decided once per set of holding table conditions (``_Plan``), and which of
them can reach an option once per knowledge load, so an option only walks its own short list.

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

from trdkit.knowledge.drugs import DrugKind
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


@dataclass(frozen=True)
class _Targeted:
    """A targeted rule as one option meets it: whether its id or category part selects it."""

    rule: OptionRule
    by_option: bool
    kinds: frozenset[DrugKind]
    text: str


@functools.cache
def _targeted_by_option() -> dict[str, tuple[_Targeted, ...]]:
    """Per option id, the targeted rules that can ever act on it, in table order.

    A rule reaches an option by its id or category (known from the tables) or by the kind of a
    drug the option starts (decided per assessment). Keyed by option id and built from the
    tables alone, which are loaded once per process, so it cannot go stale.
    """
    options = load_treatment_options().options.values()
    found: dict[str, list[_Targeted]] = {o.id: [] for o in options}
    for rule in load_option_rules().rules:
        if rule.targets is None:
            continue
        text = tagged(rule.reason, rule.id, _cite(rule))
        kinds = frozenset(rule.targets.starts_kinds)
        for o in options:
            static = rule.targets.matches(o.id, o.category, ())
            if static or kinds:
                found[o.id].append(_Targeted(rule, static, kinds, text))
    return {option_id: tuple(rules) for option_id, rules in found.items()}


@functools.cache
def _by_kind_only() -> tuple[_Targeted, ...]:
    """For an option outside the table: only the drug-kind part of a selector can match it."""
    found = []
    for rule in load_option_rules().rules:
        if rule.targets is not None and rule.targets.starts_kinds:
            text = tagged(rule.reason, rule.id, _cite(rule))
            found.append(_Targeted(rule, False, frozenset(rule.targets.starts_kinds), text))
    return tuple(found)


def _cite(rule: OptionRule) -> str:
    return _citations()[rule.id]


@dataclass(frozen=True)
class _Plan:
    """The rules that hold for one set of holding table conditions, per option."""

    agent: tuple[OptionRule, ...]
    """Agent rules that hold, in table order."""
    targeted: dict[str, tuple[_Targeted, ...]]
    """Per option id, the targeted rules that hold and can act on it, in table order."""
    kind_only: tuple[_Targeted, ...]
    """For an option outside the table: the holding rules that select by drug kind."""


# Keyed by the set of holding table conditions (the frozenset :func:`holding_conditions` keeps,
# so an equal key is usually the very same object and its hash is already known). The rules are
# loaded once per process, so a plan cannot go stale; the bound keeps the memory small.
_PLANS: dict[frozenset[int], _Plan] = {}
_PLANS_MAX = 1024


def _find_plan(ctx: Context) -> _Plan:
    held = ctx.table_holding()
    plan = _PLANS.get(held)
    if plan is None:
        rules = load_option_rules().rules
        agent = tuple(r for r in rules if r.effect in AGENT_EFFECTS and id(r.when) in held)
        targeted = {
            option_id: tuple(t for t in items if id(t.rule.when) in held)
            for option_id, items in _targeted_by_option().items()
        }
        kind_only = tuple(t for t in _by_kind_only() if id(t.rule.when) in held)
        if len(_PLANS) >= _PLANS_MAX:
            _PLANS.clear()
        plan = _PLANS[held] = _Plan(agent, targeted, kind_only)
    return plan


def _drop_known(draft: Draft, rule: OptionRule, seen: dict[str, int]) -> None:
    """Drop agents (and exclude repeated procedures) found in ``seen`` (name -> trial index)."""
    if not seen:
        return
    for cand in list(draft.agents):
        if cand.drug.id in seen:
            why = f"{cand.drug.id} {rule.reason} (trials[{seen[cand.drug.id]}])"
            draft.drop(cand.drug.id, rule.id, tagged(why, rule.id, _cite(rule)))
    for procedure in draft.procedures:
        if procedure in seen:
            why = f"{procedure} {rule.reason} (trials[{seen[procedure]}])"
            draft.exclude(rule.id, tagged(why, rule.id, _cite(rule)))


def _drop_current(draft: Draft, ctx: Context, rule: OptionRule) -> None:
    taken = ctx.current_set
    if not taken and not ctx.ongoing_procedures:
        return
    for cand in list(draft.agents):
        if cand.drug.id in taken:
            draft.drop(
                cand.drug.id, rule.id, tagged(f"{cand.drug.id} {rule.reason}", rule.id, _cite(rule))
            )
    for procedure in draft.procedures:
        if procedure in ctx.ongoing_procedures:
            why = f"{procedure} {rule.reason}"
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


def _compute_advice(ctx: Context, drug_id: str) -> _PgxAdvice | None:
    guidance = ctx.pgx.drugs.get(drug_id)
    if guidance is None:
        return None
    action = pgx_action(guidance)
    note = f"{guidance.summary} ({guidance.guideline}, {guidance.strength})"
    lookup = ", ".join(_lookup(gene, key) for gene, key in guidance.lookup.items())
    line = f"{drug_id}: {action.replace('_', ' ')} with {lookup}"
    step = _dose_step(guidance, action) if action in _DOSE else None
    return _PgxAdvice(action, note, line, step)


def _new_advice_memo(ctx: Context) -> dict[str, _PgxAdvice | None]:
    return {}


def _apply_pgx(draft: Draft, ctx: Context, rule: OptionRule) -> None:
    if not draft.agents:
        return
    # The same drug recurs across options; its advice depends on the patient only.
    memo = ctx.once("rules.pgx_advice", _new_advice_memo)
    drugs = ctx.pgx.drugs
    flagged: list[str] = []
    alternative = False
    for cand in list(draft.agents):
        drug_id = cand.drug.id
        if drug_id not in drugs:
            continue
        advice = memo.get(drug_id)
        if advice is None:
            advice = memo[drug_id] = _compute_advice(ctx, drug_id)
        if advice is None:
            continue
        cand.pgx_action = advice.action
        cand.pgx_note = advice.note
        if advice.action in _NEUTRAL:
            continue
        alternative = alternative or advice.action == "consider_alternative"
        if advice.action == "avoid":
            draft.drop(cand.drug.id, rule.id, tagged(advice.line, rule.id, _cite(rule)))
            continue
        if advice.dose_step is not None:
            step = advice.dose_step
            cand.dose_note = f"{cand.dose_note}; {step}" if cand.dose_note else step
        flagged.append(advice.line)
    if flagged:
        draft.because.append(tagged("; ".join(flagged), rule.id, _cite(rule)))
    # Agents CPIC advises against go last; an option left with only those moves down. (The sort
    # is stable: without such an agent it would change nothing.)
    if not alternative:
        return
    draft.agents.sort(key=lambda c: c.pgx_action == "consider_alternative")
    if draft.agents and all(c.pgx_action == "consider_alternative" for c in draft.agents):
        assert rule.amount is not None
        draft.priority += rule.amount
        why = f"every agent has a CPIC advice to consider an alternative: moved down {rule.amount}"
        draft.because.append(tagged(why, rule.id, _cite(rule)))


def apply_agent_rules(draft: Draft, ctx: Context) -> None:
    """Run the agent rules (failed, not tolerated, taken now, CPIC) over ``draft``."""
    from_record = draft.definition.agent_filter == "from_record"
    if not draft.agents and not draft.procedures:
        # Every agent rule acts on agents or procedures only.
        return
    for rule in ctx.once("rules.plan", _find_plan).agent:
        effect = rule.effect
        if effect == "drop_failed_agents":
            if ctx.failed:
                _drop_known(draft, rule, ctx.failed)
        elif effect == "drop_intolerant_agents":
            if ctx.intolerant:
                _drop_known(draft, rule, ctx.intolerant)
        elif effect == "drop_current_agents" and not from_record:
            # Optimising continues the current drug; every other option adds or switches.
            _drop_current(draft, ctx, rule)
        elif effect == "pgx_guidance":
            _apply_pgx(draft, ctx, rule)


def rule_fires(rule: OptionRule, draft: Draft, ctx: Context) -> bool:
    """Whether a targeted rule applies to ``draft`` for this patient."""
    if rule.targets is None or not ctx.satisfied(rule.when):
        return False
    return rule.targets.matches(draft.id, draft.category, draft.drugs())


def apply_option_rules(draft: Draft, ctx: Context) -> None:
    """Run the targeted rules (tiers, priority, exclusions, cautions) over ``draft``."""
    plan = ctx.once("rules.plan", _find_plan)
    for item in plan.targeted.get(draft.id, plan.kind_only):
        rule = item.rule
        # rule.targets.matches(...), with its id and category part looked up in advance.
        if not item.by_option and not any(c.drug.kind in item.kinds for c in draft.agents):
            continue
        text = item.text
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
