"""The per-assessment pass of ``recommend`` leaves out only work that cannot change an option.

``agent_pass`` drops the agent rules whose input is empty for the patient (nothing failed,
nothing taken now, no CPIC guidance); ``maoi_partner`` lets ``recommend`` skip the washout of an
option that starts no MAOI when no partner is one. Each shortcut must give exactly the drafts the
full work gives, on the examples and on generated patients.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import EXAMPLES, ROOT
from patient_strategies import patient_dicts
from trdkit import assess, load_record
from trdkit.knowledge.treatment_options import load_treatment_options
from trdkit.record import PatientRecord, validate_record
from trdkit.treatment import washout
from trdkit.treatment.agents import base_agents
from trdkit.treatment.context import Context, build_context
from trdkit.treatment.draft import Draft
from trdkit.treatment.rules import AgentPass, agent_pass, apply_agent_rules, option_rules_plan

_INPUTS = {
    "drop_failed_agents": lambda ctx: bool(ctx.failed),
    "drop_intolerant_agents": lambda ctx: bool(ctx.intolerant),
    "drop_current_agents": lambda ctx: bool(ctx.current_set or ctx.ongoing_procedures),
    "pgx_guidance": lambda ctx: bool(ctx.pgx.drugs),
}


def _context(record: PatientRecord) -> Context:
    a = assess(record)
    return build_context(record, a.diagnosis, a.trd, a.flags, a.pgx)


def _draft(ctx: Context, option_id: str) -> Draft:
    definition = load_treatment_options().options[option_id]
    agents, _ = base_agents(definition, ctx)
    return Draft(definition=definition, agents=agents, had_agents=True, priority=0)


def _state(draft: Draft) -> tuple[object, ...]:
    agents = [(c.drug.id, c.dose_note, c.pgx_action, c.pgx_note) for c in draft.agents]
    return agents, draft.dropped, draft.because, draft.exclusions, draft.priority


def _agent_rules_mismatches(ctx: Context) -> list[str]:
    every = option_rules_plan(ctx).agent
    full = AgentPass(every, {})
    found = []
    for option_id in load_treatment_options().options:
        short, long = _draft(ctx, option_id), _draft(ctx, option_id)
        apply_agent_rules(short, ctx, agent_pass(ctx))
        apply_agent_rules(long, ctx, full)
        if _state(short) != _state(long):
            found.append(option_id)
    return found


def _partner_problems(ctx: Context) -> list[str]:
    switching, maoi_switching, _ = washout._partner_list(ctx, False)
    keeping, maoi_keeping, _ = washout._partner_list(ctx, True)
    found = []
    if not {(d.id, when) for d, when, _ in keeping} <= {(d.id, when) for d, when, _ in switching}:
        found.append("keeping partners are not among the switching partners")
    if washout.maoi_partner(ctx) != any(d.maoi for d, _, _ in switching):
        found.append("maoi_partner disagrees with the partners")
    if maoi_keeping and not maoi_switching:
        found.append("an MAOI partner when keeping but not when switching")
    return found


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_agent_pass__leaves_out_only_rules_without_input(example: Path) -> None:
    ctx = _context(load_record(example))
    every = option_rules_plan(ctx).agent
    kept = agent_pass(ctx).rules
    assert list(kept) == [r for r in every if r in kept]  # table order kept
    assert all(_INPUTS[r.effect](ctx) for r in kept)
    assert not any(_INPUTS[r.effect](ctx) for r in every if r not in kept)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_agent_pass__same_drafts_as_every_holding_rule(example: Path) -> None:
    assert _agent_rules_mismatches(_context(load_record(example))) == []


def test_agent_pass__genotyped_example_keeps_the_cpic_rule() -> None:
    ctx = _context(load_record(ROOT / "examples" / "trd-with-genotypes.yaml"))
    assert "pgx_guidance" in {r.effect for r in agent_pass(ctx).rules}


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_maoi_partner__decides_for_both_partner_lists(example: Path) -> None:
    assert _partner_problems(_context(load_record(example))) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=patient_dicts())
def test_option_pass__generated_shortcuts_change_nothing(doc: dict[str, object]) -> None:
    ctx = _context(validate_record(doc))
    assert _agent_rules_mismatches(ctx) == []
    assert _partner_problems(ctx) == []
