"""Candidate options and their ranking: what to consider next, and what was ruled out.

For every option of ``options.yaml`` whose indication holds: choose its agents (``agents.py``),
check its prerequisites, run the agent rules (failed, not tolerated, taken now, CPIC), the three
tiers of safety, then the ranking rules of ``option_rules.yaml``. An option with an exclusion (a
failed prerequisite, a rule, a contraindication, or no agent left) goes to ``excluded_options``
with the rules named; the others are ranked by tier, then priority, then table order, and get
their washout step, expected outcome, cautions and monitoring. Research-tier data never enters:
nothing here reads genotypes other than the CPIC guidance of the ``pgx`` section.

References
----------
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69(9):641-687 (Figure 7.1,
Table 7.2). NICE NG222 (2022) 1.9. McQuaid JR, et al. VA/DoD 2022 synopsis. Ann Intern Med.
2022;175:1440-1451. Rush AJ, et al. STAR*D. Am J Psychiatry. 2006;163:1905-1917.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from trdkit.diagnosis import Diagnosis
from trdkit.flags import Flag
from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.expected_outcomes import load_expected_outcomes
from trdkit.knowledge.treatment_options import OptionDefinition, load_treatment_options
from trdkit.pgx.model import Action, PgxSection
from trdkit.record import PatientRecord
from trdkit.resistance.model import TrdResult
from trdkit.treatment.agents import Candidate, base_agents
from trdkit.treatment.context import Context, build_context
from trdkit.treatment.draft import Draft
from trdkit.treatment.model import Agent, Evidence, ExcludedOption, Option, OptionId
from trdkit.treatment.prerequisites import check_prerequisites
from trdkit.treatment.rules import (
    AgentPass,
    RulePlan,
    agent_pass,
    apply_agent_rules,
    apply_option_rules,
    option_rules_plan,
)
from trdkit.treatment.safety import Reachable, apply_safety, safety_plan
from trdkit.treatment.washout import maoi_partner, washout_for

__all__ = ["recommend"]

_STARD_LEVELS = 4


@dataclass(frozen=True)
class _Static:
    """The parts of an option that depend on the tables only, worked out once per load.

    Keyed by option id and built from ``options.yaml``, which is loaded once per process (the
    loader is cached), so nothing here can go stale. The evidence models are frozen, so one
    validated instance is shared by every assessment.
    """

    order: int
    option_id: OptionId
    had_agents: bool
    may_start_maoi: bool
    """Whether an agent the option may start is an MAOI (taken from the record: any drug)."""
    summary: str
    evidence: tuple[Evidence, ...]
    cautions: tuple[str, ...]
    monitoring: tuple[str, ...]


@functools.cache
def _statics() -> dict[str, _Static]:
    table = load_treatment_options()
    drugs = load_drug_catalogue().drugs
    found: dict[str, _Static] = {}
    for order, definition in enumerate(table.options.values()):
        summary = definition.summary
        found[definition.id] = _Static(
            order=order,
            option_id=OptionId(definition.id),
            had_agents=bool(definition.agents) or definition.agent_filter == "from_record",
            may_start_maoi=definition.agent_filter == "from_record"
            or any(drugs[a.drug].maoi for a in definition.agents),
            summary=f"{summary.text} ({table.cite(summary.sources, summary.confidence)})",
            evidence=tuple(
                Evidence(
                    source=f"{table.label(ev.source)} {ev.where or ''}".strip(),
                    line=ev.line,
                    level=ev.level,
                    note=ev.note,
                )
                for ev in definition.evidence
            ),
            cautions=tuple(
                f"{c.text} ({table.cite(c.sources, c.confidence)})" for c in definition.cautions
            ),
            monitoring=tuple(
                f"{m.text} ({table.cite(m.sources, m.confidence)})" for m in definition.monitoring
            ),
        )
    return found


@dataclass(frozen=True)
class _Pass:
    """What every option of one assessment reads, looked up once before the per-option loop."""

    agent_rules: AgentPass
    option_rules: RulePlan
    safety: dict[str, Reachable]
    maoi_partner: bool
    fact_key: tuple[frozenset[str], int]


def _build(definition: OptionDefinition, ctx: Context, static: _Static, run: _Pass) -> Draft:
    candidates, filtered = base_agents(definition, ctx)
    draft = Draft(
        definition=definition,
        agents=candidates,
        had_agents=static.had_agents,
        priority=definition.priority,
    )
    for reason in filtered:
        draft.exclude(definition.agent_filter, f"{reason} [rule {definition.agent_filter}]")
    if definition.prerequisites:
        check_prerequisites(draft, ctx, run.fact_key)
    apply_agent_rules(draft, ctx, run.agent_rules)
    apply_safety(draft, ctx, run.safety)
    if static.had_agents and not draft.agents:  # draft.emptied()
        for rule_id, reason in draft.dropped:
            draft.exclude(rule_id, reason)
    apply_option_rules(draft, ctx, run.option_rules)
    # A wait needs an MAOI on one side: without an MAOI partner, only an MAOI agent can need one.
    if (
        not draft.exclusions
        and draft.agents
        and (run.maoi_partner or (static.may_start_maoi and any(c.drug.maoi for c in draft.agents)))
    ):
        draft.washout = washout_for(draft, ctx)
    return draft


@functools.cache
def _expected(outcome_id: str, level: int) -> str:
    return load_expected_outcomes().describe(outcome_id, level)


# Frozen agents by their four values, shared between assessments (one validation each). The key
# is the whole content of the model, so an entry is always exactly the model those values make.
_AGENTS: dict[tuple[str, str | None, Action | None, str | None], Agent] = {}
_AGENTS_MAX = 4096


def _agent(cand: Candidate) -> Agent:
    key = (cand.drug.id, cand.dose_note, cand.pgx_action, cand.pgx_note)
    agent = _AGENTS.get(key)
    if agent is None:
        if len(_AGENTS) >= _AGENTS_MAX:
            _AGENTS.clear()
        agent = _AGENTS[key] = Agent(
            drug=key[0], dose_note=key[1], pgx_action=key[2], pgx_note=key[3]
        )
    return agent


def _option(draft: Draft, rank: int, expected_level: int, static: _Static) -> dict[str, Any]:
    """The fields of the option's ``Option`` (all options are validated in one call)."""
    definition = draft.definition
    because = [static.summary, *draft.because]
    if draft.dropped:
        because += [f"left out: {reason}" for _, reason in draft.dropped]
    washout = draft.washout
    if washout is not None:
        because.append(
            f"washout first: stop {washout.stop}, earliest start "
            f"{washout.earliest_start} ({washout.wait_days} days)"
        )
    expected = None
    if definition.expected is not None:
        expected = _expected(definition.expected, expected_level)
    return {
        "id": static.option_id,
        "title": definition.title,
        "category": definition.category,
        "rank": rank,
        "agents": [_agent(c) for c in draft.agents],
        "evidence": static.evidence,
        "washout": washout,
        "expected": expected,
        "cautions": [*static.cautions, *draft.cautions],
        "monitoring": static.monitoring,
        "because": because,
    }


