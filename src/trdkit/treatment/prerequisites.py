"""Prerequisites of an option (``options.yaml``): met, with what holds, or the option is out.

Each prerequisite names facts (e.g. ``failures_at_least:2``); its reason shows the facts that
hold here, with the count of adequate failed trials when a failure count is asked or nothing
holds. A prerequisite that is not met excludes the option under its own id.

Whether a prerequisite holds and what its reason shows depend on the patient's fact key
(``Context.fact_key``: the plain facts and the parametrised facts the tables name) and the
failure count alone, so each option's outcomes are worked out once per such key.

References
----------
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69(9):641-687 (Figure 7.1).
NICE NG222 (2022) 1.9.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from trdkit.knowledge.treatment_options import Prerequisite, load_treatment_options
from trdkit.treatment.context import Context
from trdkit.treatment.draft import Draft, tagged

__all__ = ["check_prerequisites"]


@dataclass(frozen=True)
class _Prerequisite:
    """A prerequisite with its citation and what its reason shows, split out once per load."""

    row: Prerequisite
    cited: str
    facts: tuple[str, ...]
    """The ``all`` and ``any`` facts, in order."""
    with_failures: bool
    """An ``any`` fact counts failures: the count is always shown."""
    shown: dict[str, str]
    """Each fact other than a failure count, as shown (underscores as spaces)."""


@functools.cache
def _by_option() -> dict[str, tuple[_Prerequisite, ...]]:
    """Per option id, its prerequisites (the table is loaded once per process, never stale)."""
    table = load_treatment_options()
    found: dict[str, tuple[_Prerequisite, ...]] = {}
    for definition in table.options.values():
        items = []
        for pre in definition.prerequisites:
            facts = (*pre.when.all, *pre.when.any)
            items.append(
                _Prerequisite(
                    row=pre,
                    cited=table.cite(pre.sources, pre.confidence),
                    facts=facts,
                    with_failures=any(f.startswith("failures_at_least") for f in pre.when.any),
                    shown={
                        f: f.replace("_", " ")
                        for f in facts
                        if not f.startswith("failures_at_least")
                    },
                )
            )
        found[definition.id] = tuple(items)
    return found


def _held(pre: _Prerequisite, ctx: Context) -> str:
    holds = ctx.holds
    facts = [f for f in pre.facts if holds(f)]
    shown = [pre.shown[f] for f in facts if f in pre.shown]
    if not facts or pre.with_failures:
        shown.insert(0, f"{ctx.failures} adequate failed trial(s) in this episode")
    return ", ".join(shown)


def _outcome(pre: _Prerequisite, ctx: Context) -> tuple[bool, str, str]:
    row = pre.row
    state = _held(pre, ctx)
    if ctx.satisfied(row.when):
        return True, row.id, tagged(f"{row.reason}: met ({state})", row.id, pre.cited)
    return False, row.id, tagged(f"{row.reason}; here: {state}", row.id, pre.cited)


# Outcomes of an option's prerequisites by (option id, fact key, failures): whether each holds
# and what its reason shows depend on those alone (every fact a prerequisite names is decided by
# ``Context.fact_key``), and the tables are loaded once per process, so an entry cannot go stale.
_OUTCOMES: dict[tuple[str, frozenset[str], int, int], tuple[tuple[bool, str, str], ...]] = {}
_OUTCOMES_MAX = 4096


def check_prerequisites(
    draft: Draft, ctx: Context, fact_key: tuple[frozenset[str], int] | None = None
) -> None:
    """Add a reason per prerequisite met; exclude ``draft`` for each one not met.

    Parameters
    ----------
    draft
        An option of ``options.yaml`` (looked up by id).
    ctx
        The assessment's facts.
    fact_key
        ``ctx.fact_key()``, when the caller already holds it.
    """
    facts, bits = ctx.fact_key() if fact_key is None else fact_key
    key = (draft.id, facts, bits, ctx.failures)
    outcomes = _OUTCOMES.get(key)
    if outcomes is None:
        outcomes = tuple(_outcome(pre, ctx) for pre in _by_option().get(draft.id, ()))
        if len(_OUTCOMES) >= _OUTCOMES_MAX:
            _OUTCOMES.clear()
        _OUTCOMES[key] = outcomes
    for met, rule_id, text in outcomes:
        if met:
            draft.because.append(text)
        else:
            draft.exclude(rule_id, text)
