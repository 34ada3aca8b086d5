"""What the selectors of ``safety.yaml`` pick, and each safety rule's citation.

Shared by ``safety.py`` (contraindications and cautions) and ``interactions.py``. Both are worked
out once per process over the drug catalogue: the tables are loaded once (cached loaders), so
nothing here can go stale.
"""

from __future__ import annotations

import functools

from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.treatment_rows import DrugSelector
from trdkit.knowledge.treatment_safety import load_safety

__all__ = ["citation", "picks"]


@functools.cache
def _selected() -> dict[tuple[str, str], frozenset[str]]:
    """Drug ids each selector of the safety table picks, worked out once over the catalogue."""
    table = load_safety()
    drugs = list(load_drug_catalogue().drugs.values())
    picks: dict[tuple[str, str], DrugSelector | None] = {}
    for rule in (*table.contraindications, *table.cautions):
        picks[(rule.id, "drugs")] = rule.drugs
    for inter in table.interactions:
        picks[(inter.id, "started")] = inter.started
        picks[(inter.id, "current")] = inter.current
    return {
        key: frozenset(d.id for d in drugs if sel.matches(d))
        for key, sel in picks.items()
        if sel is not None
    }


@functools.cache
def _cited() -> dict[str, str]:
    """Each rule's short citation, worked out once per knowledge load."""
    table = load_safety()
    cited = {r.id: table.cite(r.sources, r.confidence) for r in table.interactions}
    for rule in (*table.contraindications, *table.cautions):
        cited[rule.id] = table.cite(rule.sources, rule.confidence)
    return cited


def picks(rule_id: str, side: str) -> frozenset[str]:
    """Drug ids the ``side`` selector (``drugs``, ``started``, ``current``) of a rule picks."""
    return _selected().get((rule_id, side), frozenset())


def citation(rule_id: str) -> str:
    """The short citation of a safety rule."""
    return _cited()[rule_id]