def _excluded(draft: Draft, static: _Static) -> dict[str, Any]:
    return {
        "id": static.option_id,
        "title": draft.definition.title,
        "rules": list(dict.fromkeys(rule_id for rule_id, _ in draft.exclusions)),
        "because": list(dict.fromkeys(reason for _, reason in draft.exclusions)),
    }


# One validation call per list: the same models as validating each one, without a Python call per
# option. (Building them with ``trdkit._trusted.trusted`` instead was measured: no faster, as
# pydantic-core validates these already-typed values about as fast as the Python helper runs.)
_OPTIONS = TypeAdapter(list[Option])
_EXCLUDED = TypeAdapter(list[ExcludedOption])


def recommend(
    record: PatientRecord,
    diagnosis: Diagnosis,
    trd: TrdResult,
    flags: Sequence[Flag],
    pgx: PgxSection,
) -> tuple[list[Option], list[ExcludedOption]]:
    """Rank the next treatment steps and list those ruled out, each with its reasons.

    Parameters
    ----------
    record
        The patient record (history, medical conditions, allergies, medications, labs).
    diagnosis
        Its diagnosis (severity, course).
    trd
        The resistance result: adequate failures and trial verdicts.
    flags
        The assessment's flags (suicide risk, bipolarity, psychotic features, pseudo-resistance).
    pgx
        The pharmacogenomic section; CPIC guidance per drug sets each agent's ``pgx_action``.

    Returns
    -------
    options, excluded_options
        Options ranked from 1; excluded options in table order, each naming its rules.

    References
    ----------
    CANMAT 2023 Figure 7.1 and Table 7.2; NICE NG222 1.9; VA/DoD 2022; STAR*D 2006.

    Examples
    --------
    >>> from trdkit import assess, load_record
    >>> a = assess(load_record("examples/psychotic-depression.yaml"))
    >>> a.options[0].id.value
    'ect'
    """
    ctx = build_context(record, diagnosis, trd, flags, pgx)
    table = load_treatment_options()
    statics = _statics()
    run = _Pass(
        agent_pass(ctx),
        option_rules_plan(ctx),
        safety_plan(ctx),
        maoi_partner(ctx),
        ctx.fact_key(),
    )
    drafts = [
        (_build(definition, ctx, statics[definition.id], run), statics[definition.id])
        for definition in table.options.values()
        if definition.indication is None or ctx.satisfied(definition.indication)
    ]
    offered = sorted(
        ((d, st) for d, st in drafts if not d.exclusions),
        key=lambda item: (item[0].tier, item[0].priority, item[1].order),
    )
    level = min(ctx.failures + 1, _STARD_LEVELS)
    options = [_option(d, rank, level, st) for rank, (d, st) in enumerate(offered, start=1)]
    excluded = [_excluded(d, st) for d, st in drafts if d.exclusions]
    return _OPTIONS.validate_python(options), _EXCLUDED.validate_python(excluded)
