"""An option while it is being built: agents, rank key, cautions, reasons and exclusions.

Rules (``rules.py``), safety (``safety.py``) and washouts (``washout.py``) each read and amend a
:class:`Draft`; ``options.py`` turns the survivors into ranked ``Option`` objects and the rest into
``ExcludedOption`` objects. Keeping the mutable state in one place lets every step add its reason
beside its effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trdkit.knowledge.drugs import Drug
from trdkit.knowledge.treatment_options import OptionDefinition
from trdkit.treatment.agents import Candidate
from trdkit.treatment.model import Washout

__all__ = ["TIER_FIRST", "TIER_FIRST_STEP", "TIER_LADDER", "Draft", "procedure_values", "tagged"]

TIER_FIRST = 0
"""Ranked before everything (ECT when urgent)."""
TIER_FIRST_STEP = 1
"""Ranked before the ordinary ladder (optimise first, bipolar, psychotic depression, under 18)."""
TIER_LADDER = 2
"""The ordinary ladder, ordered by priority."""


def tagged(reason: str, rule_id: str, cited: str) -> str:
    """A reason that names its rule and source: ``"reason (source) [rule id]"``."""
    return f"{reason} ({cited}) [rule {rule_id}]"


# Keyed by the identity of a definition, which the entry keeps alive (so an id is never reused
# while its entry exists); definitions are frozen rows of a table loaded once per process.
_PROCEDURES: dict[int, tuple[OptionDefinition, tuple[str, ...]]] = {}
_PROCEDURES_MAX = 1024


def procedure_values(definition: OptionDefinition) -> tuple[str, ...]:
    """The procedure names (``"ect"``...) an option gives, worked out once per definition."""
    entry = _PROCEDURES.get(id(definition))
    if entry is None or entry[0] is not definition:
        if len(_PROCEDURES) >= _PROCEDURES_MAX:
            _PROCEDURES.clear()
        values = tuple(p.value for p in definition.procedures)
        entry = _PROCEDURES[id(definition)] = (definition, values)
    return entry[1]


@dataclass(slots=True)
class Draft:
    """One option under construction."""

    definition: OptionDefinition
    agents: list[Candidate]
    had_agents: bool
    priority: int
    tier: int = TIER_LADDER
    because: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    exclusions: list[tuple[str, str]] = field(default_factory=list)
    washout: Washout | None = None
    # Read for every rule an option meets: plain attributes, copied from the definition once.
    id: str = field(init=False)
    """The option id."""
    category: str = field(init=False)
    """The option category."""
    procedures: tuple[str, ...] = field(init=False)
    """The procedure names the option gives (``"ect"``...)."""

    def __post_init__(self) -> None:
        self.id = self.definition.id
        self.category = self.definition.category
        # procedure_values(self.definition), inlined: one Draft is made per option per assessment.
        entry = _PROCEDURES.get(id(self.definition))
        if entry is not None and entry[0] is self.definition:
            self.procedures = entry[1]
        else:
            self.procedures = procedure_values(self.definition)

    def drugs(self) -> list[Drug]:
        """The catalogue rows of the remaining agents."""
        return [c.drug for c in self.agents]

    def drop(self, drug_id: str, rule_id: str, reason: str) -> None:
        """Remove the agent ``drug_id`` (if still present), keeping the rule and reason."""
        before = len(self.agents)
        self.agents = [c for c in self.agents if c.drug.id != drug_id]
        if len(self.agents) < before:
            self.dropped.append((rule_id, reason))

    def exclude(self, rule_id: str, reason: str) -> None:
        """Rule the whole option out."""
        if (rule_id, reason) not in self.exclusions:
            self.exclusions.append((rule_id, reason))

    def caution(self, text: str) -> None:
        """Add a caution once."""
        if text not in self.cautions:
            self.cautions.append(text)

    def emptied(self) -> bool:
        """The option had agents and every one was removed."""
        return self.had_agents and not self.agents
