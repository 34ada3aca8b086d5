"""Loaders for the ICD diagnosis tables: ``diagnosis/icd10_who.yaml`` and ``diagnosis/icd11.yaml``.

Split from :mod:`trdkit.knowledge.diagnosis_tables` (which re-exports these loaders) to keep each
module small. Each loader is cached and checks that its code table is complete.

References
----------
World Health Organization. The ICD-10 Classification of Mental and Behavioural Disorders:
Diagnostic Criteria for Research. Geneva: WHO; 1993.
World Health Organization. ICD-11 for Mortality and Morbidity Statistics, 6A70/6A71.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.diagnosis_tables import (
    Course,
    SeverityName,
    SymptomName,
    _check_complete,
    _Row,
)

__all__ = [
    "Icd10Code",
    "Icd10Item",
    "Icd10SeverityRule",
    "Icd10Table",
    "Icd11Code",
    "Icd11EpisodeRule",
    "Icd11Symptom",
    "Icd11Table",
    "load_icd10_who",
    "load_icd11",
]


# --- icd10_who.yaml ----------------------------------------------------------------------------


class Icd10Item(_Row):
    """A DCR-10 symptom item and the record symptom it is read from."""

    id: str = Field(pattern=r"^[BC][1-7]$")
    group: Literal["B", "C"]
    label: str
    record_symptom: SymptomName


class Icd10SeverityRule(_Row):
    """A DCR-10 count rule: at least ``min_b`` typical and ``min_total`` symptoms in all."""

    severity: SeverityName
    min_b: int = Field(ge=0, le=3)
    min_total: int = Field(ge=0, le=10)


class Icd10Code(_Row):
    """A WHO ICD-10 F32/F33 code."""

    course: Course
    status: Literal["mild", "moderate", "severe", "psychotic", "remission", "unspecified"]
    code: str
    title: str


class Icd10Table(_Row):
    """DCR-10 depressive-episode items, count rules and codes."""

    header: TableHeader
    items: tuple[Icd10Item, ...]
    record_symptom_weight: dict[SymptomName, int]
    severity_rules: tuple[Icd10SeverityRule, ...]
    codes: tuple[Icd10Code, ...]

    def code_for(self, course: Course, status: str) -> Icd10Code | None:
        """Return the code for ``course`` and ``status`` (``None`` when ICD-10 has none)."""
        return next((c for c in self.codes if c.course == course and c.status == status), None)


@cache
def load_icd10_who() -> Icd10Table:
    """Load and validate ``diagnosis/icd10_who.yaml``."""
    path = "diagnosis/icd10_who.yaml"
    header, body = read_yaml_table(path)
    table = Icd10Table.model_validate({"header": header, **body})
    if sorted(i.id for i in table.items) != [
        *(f"B{n}" for n in (1, 2, 3)),
        *(f"C{n}" for n in range(1, 8)),
    ]:
        raise KnowledgeError(f"{path}: items must be B1-B3 and C1-C7")
    have = {(c.course, c.status) for c in table.codes}
    _check_complete(path, have, ("mild", "moderate", "severe", "psychotic", "unspecified"))
    if ("recurrent", "remission") not in have:
        raise KnowledgeError(f"{path}: F33.4 (recurrent, remission) missing")
    return table


# --- icd11.yaml --------------------------------------------------------------------------------


class Icd11Symptom(_Row):
    """One of the ten ICD-11 depressive symptoms."""

    id: str
    cluster: Literal["affective", "cognitive_behavioural", "neurovegetative"]
    record_symptom: SymptomName


class Icd11EpisodeRule(_Row):
    """How many symptoms a depressive episode needs."""

    min_symptoms: int = Field(ge=1, le=10)
    min_affective: int = Field(ge=1, le=2)
    min_duration_weeks: int = Field(ge=1)


class Icd11Code(_Row):
    """A 6A70/6A71 code."""

    course: Course
    status: str
    code: str = Field(pattern=r"^6A7[01]\.[0-9YZ]$")
    title: str
    confidence: Literal["V", "S", "U"]


class Icd11Table(_Row):
    """ICD-11 depressive-episode rules and the 6A70/6A71 code table."""

    header: TableHeader
    symptoms: tuple[Icd11Symptom, ...] = Field(min_length=10, max_length=10)
    episode_rule: Icd11EpisodeRule
    psychotic_allowed_with: tuple[SeverityName, ...]
    psychotic_minimum_severity: SeverityName
    severity_policy: Literal["clinician_rating_else_unspecified"]
    codes: tuple[Icd11Code, ...]

    def code_for(self, course: Course, status: str) -> Icd11Code:
        """Return the code for ``course`` and ``status``."""
        return next(c for c in self.codes if c.course == course and c.status == status)


@cache
def load_icd11() -> Icd11Table:
    """Load and validate ``diagnosis/icd11.yaml``."""
    path = "diagnosis/icd11.yaml"
    header, body = read_yaml_table(path)
    table = Icd11Table.model_validate({"header": header, **body})
    statuses = (
        "mild", "moderate", "moderate_psychotic", "severe", "severe_psychotic", "unspecified",
        "partial_remission", "full_remission",
    )  # fmt: skip
    _check_complete(path, {(c.course, c.status) for c in table.codes}, statuses)
    if len({s.record_symptom for s in table.symptoms}) != 10:
        raise KnowledgeError(f"{path}: each record symptom must map to one ICD-11 symptom")
    return table
