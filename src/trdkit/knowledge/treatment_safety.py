"""Loader for ``safety.yaml``: contraindications, cautions, interactions and allergy groups.

Contraindications and cautions hold for a patient condition (a
:class:`~trdkit.knowledge.treatment_rows.Condition`) and select drugs through the catalogue or
options by id; interactions pair a drug an option starts (or the option itself) with a drug taken
now. Thresholds (QTc, eGFR) are settings with their own sources and confidence.

References
----------
Spravato (esketamine) US prescribing information (contraindications, warnings).
NICE NG222 (2022) 1.9.6, 1.9.9. Lam RW, et al. CANMAT 2023. Can J Psychiatry. 2024;69:641-687.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.treatment_options import CATEGORIES, load_treatment_options
from trdkit.knowledge.treatment_rows import (
    Condition,
    Confidence,
    DrugSelector,
    OptionSelector,
    TreatmentRow,
    check_drug_ids,
    check_sources,
    cite,
    parse_rows,
)

__all__ = [
    "AllergyGroup",
    "ConditionRule",
    "InteractionRule",
    "SafetySettings",
    "SafetyTable",
    "SafetyThreshold",
    "load_safety",
]

_TABLE = "safety.yaml"


class SafetyThreshold(TreatmentRow):
    """A cited number used by a fact (e.g. the QTc that counts as prolonged)."""

    value: float
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence
    note: str | None = None


class SafetySettings(TreatmentRow):
    """Thresholds of the safety facts."""

    qtc_caution_ms: SafetyThreshold
    qtc_contraindication_ms: SafetyThreshold
    egfr_caution_ml_per_min: SafetyThreshold
    egfr_contraindication_ml_per_min: SafetyThreshold


class AllergyGroup(TreatmentRow):
    """Drugs that share an allergy: an allergy to one excludes all."""

    drugs: tuple[str, ...] = Field(min_length=2)
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence


class ConditionRule(TreatmentRow):
    """A contraindication or caution: a patient condition and the drugs or options it hits."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Condition
    drugs: DrugSelector | None = None
    options: OptionSelector | None = None
    reason: str = Field(min_length=1)
    dose_limit: str | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence

    @model_validator(mode="after")
    def _one_target(self) -> ConditionRule:
        if (self.drugs is None) == (self.options is None):
            raise ValueError("give exactly one of drugs or options")
        return self


class InteractionRule(TreatmentRow):
    """A drug an option starts (or the option) together with a drug taken now."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    tier: Literal["contraindicated", "caution"]
    scope: Literal["any", "add_on"] = "any"
    started: DrugSelector | None = None
    option: OptionSelector | None = None
    current: DrugSelector
    reason: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence

    @model_validator(mode="after")
    def _one_side(self) -> InteractionRule:
        if (self.started is None) == (self.option is None):
            raise ValueError("give exactly one of started or option")
        return self


class SafetyTable(TreatmentRow):
    """The validated safety table."""

    header: TableHeader
    source_labels: Mapping[str, str]
    settings: SafetySettings
    allergy_groups: tuple[AllergyGroup, ...]
    contraindications: tuple[ConditionRule, ...]
    cautions: tuple[ConditionRule, ...]
    interactions: tuple[InteractionRule, ...]

    def cite(self, sources: tuple[str, ...], confidence: Confidence) -> str:
        """Short citation of ``sources``; uncertain ones are marked."""
        return cite(self.source_labels, sources, confidence)

    def allergens(self, allergy: str) -> set[str]:
        """Every drug id an allergy to ``allergy`` rules out (itself and its groups)."""
        found = {allergy}
        for group in self.allergy_groups:
            if allergy in group.drugs:
                found.update(group.drugs)
        return found


def _cited(table: SafetyTable) -> Iterator[tuple[str, tuple[str, ...]]]:
    for name, threshold in table.settings:
        yield name, threshold.sources
    for i, group in enumerate(table.allergy_groups):
        yield f"allergy group {i}", group.sources
    for rule in (*table.contraindications, *table.cautions):
        yield rule.id, rule.sources
    for inter in table.interactions:
        yield inter.id, inter.sources


def _selectors(table: SafetyTable) -> Iterator[tuple[str, DrugSelector | OptionSelector | None]]:
    for rule in (*table.contraindications, *table.cautions):
        yield rule.id, rule.drugs
        yield rule.id, rule.options
    for inter in table.interactions:
        yield inter.id, inter.started
        yield inter.id, inter.option
        yield inter.id, inter.current


def _check(table: SafetyTable) -> None:
    check_sources(_TABLE, table.header, table.source_labels, _cited(table))
    ids = [r.id for r in (*table.contraindications, *table.cautions)]
    ids += [r.id for r in table.interactions]
    if len(set(ids)) != len(ids):
        raise KnowledgeError(f"{_TABLE}: duplicate rule id")
    named = [(f"allergy group {i}", g.drugs) for i, g in enumerate(table.allergy_groups)]
    options = load_treatment_options().options
    for rule_id, sel in _selectors(table):
        if isinstance(sel, DrugSelector):
            named.append((rule_id, sel.drug_ids()))
        elif isinstance(sel, OptionSelector):
            unknown = sorted(set(sel.options) - set(options))
            unknown += sorted(set(sel.categories) - set(CATEGORIES))
            if unknown:
                raise KnowledgeError(f"{_TABLE}: {rule_id} names unknown options {unknown}")
    check_drug_ids(_TABLE, named)


@cache
def load_safety() -> SafetyTable:
    """Load and validate ``safety.yaml`` (once per process).

    Raises
    ------
    KnowledgeError
        If a row is invalid, an id repeats, or a row names an unknown source, drug or option.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        settings = SafetySettings.model_validate(body.get("settings"))
    except ValueError as exc:
        raise KnowledgeError(f"{_TABLE}: invalid settings: {exc}") from exc
    table = SafetyTable(
        header=header,
        source_labels=body.get("source_labels") or {},
        settings=settings,
        allergy_groups=tuple(
            parse_rows(_TABLE, AllergyGroup, body.get("allergy_groups"), "allergy_groups")
        ),
        contraindications=tuple(
            parse_rows(_TABLE, ConditionRule, body.get("contraindications"), "contraindications")
        ),
        cautions=tuple(parse_rows(_TABLE, ConditionRule, body.get("cautions"), "cautions")),
        interactions=tuple(
            parse_rows(_TABLE, InteractionRule, body.get("interactions"), "interactions")
        ),
    )
    _check(table)
    return table
