"""Conditions of the treatment tables, compiled once into set tests over the patient's facts.

A :class:`~trdkit.knowledge.treatment_rows.Condition` names plain facts (``psychotic_features``)
and parametrised ones (``failures_at_least:2``, ``medical:epilepsy``). The plain facts of a
patient are one frozenset (``Context.facts``), so the plain part of a condition is decided by
subset and disjointness tests; only the parametrised facts are asked one by one. The answer is
the same as evaluating ``all``/``any``/``none`` fact by fact: the fact vocabulary is closed and
checked when a table loads, so no fact is skipped that could have raised.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from trdkit.knowledge.option_rules import load_option_rules
from trdkit.knowledge.treatment_options import load_treatment_options
from trdkit.knowledge.treatment_rows import Condition
from trdkit.knowledge.treatment_safety import load_safety

__all__ = ["Compiled", "TableConditions", "compiled", "holding_conditions", "table_conditions"]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A condition split into its plain facts (as sets) and its parametrised facts."""

    all_plain: frozenset[str]
    any_plain: frozenset[str]
    none_plain: frozenset[str]
    all_param: tuple[str, ...]
    any_param: tuple[str, ...]
    none_param: tuple[str, ...]
    has_any: bool

    def holds(self, facts: frozenset[str], holds: Callable[[str], bool]) -> bool:
        """Whether the condition holds, given the plain ``facts`` and a question for the rest."""
        if not self.all_plain <= facts or not self.none_plain.isdisjoint(facts):
            return False
        for fact in self.all_param:
            if not holds(fact):
                return False
        for fact in self.none_param:
            if holds(fact):
                return False
        if not self.has_any:
            return True
        return not self.any_plain.isdisjoint(facts) or any(holds(f) for f in self.any_param)


def _compile(condition: Condition) -> Compiled:
    def plain(facts: tuple[str, ...]) -> frozenset[str]:
        return frozenset(f for f in facts if ":" not in f)

    def param(facts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f for f in facts if ":" in f)

    return Compiled(
        all_plain=plain(condition.all),
        any_plain=plain(condition.any),
        none_plain=plain(condition.none),
        all_param=param(condition.all),
        any_param=param(condition.any),
        none_param=param(condition.none),
        has_any=bool(condition.any),
    )


# Keyed by the identity of a condition, which the entry keeps alive (an id cannot be reused while
# its entry exists). The conditions asked are frozen rows of tables loaded once per process, so
# the entries never go stale; the bound only guards against callers building conditions anew.
_COMPILED: dict[int, tuple[Condition, Compiled]] = {}
_COMPILED_MAX = 4096


def compiled(condition: Condition) -> Compiled:
    """The compiled form of ``condition``, worked out once per condition object."""
    entry = _COMPILED.get(id(condition))
    if entry is None or entry[0] is not condition:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        entry = _COMPILED[id(condition)] = (condition, _compile(condition))
    return entry[1]


@dataclass(frozen=True)
class TableConditions:
    """Every condition of the treatment tables, compiled, with the parametrised facts they ask."""

    conditions: tuple[Condition, ...]
    """Kept here so that their ids stay theirs for the life of the process."""
    ids: frozenset[int]
    compiled: tuple[tuple[int, Compiled], ...]
    params: tuple[tuple[str, str], ...]
    """Every parametrised fact they name, split as ``(prefix, value)``, in a fixed order."""


@functools.cache
def table_conditions() -> TableConditions:
    """The conditions of ``option_rules.yaml``, ``safety.yaml`` and ``options.yaml``.

    Built once per process from tables that are themselves loaded once (cached loaders), so the
    condition objects, and therefore their ids, never change.
    """
    safety = load_safety()
    found: list[Condition] = [r.when for r in load_option_rules().rules]
    found += [r.when for r in (*safety.contraindications, *safety.cautions)]
    for option in load_treatment_options().options.values():
        if option.indication is not None:
            found.append(option.indication)
        found += [pre.when for pre in option.prerequisites]
    unique = tuple({id(c): c for c in found}.values())
    params = sorted({f for c in unique for f in c.facts() if ":" in f})
    split = tuple((f.split(":", 1)[0], f.split(":", 1)[1]) for f in params)
    return TableConditions(
        conditions=unique,
        ids=frozenset(id(c) for c in unique),
        compiled=tuple((id(c), compiled(c)) for c in unique),
        params=split,
    )


# Which table conditions hold depends only on the plain facts and the answers to the parametrised
# facts the tables ask (``params``, one bit each): that pair is the key. The tables are loaded once
# per process, so an entry never goes stale; the bound keeps the memory small.
_HOLDING: dict[tuple[frozenset[str], int], frozenset[int]] = {}
_HOLDING_MAX = 4096


def holding_conditions(
    facts: frozenset[str], bits: int, holds: Callable[[str], bool]
) -> frozenset[int]:
    """Ids of the table conditions that hold.

    Parameters
    ----------
    facts
        The plain facts that hold.
    bits
        Bit ``i`` set when ``params[i]`` of :func:`table_conditions` holds.
    holds
        The question for any fact (asked only the first time a key is seen).
    """
    index = table_conditions()
    key = (facts, bits)
    found = _HOLDING.get(key)
    if found is None:
        if len(_HOLDING) >= _HOLDING_MAX:
            _HOLDING.clear()
        found = _HOLDING[key] = frozenset(
            i for i, when in index.compiled if when.holds(facts, holds)
        )
    return found
