"""Evaluating the rule records of ``option_rules.yaml`` over one option.

Agent rules run first (they decide which drugs an option still starts): drop what failed
adequately, what was not tolerated, what is taken now, and apply CPIC guidance per agent. Then
every other rule whose condition holds and whose targets match: ``rank_first`` and ``first_step``
move the option to an earlier tier, ``boost``/``demote`` move its priority, ``exclude`` rules it
out, ``caution`` adds a caution. Each rule that acts leaves its reason, rule id and sources.

Which rules hold is decided once per set of holding table conditions (``RulePlan``), and which of
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
from trdkit.treatment.context import Context
from trdkit.treatment.draft import TIER_FIRST, TIER_FIRST_STEP, Draft, tagged
from trdkit.treatment.pgx_rules import PgxAdvice, apply_pgx, new_memo, pgx_action

__all__ = [
    "AgentPass",
    "RulePlan",
    "agent_pass",
    "apply_agent_rules",
    "apply_option_rules",
    "option_rules_plan",
    "pgx_action",
    "rule_fires",
]


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
class RulePlan:
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
_PLANS: dict[frozenset[int], RulePlan] = {}
_PLANS_MAX = 1024


def _find_plan(ctx: Context) -> RulePlan:
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
        plan = _PLANS[held] = RulePlan(agent, targeted, kind_only)
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


@dataclass(frozen=True)
class AgentPass:
    """The agent rules that can act for one assessment, decided once before the options.

    A rule whose input is empty for this patient (nothing failed, nothing taken now, no CPIC
    guidance) changes no option, so it is left out here rather than asked per option.
    """

    rules: tuple[OptionRule, ...]
    advice: dict[str, PgxAdvice | None]


def _agent_pass(ctx: Context) -> AgentPass:
    active = []
    for rule in ctx.once("rules.plan", _find_plan).agent:
        effect = rule.effect
        if effect == "drop_failed_agents":
            useful = bool(ctx.failed)
        elif effect == "drop_intolerant_agents":
            useful = bool(ctx.intolerant)
        elif effect == "drop_current_agents":
            useful = bool(ctx.current_set or ctx.ongoing_procedures)
        else:
            useful = effect == "pgx_guidance" and bool(ctx.pgx.drugs)
        if useful:
            active.append(rule)
    return AgentPass(tuple(active), ctx.once("rules.pgx_advice", new_memo))


def agent_pass(ctx: Context) -> AgentPass:
    """The agent rules that can act for this patient (worked out once per assessment)."""
    return ctx.once("rules.agent_pass", _agent_pass)


def apply_agent_rules(draft: Draft, ctx: Context, active: AgentPass | None = None) -> None:
    """Run the agent rules (failed, not tolerated, taken now, CPIC) over ``draft``.

    ``active`` is :func:`agent_pass` of ``ctx``, when the caller already holds it.
    """
    if not draft.agents and not draft.procedures:
        # Every agent rule acts on agents or procedures only.
        return
    if active is None:
        active = agent_pass(ctx)
    for rule in active.rules:
        effect = rule.effect
        if effect == "drop_failed_agents":
            _drop_known(draft, rule, ctx.failed)
        elif effect == "drop_intolerant_agents":
            _drop_known(draft, rule, ctx.intolerant)
        elif effect == "drop_current_agents":
            # Optimising continues the current drug; every other option adds or switches.
            if draft.definition.agent_filter != "from_record":
                _drop_current(draft, ctx, rule)
        elif effect == "pgx_guidance":
            apply_pgx(draft, ctx, rule, _cite(rule), active.advice)


def rule_fires(rule: OptionRule, draft: Draft, ctx: Context) -> bool:
    """Whether a targeted rule applies to ``draft`` for this patient."""
    if rule.targets is None or not ctx.satisfied(rule.when):
        return False
    return rule.targets.matches(draft.id, draft.category, draft.drugs())


def option_rules_plan(ctx: Context) -> RulePlan:
    """The rules that hold for this patient (worked out once per assessment)."""
    return ctx.once("rules.plan", _find_plan)


def apply_option_rules(draft: Draft, ctx: Context, plan: RulePlan | None = None) -> None:
    """Run the targeted rules (tiers, priority, exclusions, cautions) over ``draft``.

    ``plan`` is :func:`option_rules_plan` of ``ctx``, when the caller already holds it.
    """
    if plan is None:
        plan = option_rules_plan(ctx)
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
