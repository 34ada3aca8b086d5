"""Loader for ``option_rules.yaml``: the rules that filter, re-rank and annotate options.

Each rule has a stable id, a condition over the assessment's facts, an effect, targets (an
:class:`~trdkit.knowledge.treatment_rows.OptionSelector`), a reason and its sources. Targets must
name option ids and categories that ``options.yaml`` defines.

References
----------
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69(9):641-687 (Q7.c: switch
when there is no response or poor tolerance, add an adjunct when there is a partial response).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.treatment_options import CATEGORIES, load_treatment_options
from trdkit.knowledge.treatment_rows import (
    Condition,
    Confidence,
    OptionSelector,
    TreatmentRow,
    check_sources,
    cite,
    parse_rows,
)

__all__ = ["AGENT_EFFECTS", "Effect", "OptionRule", "OptionRuleTable", "load_option_rules"]

_TABLE = "option_rules.yaml"

Effect = Literal[
    "rank_first",
    "first_step",
    "boost",
    "demote",
    "exclude",
    "caution",
    "drop_failed_agents",
    "drop_intolerant_agents",
    "drop_current_agents",
    "pgx_guidance",
]
AGENT_EFFECTS: frozenset[str] = frozenset(
    {"drop_failed_agents", "drop_intolerant_agents", "drop_current_agents", "pgx_guidance"}
)
_AMOUNT_EFFECTS = frozenset({"boost", "demote", "pgx_guidance"})


class OptionRule(TreatmentRow):
    """One rule of the option engine."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    when: Condition
    effect: Effect
    amount: int | None = Field(default=None, ge=1, le=50)
    targets: OptionSelector | None = None
    reason: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence

    @model_validator(mode="after")
    def _coherent(self) -> OptionRule:
        if (self.amount is None) == (self.effect in _AMOUNT_EFFECTS):
            raise ValueError(
                f"effect {self.effect} {'needs' if self.amount is None else 'takes no'} amount"
            )
        if (self.targets is None) != (self.effect in AGENT_EFFECTS):
            raise ValueError(
                f"effect {self.effect}: targets are required exactly when the "
                "effect is not an agent effect"
            )
        return self


class OptionRuleTable(TreatmentRow):
    """The rules in table order."""

    header: TableHeader
    source_labels: Mapping[str, str]
    rules: tuple[OptionRule, ...]

    def cite(self, rule: OptionRule) -> str:
        """Short citation of a rule's sources."""
        return cite(self.source_labels, rule.sources, rule.confidence)

    def by_effect(self, effect: Effect) -> OptionRule:
        """The single rule with an agent ``effect`` (e.g. ``drop_failed_agents``)."""
        return next(r for r in self.rules if r.effect == effect)


@cache
def load_option_rules() -> OptionRuleTable:
    """Load and validate ``option_rules.yaml`` (once per process).

    Raises
    ------
    KnowledgeError
        If a rule is invalid, an id repeats, an agent effect is missing or repeated, or a rule
        names an unknown source, option or category.
    """
    header, body = read_yaml_table(_TABLE)
    rules = parse_rows(_TABLE, OptionRule, body.get("rules"), "rules")
    labels = body.get("source_labels") or {}
    check_sources(_TABLE, header, labels, ((r.id, r.sources) for r in rules))
    if len({r.id for r in rules}) != len(rules):
        raise KnowledgeError(f"{_TABLE}: duplicate rule id")
    for effect in AGENT_EFFECTS:
        if sum(r.effect == effect for r in rules) != 1:
            raise KnowledgeError(f"{_TABLE}: exactly one rule must have effect {effect}")
    options = load_treatment_options().options
    for rule in rules:
        if rule.targets is None:
            continue
        if unknown := sorted(set(rule.targets.options) - set(options)):
            raise KnowledgeError(f"{_TABLE}: {rule.id} targets unknown options {unknown}")
        if unknown := sorted(set(rule.targets.categories) - set(CATEGORIES)):
            raise KnowledgeError(f"{_TABLE}: {rule.id} targets unknown categories {unknown}")
    return OptionRuleTable(header=header, source_labels=labels, rules=tuple(rules))
