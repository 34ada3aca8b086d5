"""Loader for ``options.yaml``: the treatment options, their agents, prerequisites and evidence.

Per option: category, base priority (from the line of treatment), whether the current treatment
continues (``keeps_current``), how its agents are chosen, its indication (when it is considered
at all) and prerequisites (when it is offered rather than excluded), the line and level of
evidence per source, standing monitoring and cautions, and the expected-outcome row. Loading
fails (``KnowledgeError``) on an unknown source, drug, procedure or outcome id.

References
----------
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69(9):641-687 (Table 7.2,
Figure 7.1). NICE NG222 (2022) 1.9. McQuaid JR, et al. VA/DoD 2022 synopsis. Ann Intern Med.
2022;175:1440-1451.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Literal, get_args

from pydantic import Field

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.expected_outcomes import load_expected_outcomes
from trdkit.knowledge.treatment_rows import (
    Cited,
    Condition,
    Confidence,
    TreatmentRow,
    check_drug_ids,
    check_sources,
    cite,
    parse_rows,
)
from trdkit.record.vocab import Procedure

__all__ = [
    "CATEGORIES",
    "AgentRow",
    "Category",
    "EvidenceLine",
    "EvidenceRow",
    "OptionDefinition",
    "OptionTable",
    "Prerequisite",
    "load_treatment_options",
]

_TABLE = "options.yaml"

Category = Literal[
    "optimisation",
    "switch",
    "augmentation",
    "combination",
    "rapid_acting",
    "neuromodulation",
    "psychotherapy",
    "light_therapy",
    "referral",
    "bipolar",
    "psychotic_depression",
    "research",
]
CATEGORIES: tuple[str, ...] = get_args(Category)

EvidenceLine = Literal[
    "first",
    "second",
    "third",
    "first_choice",
    "recommended",
    "suggested",
    "option",
    "indicated",
    "investigational",
    "research_only",
    "not_recommended",
]

AgentFilter = Literal["table", "from_record", "different_class", "same_class"]


class AgentRow(TreatmentRow):
    """A drug an option starts, with an optional dose note (else the CANMAT range is used)."""

    drug: str
    dose_note: str | None = None


class EvidenceRow(TreatmentRow):
    """The line of treatment and evidence level one source gives the option."""

    source: str
    where: str | None = None
    line: EvidenceLine
    level: int | None = Field(default=None, ge=1, le=4)
    note: str | None = None


class Prerequisite(TreatmentRow):
    """A condition the option needs; when it fails the option is excluded with this id."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Condition
    reason: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence


class OptionDefinition(TreatmentRow):
    """One treatment option of the ladder."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    category: Category
    priority: int = Field(ge=0, le=100)
    keeps_current: bool
    agent_filter: AgentFilter = "table"
    indication: Condition | None = None
    prerequisites: tuple[Prerequisite, ...] = ()
    agents: tuple[AgentRow, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    summary: Cited
    evidence: tuple[EvidenceRow, ...] = Field(min_length=1)
    expected: str | None = None
    monitoring: tuple[Cited, ...] = ()
    cautions: tuple[Cited, ...] = ()

    def cited(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """``(label, sources)`` of every cited part, for validation."""
        yield f"{self.id} summary", self.summary.sources
        for ev in self.evidence:
            yield f"{self.id} evidence", (ev.source,)
        for pre in self.prerequisites:
            yield f"{self.id} {pre.id}", pre.sources
        for text in (*self.monitoring, *self.cautions):
            yield f"{self.id} note", text.sources


class OptionTable(TreatmentRow):
    """The options in table order, with the source labels for citations."""

    header: TableHeader
    source_labels: Mapping[str, str]
    options: Mapping[str, OptionDefinition]

    def cite(self, sources: tuple[str, ...], confidence: Confidence) -> str:
        """Short citation of ``sources``; uncertain ones are marked."""
        return cite(self.source_labels, sources, confidence)

    def label(self, source: str) -> str:
        """Display label of one source key, e.g. ``"CANMAT 2023"``."""
        return self.source_labels[source]


def _check(header: TableHeader, labels: Mapping[str, str], rows: list[OptionDefinition]) -> None:
    if len({r.id for r in rows}) != len(rows):
        raise KnowledgeError(f"{_TABLE}: duplicate option id")
    check_sources(_TABLE, header, labels, (c for r in rows for c in r.cited()))
    check_drug_ids(_TABLE, ((r.id, [a.drug for a in r.agents]) for r in rows))
    outcomes = load_expected_outcomes().outcomes
    for row in rows:
        if row.expected is not None and row.expected not in outcomes:
            raise KnowledgeError(f"{_TABLE}: {row.id} names unknown outcome {row.expected!r}")
        if row.agent_filter in ("different_class", "same_class") and not row.agents:
            raise KnowledgeError(f"{_TABLE}: {row.id} filters agents but lists none")


@cache
def load_treatment_options() -> OptionTable:
    """Load and validate ``options.yaml`` (once per process).

    Raises
    ------
    KnowledgeError
        If a row is invalid, an id repeats, or a row names an unknown source, drug or outcome.
    """
    header, body = read_yaml_table(_TABLE)
    rows = parse_rows(_TABLE, OptionDefinition, body.get("options"), "options")
    labels = body.get("source_labels") or {}
    _check(header, labels, rows)
    return OptionTable(header=header, source_labels=labels, options={r.id: r for r in rows})
