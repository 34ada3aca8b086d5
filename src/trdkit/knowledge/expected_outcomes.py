"""Loader for ``expected_outcomes.yaml``: what a next step can be expected to achieve.

Each row is one cited statement (e.g. a trial's remission rate); ``stard_by_level`` gives the
STAR*D remission rate by treatment level, chosen by the patient's number of adequate failures.

References
----------
Rush AJ, Trivedi MH, Wisniewski SR, et al. Acute and longer-term outcomes in depressed
outpatients requiring one or several treatment steps: a STAR*D report. Am J Psychiatry.
2006;163(11):1905-1917.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from pydantic import Field, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.treatment_rows import (
    Confidence,
    TreatmentRow,
    check_sources,
    cite,
    parse_rows,
)

__all__ = ["ExpectedOutcome", "ExpectedOutcomeTable", "load_expected_outcomes"]

_TABLE = "expected_outcomes.yaml"


class ExpectedOutcome(TreatmentRow):
    """One outcome statement; with ``by_level`` its text takes ``{level}`` and ``{value}``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=1)
    by_level: dict[int, float] | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence

    @model_validator(mode="after")
    def _levels(self) -> ExpectedOutcome:
        if self.by_level is not None and (
            not self.by_level or "{level}" not in self.text or "{value}" not in self.text
        ):
            raise ValueError("by_level needs levels and a text with {level} and {value}")
        return self

    def statement(self, level: int) -> str:
        """The text for a patient at treatment ``level`` (1-based; clipped to the table)."""
        if self.by_level is None:
            return self.text
        levels = sorted(self.by_level)
        chosen = min(max(level, levels[0]), levels[-1])
        return self.text.format(level=chosen, value=f"{self.by_level[chosen]:g}")


class ExpectedOutcomeTable(TreatmentRow):
    """The outcome statements by id."""

    header: TableHeader
    source_labels: Mapping[str, str]
    outcomes: Mapping[str, ExpectedOutcome]

    def describe(self, outcome_id: str, level: int) -> str:
        """``statement`` followed by its citation, e.g. ``"... (STAR*D (Rush 2006))"``."""
        row = self.outcomes[outcome_id]
        return f"{row.statement(level)} ({cite(self.source_labels, row.sources, row.confidence)})"


@cache
def load_expected_outcomes() -> ExpectedOutcomeTable:
    """Load and validate ``expected_outcomes.yaml`` (once per process).

    Raises
    ------
    KnowledgeError
        If a row is invalid, an id repeats, or a row cites a source the header does not list.
    """
    header, body = read_yaml_table(_TABLE)
    rows = parse_rows(_TABLE, ExpectedOutcome, body.get("outcomes"), "outcomes")
    labels = body.get("source_labels") or {}
    check_sources(_TABLE, header, labels, ((r.id, r.sources) for r in rows))
    if len({r.id for r in rows}) != len(rows):
        raise KnowledgeError(f"{_TABLE}: duplicate outcome id")
    return ExpectedOutcomeTable(
        header=header, source_labels=labels, outcomes={r.id: r for r in rows}
    )
