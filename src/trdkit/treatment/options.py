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

from trdkit.diagnosis import Diagnosis
from trdkit.flags import Flag
from trdkit.knowledge.expected_outcomes import load_expected_outcomes
from trdkit.knowledge.treatment_options import (
    OptionDefinition,
    Prerequisite,
    load_treatment_options,
)
from trdkit.pgx.model import PgxSection
from trdkit.record import PatientRecord
from trdkit.resistance.model import TrdResult
from trdkit.treatment.agents import base_agents
from trdkit.treatment.context import Context, build_context
from trdkit.treatment.draft import Draft, tagged
from trdkit.treatment.model import ExcludedOption, Option, OptionId
from trdkit.treatment.rules import apply_agent_rules, apply_option_rules
from trdkit.treatment.safety import apply_safety
from trdkit.treatment.washout import washout_for

__all__ = ["recommend"]

_STARD_LEVELS = 4


@dataclass(frozen=True)
class _Static:
    """The parts of an option that depend on the tables only, worked out once per load."""

    order: int
    summary: str
    evidence: tuple[dict[str, Any], ...]
    cautions: tuple[str, ...]
    monitoring: tuple[str, ...]
    prerequisites: tuple[str, ...]


@functools.cache
def _statics() -> dict[str, _Static]:
    table = load_treatment_options()
    found: dict[str, _Static] = {}
    for order, definition in enumerate(table.options.values()):
        summary = definition.summary
        found[definition.id] = _Static(
            order=order,
            summary=f"{summary.text} ({table.cite(summary.sources, summary.confidence)})",
            evidence=tuple(
                {
                    "source": f"{table.label(ev.source)} {ev.where or ''}".strip(),
                    "line": ev.line,
                    "level": ev.level,
                    "note": ev.note,
                }
                for ev in definition.evidence
            ),
            cautions=tuple(
                f"{c.text} ({table.cite(c.sources, c.confidence)})" for c in definition.cautions
            ),
            monitoring=tuple(
                f"{m.text} ({table.cite(m.sources, m.confidence)})" for m in definition.monitoring
            ),
            prerequisites=tuple(
                table.cite(pre.sources, pre.confidence) for pre in definition.prerequisites
            ),
        )
    return found


def _held(pre: Prerequisite, ctx: Context) -> str:
    facts = [f for f in (*pre.when.all, *pre.when.any) if ctx.holds(f)]
    if not facts or any(f.startswith("failures_at_least") for f in pre.when.any):
        facts = [f"{ctx.failures} adequate failed trial(s) in this episode", *facts]
    shown = [f for f in facts if not f.startswith("failures_at_least")]
    return ", ".join(f.replace("_", " ") for f in shown)


def _prerequisites(draft: Draft, ctx: Context) -> None:
    cites = _statics()[draft.id].prerequisites
    for pre, cited in zip(draft.definition.prerequisites, cites, strict=True):
        state = _held(pre, ctx)
        if ctx.satisfied(pre.when):
            draft.because.append(tagged(f"{pre.reason}: met ({state})", pre.id, cited))
        else:
            draft.exclude(pre.id, tagged(f"{pre.reason}; here: {state}", pre.id, cited))


def _build(definition: OptionDefinition, ctx: Context) -> Draft:
    candidates, filtered = base_agents(definition, ctx)
    draft = Draft(
        definition=definition,
        agents=candidates,
        had_agents=bool(definition.agents) or definition.agent_filter == "from_record",
        priority=definition.priority,
    )
    for reason in filtered:
        draft.exclude(definition.agent_filter, f"{reason} [rule {definition.agent_filter}]")
    _prerequisites(draft, ctx)
    apply_agent_rules(draft, ctx)
    apply_safety(draft, ctx)
    if draft.emptied():
        for rule_id, reason in draft.dropped:
            draft.exclude(rule_id, reason)
    apply_option_rules(draft, ctx)
    if not draft.exclusions:
        draft.washout = washout_for(draft, ctx)
    return draft


@functools.cache
def _expected(outcome_id: str, level: int) -> str:
    return load_expected_outcomes().describe(outcome_id, level)


def _option(draft: Draft, rank: int, ctx: Context) -> Option:
    definition = draft.definition
    static = _statics()[definition.id]
    because = [static.summary, *draft.because]
    because += [f"left out: {reason}" for _, reason in draft.dropped]
    if draft.washout is not None:
        because.append(
            f"washout first: stop {draft.washout.stop}, earliest start "
            f"{draft.washout.earliest_start} ({draft.washout.wait_days} days)"
        )
    expected = None
    if definition.expected is not None:
        level = min(ctx.failures + 1, _STARD_LEVELS)
        expected = _expected(definition.expected, level)
    return Option(
        id=OptionId(definition.id),
        title=definition.title,
        category=definition.category,
        rank=rank,
        # Plain dicts: the nested models are built within the one validation of the Option.
        agents=[
            {
                "drug": c.drug.id,
                "dose_note": c.dose_note,
                "pgx_action": c.pgx_action,
                "pgx_note": c.pgx_note,
            }
            for c in draft.agents
        ],
        evidence=static.evidence,
        washout=draft.washout,
        expected=expected,
        cautions=[*static.cautions, *draft.cautions],
        monitoring=list(static.monitoring),
        because=because,
    )


def _excluded(draft: Draft) -> ExcludedOption:
    return ExcludedOption(
        id=OptionId(draft.id),
        title=draft.definition.title,
        rules=list(dict.fromkeys(rule_id for rule_id, _ in draft.exclusions)),
        because=list(dict.fromkeys(reason for _, reason in draft.exclusions)),
    )


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
    drafts = [
        _build(definition, ctx)
        for definition in table.options.values()
        if definition.indication is None or ctx.satisfied(definition.indication)
    ]
    offered = sorted(
        (d for d in drafts if not d.exclusions),
        key=lambda d: (d.tier, d.priority, statics[d.id].order),
    )
    options = [_option(d, rank, ctx) for rank, d in enumerate(offered, start=1)]
    return options, [_excluded(d) for d in drafts if d.exclusions]
