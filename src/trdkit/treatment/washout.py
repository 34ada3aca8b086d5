"""Washout steps between MAO inhibitors and the drugs they interact with.

An option that starts an MAOI while the patient takes (or recently stopped) a serotonergic or
otherwise interacting drug, or starts such a drug while an MAOI is taken or recently stopped, is
offered with a washout step - stop, wait, earliest start - never as an immediate start. An
option that keeps the current treatment cannot wash it out: that pair is a contraindicated
combination in ``safety.py``; only recently stopped drugs give it a washout.

References
----------
American Psychiatric Association. Practice guideline for MDD, 3rd ed. 2010 (1-2 weeks before an
MAOI, 5 weeks after fluoxetine). US prescribing information of the MAOIs and antidepressants.
NICE NG222 (2022) 1.9.9 (avoid SSRI/SNRI/TCA with an MAOI).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from trdkit.knowledge.drugs import Drug, load_drug_catalogue
from trdkit.knowledge.treatment_rows import cite
from trdkit.knowledge.washouts import WashoutTable, load_washouts
from trdkit.record.vocab import Outcome
from trdkit.treatment.context import Context
from trdkit.treatment.draft import Draft
from trdkit.treatment.model import Washout

__all__ = ["Step", "maoi_partner", "washout_for", "washout_steps"]


@dataclass(frozen=True)
class Step:
    """One drug to stop (or already stopped) before one agent may start."""

    stop: str
    start: str
    days: int
    stopped_on: dt.date
    why: str

    @property
    def earliest(self) -> dt.date:
        """The first day the agent may start."""
        return self.stopped_on + dt.timedelta(days=self.days)


def _partners(ctx: Context, keeps_current: bool) -> Iterator[tuple[Drug, dt.date, bool]]:
    """Drugs to wash out: ``(drug, stop date, taken now)``."""
    if not keeps_current:
        for drug in ctx.current:
            yield drug, ctx.assessed_on, True
    catalogue = load_drug_catalogue()
    taken = ctx.current_ids()
    for trial in ctx.record.treatments:
        ended = trial.end
        if trial.drug is None or ended is None or trial.outcome is Outcome.ongoing:
            continue
        for name in (trial.drug, *trial.with_):
            stopped = catalogue.resolve(name)
            if stopped is not None and stopped.id not in taken and ended <= ctx.assessed_on:
                yield stopped, ended, False


_PartnerKey = tuple[tuple[str, dt.date, bool], ...]
_Partners = tuple[list[tuple[Drug, dt.date, bool]], bool, _PartnerKey]


def _listed(found: list[tuple[Drug, dt.date, bool]]) -> _Partners:
    key = tuple((drug.id, stopped_on, now) for drug, stopped_on, now in found)
    return found, any(drug.maoi for drug, _, _ in found), key


def _switching(ctx: Context) -> _Partners:
    return _listed(list(_partners(ctx, False)))


def _keeping(ctx: Context) -> _Partners:
    return _listed(list(_partners(ctx, True)))


def _partner_list(ctx: Context, keeps_current: bool) -> _Partners:
    """The partners, whether one is an MAOI, and the partners as a key (ids, dates, taken now).

    The same for every option of an assessment but for keeps_current: worked out once.
    """
    if keeps_current:
        return ctx.once("washout.partners.keeping", _keeping)
    return ctx.once("washout.partners.switching", _switching)


def maoi_partner(ctx: Context) -> bool:
    """Whether any drug taken now or stopped before the assessment is an MAOI.

    Without one, only an option that starts an MAOI can need a washout (see ``_wait``); the
    partners of an option that keeps the current treatment are a subset of these.
    """
    return _partner_list(ctx, False)[1]


@functools.cache
def _wait_between(stopped_id: str, started_id: str) -> tuple[int, str] | None:
    drugs = load_drug_catalogue().drugs
    return _wait(load_washouts(), drugs[stopped_id], drugs[started_id])


def _wait(table: WashoutTable, stopped: Drug, started: Drug) -> tuple[int, str] | None:
    """Days to wait after ``stopped`` before ``started``, with the citation; None if no wait."""
    if started.maoi and table.interacts(stopped):
        row = table.before_maoi(stopped)
    elif stopped.maoi and table.interacts(started):
        row = table.after_maoi(stopped)
    else:
        return None
    if row is None:
        default = table.settings.default_days
        return default.value, cite(table.source_labels, default.sources, default.confidence)
    return row.days, cite(table.source_labels, row.sources, row.confidence)


# Steps by (agent ids, partner key, assessment date): all that ``_steps`` reads (the washout table
# and catalogue are loaded once per process), so an entry cannot go stale. The bound keeps the
# memory small.
_STEPS: dict[tuple[tuple[str, ...], _PartnerKey, dt.date], tuple[Step, ...]] = {}
_STEPS_MAX = 4096


def washout_steps(draft: Draft, ctx: Context) -> list[Step]:
    """Every stop-and-wait step the option's agents need (already elapsed ones left out)."""
    if not draft.agents:
        return []
    partners, maoi_partner, partner_key = _partner_list(ctx, draft.definition.keeps_current)
    # A wait needs an MAOI on one side (see _wait): without one there is nothing to look up.
    if not maoi_partner and not any(c.drug.maoi for c in draft.agents):
        return []
    agents = tuple(c.drug for c in draft.agents)
    key = (tuple(d.id for d in agents), partner_key, ctx.assessed_on)
    steps = _STEPS.get(key)
    if steps is None:
        steps = tuple(_steps(agents, partners, maoi_partner, ctx.assessed_on))
        if len(_STEPS) >= _STEPS_MAX:
            _STEPS.clear()
        _STEPS[key] = steps
    return list(steps)


def _steps(
    agents: tuple[Drug, ...],
    partners: list[tuple[Drug, dt.date, bool]],
    maoi_partner: bool,
    assessed_on: dt.date,
) -> list[Step]:
    steps: list[Step] = []
    for agent in agents:
        if not agent.maoi and not maoi_partner:
            continue
        for drug, stopped_on, now in partners:
            if drug.id == agent.id:
                continue
            wait = _wait_between(drug.id, agent.id)
            if wait is None:
                continue
            days, cited = wait
            when = "stop it now" if now else f"stopped on {stopped_on}"
            why = f"{drug.id} ({when}): wait {days} days before starting {agent.id} ({cited})"
            step = Step(drug.id, agent.id, days, stopped_on, why)
            if step.earliest > assessed_on:
                steps.append(step)
    return steps


def washout_for(draft: Draft, ctx: Context) -> Washout | None:
    """The option's washout: the longest step sets the earliest start; the others are listed.

    Parameters
    ----------
    draft
        The option with its final agents.
    ctx
        The assessment's facts (drugs taken now, trial end dates, assessment date).

    Returns
    -------
    Washout or None
        ``None`` when no agent needs a wait.
    """
    steps = washout_steps(draft, ctx)
    if not steps:
        return None
    governing = max(steps, key=lambda s: (s.earliest, s.days))
    others = sorted({s.stop for s in steps} - {governing.stop})
    return Washout(
        stop=governing.stop,
        also_stop=others,
        wait_days=governing.days,
        earliest_start=governing.earliest,
        because=list(dict.fromkeys(s.why for s in steps)),
    )
