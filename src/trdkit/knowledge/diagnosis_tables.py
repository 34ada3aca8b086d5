"""Loaders for the DSM-5-TR diagnosis tables under ``knowledge/diagnosis/``.

One cached loader per table: ``mdd_codes.csv``, ``related_codes.yaml``, ``specifiers.yaml`` and
``severity.yaml``; the two ICD tables load from :mod:`trdkit.knowledge.diagnosis_icd_tables`.
Each loader validates its rows with pydantic and checks what a row alone cannot: that every
cited source key is in the header and that a code table is complete (a missing cell would
otherwise surface only when a patient happens to need it).

References
----------
American Psychiatric Association. DSM-5-TR. Washington, DC: APA Publishing; 2022.
Hasin DS, et al. Epidemiology of adult DSM-5 major depressive disorder and its specifiers in
the United States. JAMA Psychiatry. 2018;75(4):336-346.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import cache
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_csv_table, read_yaml_table

__all__ = [
    "ChartCodeGroup",
    "Course",
    "MddCodeRow",
    "MddCodeTable",
    "MddStatus",
    "RelatedCode",
    "RelatedCodeTable",
    "SeverityName",
    "SeverityTable",
    "SpecifierSpec",
    "SpecifierTable",
    "SymptomName",
    "Trigger",
    "load_mdd_codes",
    "load_related_codes",
    "load_severity",
    "load_specifiers",
]

Course = Literal["single", "recurrent"]
MddStatus = Literal[
    "mild", "moderate", "severe", "psychotic", "partial_remission", "full_remission", "unspecified"
]
SeverityName = Literal["mild", "moderate", "severe"]
SymptomName = Literal[
    "depressed_mood",
    "anhedonia",
    "appetite_or_weight_change",
    "sleep_disturbance",
    "psychomotor_change",
    "fatigue",
    "worthlessness_or_guilt",
    "poor_concentration",
    "suicidal_thoughts",
    "hopelessness",
]
_COURSES: tuple[Course, ...] = ("single", "recurrent")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_sources(
    table: str, header: TableHeader, cited: Iterable[tuple[str, Iterable[str]]]
) -> None:
    keys = header.source_keys()
    for what, sources in cited:
        unknown = set(sources) - keys
        if unknown:
            raise KnowledgeError(f"{table}: {what} cites unknown sources {sorted(unknown)}")


def _check_complete(
    table: str, have: AbstractSet[tuple[str, str]], statuses: Iterable[str]
) -> None:
    missing = {(c, s) for c in _COURSES for s in statuses} - have
    if missing:
        raise KnowledgeError(f"{table}: missing rows {sorted(missing)}")


# --- mdd_codes.csv -----------------------------------------------------------------------------


class MddCodeRow(_Row):
    """One DSM-5-TR coding cell of major depressive disorder."""

    course: Course
    status: MddStatus
    dsm5_icd9cm: str = Field(pattern=r"^296\.[23][0-6]$")
    icd10cm: str = Field(pattern=r"^F3[23]\.[0-9A-Z]{1,2}$")
    label: str
    icd10cm_status: Literal["V", "S", "U"]
    sources: tuple[str, ...]

    @field_validator("sources", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return tuple(value.split(";")) if isinstance(value, str) else value


class MddCodeTable(_Row):
    """The DSM-5-TR MDD code table."""

    header: TableHeader
    rows: tuple[MddCodeRow, ...]

    def get(self, course: Course, status: MddStatus) -> MddCodeRow:
        """Return the row for ``course`` and ``status``."""
        return next(r for r in self.rows if r.course == course and r.status == status)


@cache
def load_mdd_codes() -> MddCodeTable:
    """Load and validate ``diagnosis/mdd_codes.csv`` (every course x status cell present)."""
    path = "diagnosis/mdd_codes.csv"
    header, raw = read_csv_table(path)
    rows = tuple(MddCodeRow.model_validate(r) for r in raw)
    _check_sources(path, header, ((f"{r.course}/{r.status}", r.sources) for r in rows))
    _check_complete(path, {(r.course, r.status) for r in rows}, get_args(MddStatus))
    return MddCodeTable(header=header, rows=rows)


# --- related_codes.yaml ------------------------------------------------------------------------

Trigger = Literal[
    "catatonia", "suicidal_thoughts", "suicide_attempt_history", "chronic_depressed_mood"
]


class PddDuration(_Row):
    """Minimum years of depressed mood for persistent depressive disorder."""

    adult: float = Field(gt=0)
    under_18: float = Field(gt=0)


class RelatedCode(_Row):
    """An ICD-10-CM code used beside an MDD code."""

    code: str
    title: str
    display: str
    dsm_use: str
    trigger: Trigger | None
    duration_years: PddDuration | None = None
    status: Literal["V", "S", "U"]
    sources: tuple[str, ...]


class ChartCodeGroup(_Row):
    """Chart-code prefixes that inform (never decide) a criterion."""

    id: str
    informs: Literal["criterion_d", "criterion_e", "course"]
    display: str
    systems: tuple[str, ...]
    prefixes: tuple[str, ...]
    sources: tuple[str, ...]

    def matches(self, system: str, code: str) -> bool:
        """Return whether a chart code of ``system`` falls in this group."""
        return system in self.systems and code.upper().startswith(self.prefixes)


class RelatedCodeTable(_Row):
    """Related codes and chart-code groups."""

    header: TableHeader
    codes: tuple[RelatedCode, ...]
    do_not_emit: tuple[str, ...]
    chart_code_groups: tuple[ChartCodeGroup, ...]

    def by_trigger(self, trigger: Trigger) -> RelatedCode:
        """Return the code added when ``trigger`` holds."""
        return next(c for c in self.codes if c.trigger == trigger)

    def group(self, group_id: str) -> ChartCodeGroup:
        """Return the chart-code group ``group_id``."""
        return next(g for g in self.chart_code_groups if g.id == group_id)


@cache
def load_related_codes() -> RelatedCodeTable:
    """Load and validate ``diagnosis/related_codes.yaml`` (one code per trigger)."""
    path = "diagnosis/related_codes.yaml"
    header, body = read_yaml_table(path)
    table = RelatedCodeTable.model_validate({"header": header, **body})
    _check_sources(path, header, ((c.code, c.sources) for c in table.codes))
    _check_sources(path, header, ((g.id, g.sources) for g in table.chart_code_groups))
    for trigger in get_args(Trigger):
        if sum(c.trigger == trigger for c in table.codes) != 1:
            raise KnowledgeError(f"{path}: trigger {trigger!r} needs exactly one code")
    if table.by_trigger("chronic_depressed_mood").duration_years is None:
        raise KnowledgeError(
            f"{path}: the persistent depressive disorder code needs duration_years"
        )
    for group_id in ("schizophrenia_spectrum", "bipolar", "recurrent_depression"):
        if not any(g.id == group_id for g in table.chart_code_groups):
            raise KnowledgeError(f"{path}: chart code group {group_id!r} missing")
    return table


# --- specifiers.yaml ---------------------------------------------------------------------------


class SpecifierSpec(_Row):
    """One DSM-5-TR specifier; the table order is the recording order."""

    id: str
    display: str
    display_by_type: dict[str, str] = Field(default_factory=dict)
    applies_to: tuple[Course, ...] = Field(min_length=1)
    coding: Literal["none", "status_code", "additional_code"]
    additional_code: str | None = None
    record_field: Literal["specifiers", "psychotic_features", "catatonia"]
    excluded_by: tuple[str, ...] = ()


class SpecifierTable(_Row):
    """DSM-5-TR specifiers in recording order."""

    header: TableHeader
    specifiers: tuple[SpecifierSpec, ...]

    def get(self, specifier_id: str) -> SpecifierSpec:
        """Return the specifier ``specifier_id``."""
        return next(s for s in self.specifiers if s.id == specifier_id)


@cache
def load_specifiers() -> SpecifierTable:
    """Load and validate ``diagnosis/specifiers.yaml``."""
    path = "diagnosis/specifiers.yaml"
    header, body = read_yaml_table(path)
    table = SpecifierTable.model_validate({"header": header, **body})
    ids = [s.id for s in table.specifiers]
    if len(set(ids)) != len(ids):
        raise KnowledgeError(f"{path}: duplicate specifier ids")
    for spec in table.specifiers:
        if set(spec.excluded_by) - set(ids):
            raise KnowledgeError(f"{path}: {spec.id} is excluded by unknown specifiers")
    return table


# --- severity.yaml -----------------------------------------------------------------------------


class SeverityBand(_Row):
    """A symptom-count band."""

    severity: SeverityName
    min_count: int = Field(ge=0, le=9)
    max_count: int = Field(ge=0, le=9)


class SeverityTable(_Row):
    """The labelled symptom-count operationalisation of MDE severity."""

    header: TableHeader
    id: str
    label: str
    source: str
    bands: tuple[SeverityBand, ...]

    def band_for(self, count: int) -> SeverityName | None:
        """Return the severity band holding ``count`` (``None`` below the lowest band)."""
        return next((b.severity for b in self.bands if b.min_count <= count <= b.max_count), None)


@cache
def load_severity() -> SeverityTable:
    """Load and validate ``diagnosis/severity.yaml`` (bands contiguous, ending at 9)."""
    path = "diagnosis/severity.yaml"
    header, body = read_yaml_table(path)
    op = body["operationalisation"]
    table = SeverityTable.model_validate(
        {"header": header, **{k: op[k] for k in ("id", "label", "source", "bands")}}
    )
    _check_sources(path, header, [("operationalisation", [table.source])])
    for low, high in zip(table.bands, table.bands[1:], strict=False):
        if high.min_count != low.max_count + 1:
            raise KnowledgeError(f"{path}: bands {low.severity} and {high.severity} not contiguous")
    if table.bands[-1].max_count != 9:
        raise KnowledgeError(f"{path}: the last band must end at 9 symptoms")
    return table
