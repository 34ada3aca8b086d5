"""Which drugs an option starts: the table's agents, narrowed by class, or the record's own trials.

``switch_different_class`` keeps the agents whose catalogue class differs from every
antidepressant class tried in this episode or taken now; ``switch_same_class`` keeps those that
share one. ``optimise_dose`` takes its agents from the record: trials that were too low, too short,
not taken, still running or without a known outcome, and antidepressants taken now, each with
the step that would make it an adequate trial. A dose note not given in ``options.yaml`` is the
CANMAT 2023 range of ``drug_doses.yaml``.

References
----------
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69(9):641-687 (Table 3.3
dose ranges; Q7.c optimise, then switch to a different mechanism).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from trdkit.knowledge.drug_doses import load_drug_doses
from trdkit.knowledge.drugs import Drug, DrugKind, load_drug_catalogue
from trdkit.knowledge.treatment_options import OptionDefinition
from trdkit.pgx.model import Action
from trdkit.record.vocab import Episode
from trdkit.resistance.model import TrialCategory, TrialVerdict, Verdict
from trdkit.treatment.context import Context

__all__ = ["Candidate", "base_agents", "canmat_range", "tried_classes"]


@dataclass(slots=True)
class Candidate:
    """An agent while the option is being built (mutable; becomes an ``Agent``)."""

    drug: Drug
    dose_note: str | None
    pgx_action: Action | None = None
    pgx_note: str | None = None


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@functools.cache
def canmat_range(drug_id: str) -> str | None:
    """``"CANMAT 2023 range 10-20 mg/day"`` for an antidepressant, else ``None``."""
    row = load_drug_doses().antidepressants.get(drug_id)
    if row is None or row.canmat_range is None:
        return None
    low, high = row.canmat_range
    return f"CANMAT 2023 range {_fmt(low)}-{_fmt(high)} mg/day"


def tried_classes(ctx: Context) -> set[str]:
    """Classes of antidepressants tried as monotherapy in this episode or taken now."""
    return set(ctx.derived("agents.tried_classes", lambda: frozenset(_tried(ctx))))


def _tried(ctx: Context) -> set[str]:
    drugs = load_drug_catalogue().drugs
    classes = {d.drug_class.value for d in ctx.current_antidepressants()}
    for v in ctx.trd.trials:
        drug = drugs.get(v.treatment)
        if (
            drug is not None
            and drug.kind is DrugKind.ANTIDEPRESSANT
            and v.category is TrialCategory.antidepressant
            and v.episode is Episode.current
        ):
            classes.add(drug.drug_class.value)
    return classes


def _weeks_so_far(ctx: Context, v: TrialVerdict) -> float | None:
    trial = ctx.record.treatments[v.index]
    if v.weeks is not None:
        return v.weeks
    if trial.start is not None:
        return (ctx.assessed_on - trial.start).days / 7.0
    return None


def _optimise_note(ctx: Context, v: TrialVerdict | None) -> str:
    if v is None:
        return "taken now without a recorded trial: check the dose and duration are adequate"
    steps: list[str] = []
    dose, low = v.dose_mg_per_day, v.min_dose_mg_per_day
    if dose is not None and low is not None and dose < low:
        steps.append(f"raise from {_fmt(dose)} to at least {_fmt(low)} mg/day")
    weeks, need = _weeks_so_far(ctx, v), v.min_weeks
    if v.verdict in (Verdict.inadequate_duration, Verdict.early_stop, Verdict.ongoing) and need:
        so_far = "not recorded" if weeks is None else f"{_fmt(weeks)} so far"
        steps.append(f"give at least {_fmt(need)} weeks at an adequate dose ({so_far})")
    if v.verdict is Verdict.inadequate_adherence:
        adherence = ctx.record.treatments[v.index].adherence
        steps.append(f"support adherence (was {adherence.value if adherence else 'poor'})")
    if v.verdict is Verdict.outcome_unknown:
        steps.append("record the response, then judge the trial")
    if v.missing:
        steps.append("record " + "; ".join(v.missing))
    basis = f"trials[{v.index}] {v.verdict.value.replace('_', ' ')}"
    return f"{basis}: " + ("; ".join(steps) if steps else "continue and review the response")


@dataclass(frozen=True)
class _TableAgent:
    drug: Drug
    dose_note: str | None
    drug_class: str


# Keyed by the identity of an option definition, which the entry keeps alive (its id cannot be
# reused meanwhile); definitions are frozen rows of tables loaded once per process.
_TABLE_AGENTS: dict[int, tuple[OptionDefinition, tuple[_TableAgent, ...]]] = {}
_TABLE_AGENTS_MAX = 1024


def _table_agents(option: OptionDefinition) -> tuple[_TableAgent, ...]:
    """The option's table agents with their dose notes and classes, worked out once."""
    entry = _TABLE_AGENTS.get(id(option))
    if entry is None or entry[0] is not option:
        if len(_TABLE_AGENTS) >= _TABLE_AGENTS_MAX:
            _TABLE_AGENTS.clear()
        drugs = load_drug_catalogue().drugs
        found = tuple(
            _TableAgent(
                drugs[a.drug], a.dose_note or canmat_range(a.drug), drugs[a.drug].drug_class.value
            )
            for a in option.agents
        )
        entry = _TABLE_AGENTS[id(option)] = (option, found)
    return entry[1]


def _from_record(ctx: Context) -> list[Candidate]:
    drugs = load_drug_catalogue().drugs
    return [
        Candidate(drug=drugs[drug_id], dose_note=_optimise_note(ctx, verdict))
        for drug_id, verdict in ctx.to_optimise
    ]


def base_agents(option: OptionDefinition, ctx: Context) -> tuple[list[Candidate], list[str]]:
    """The option's agents before rules and safety, and why some were left out.

    Parameters
    ----------
    option
        The option's row of ``options.yaml``.
    ctx
        The assessment's facts.

    Returns
    -------
    candidates, reasons
        The candidate agents in table order, and reasons for a class filter that removed all.
    """
    if option.agent_filter == "from_record":
        return _from_record(ctx), []
    agents = _table_agents(option)
    if option.agent_filter not in ("different_class", "same_class"):
        return [Candidate(a.drug, a.dose_note) for a in agents], []
    classes = tried_classes(ctx)
    same = option.agent_filter == "same_class"
    kept = [Candidate(a.drug, a.dose_note) for a in agents if (a.drug_class in classes) == same]
    if kept:
        return kept, []
    tried = ", ".join(sorted(classes)) or "none"
    return [], [f"no candidate {'of' if same else 'outside'} the classes tried ({tried})"]
