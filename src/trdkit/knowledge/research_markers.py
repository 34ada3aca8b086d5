"""Loader for ``research_markers.yaml``: the graded research-tier markers.

Per marker: the record input, the allele orientation of its SNPs, an evidence grade E0-E8, the
studies behind it and what is not yet verified. Loading fails (``KnowledgeError``) on unknown
source keys, repeated ids, an rsid without an orientation entry, or a ``verified`` flag that
contradicts the listed unverified details. Nothing here is clinically actionable: rules that
rank treatments must not read this table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table

__all__ = [
    "Correction",
    "CrpCategory",
    "EvidenceGrade",
    "Finding",
    "GradeMeaning",
    "InputKind",
    "MarkerDefinition",
    "MarkerInput",
    "ResearchMarkerTable",
    "ResearchSettings",
    "Variant",
    "load_research_markers",
]

_TABLE = "research_markers.yaml"
_BASES = frozenset("ACGT")


class EvidenceGrade(StrEnum):
    """Evidence grades, E0 (weakest) to E8; none means clinically actionable."""

    E0 = "E0"
    E1 = "E1"
    E2 = "E2"
    E3 = "E3"
    E4 = "E4"
    E5 = "E5"
    E6 = "E6"
    E7 = "E7"
    E8 = "E8"


class InputKind(StrEnum):
    """Which part of the record a marker reads."""

    GENOTYPE = "genotype"
    GENOTYPE_COMBINATION = "genotype_combination"
    HTTLPR = "httlpr"
    BIOMARKER = "biomarker"
    MIRNA = "mirna"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MarkerInput(_Row):
    """The record input of a marker: rsids, a ``biomarkers`` field or miRNA names."""

    kind: InputKind
    rsids: tuple[str, ...] = ()
    field: str | None = Field(default=None, description="Attribute of record.biomarkers.")
    unit: str | None = None
    label: str | None = Field(default=None, description="Display name of a laboratory value.")
    names: tuple[str, ...] = Field(default=(), description="miRNA names as labs write them.")
    categories: Literal["crp"] | None = None  # settings' category set for this value

    @model_validator(mode="after")
    def _complete(self) -> MarkerInput:
        needs: dict[InputKind, bool] = {
            InputKind.GENOTYPE: len(self.rsids) == 1,
            InputKind.GENOTYPE_COMBINATION: len(self.rsids) >= 2,
            InputKind.HTTLPR: not self.rsids,
            InputKind.BIOMARKER: bool(self.field and self.unit and self.label),
            InputKind.MIRNA: bool(self.names),
        }
        if not needs[self.kind]:
            raise ValueError(f"input of kind {self.kind.value!r} is incomplete")
        return self


class Variant(_Row):
    """How a recorded GRCh38 forward-strand genotype of one SNP is read."""

    gene: str
    position: str | None = None
    forward_alleles: tuple[str, str] | None = Field(
        default=None, description="Reference and alternative allele, GRCh38 forward strand."
    )
    gene_strand: Literal["plus", "minus"] | None = None
    names: dict[str, str] = Field(default_factory=dict, description="Forward allele -> name.")
    verified: bool
    sources: tuple[str, ...] = Field(min_length=1)
    note: str

    @model_validator(mode="after")
    def _consistent(self) -> Variant:
        if self.forward_alleles is None:
            if self.verified or self.names:
                raise ValueError("a variant without forward alleles cannot be verified or named")
            return self
        if not set(self.forward_alleles) <= _BASES or len(set(self.forward_alleles)) != 2:
            raise ValueError(f"forward alleles must be two bases, got {self.forward_alleles}")
        if not set(self.names) <= set(self.forward_alleles):
            raise ValueError("allele names must name forward-strand alleles")
        return self


class Finding(_Row):
    """One line of evidence: a study or a group of studies the notes grade together."""

    context: str
    design: str
    population: str
    n: int | None = Field(default=None, ge=1)
    year: int = Field(ge=1990, le=2100)
    finding: str
    replication: str | None = None
    grade: EvidenceGrade | None = Field(description="None for guideline consensus.")
    grade_label: str = Field(description="The grade as the notes write it, ranges included.")
    sources: tuple[str, ...] = Field(min_length=1)


class MarkerDefinition(_Row):
    """One research-tier marker."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable id; never reused.")
    title: str
    gene: str
    input: MarkerInput
    grade: EvidenceGrade
    grade_label: str
    grade_reason: str
    summary: str = Field(min_length=20)
    findings: tuple[Finding, ...] = Field(min_length=1)
    cautions: tuple[str, ...] = ()
    caution_sources: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()
    verified: bool

    @model_validator(mode="after")
    def _grade_and_verified(self) -> MarkerDefinition:
        if self.grade not in {f.grade for f in self.findings}:
            raise ValueError(f"{self.id}: headline grade {self.grade} matches no finding")
        if self.verified == bool(self.unverified):
            raise ValueError(f"{self.id}: verified must be false exactly when details are listed")
        return self

    @property
    def sources(self) -> tuple[str, ...]:
        """Source keys cited by the findings and cautions, in first-cited order."""
        keys = [k for f in self.findings for k in f.sources] + list(self.caution_sources)
        return tuple(dict.fromkeys(keys))


class Correction(_Row):
    """A claim often repeated in reviews, and what the checked sources say instead."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    claim: str
    correction: str
    sources: tuple[str, ...] = Field(min_length=1)
    verified: bool


class GradeMeaning(_Row):
    """What an evidence grade means and its wording template."""

    meaning: str
    template: str


class CrpCategory(_Row):
    """One cardiovascular hs-CRP category (upper bound ``None`` = open-ended)."""

    label: str
    upper: float | None = Field(default=None, gt=0)
    upper_inclusive: bool
    text: str


class ResearchSettings(_Row):
    """Display texts, review dates and the hs-CRP categories."""

    banner: str
    closing: str
    reviewed_on: dt.date
    review_due: dt.date
    crp_categories: tuple[CrpCategory, ...] = Field(min_length=1)
    crp_acute_above_mg_per_l: float = Field(gt=0)
    crp_category_source: str
    crp_category_label: str

    @model_validator(mode="after")
    def _ordered(self) -> ResearchSettings:
        uppers = [c.upper for c in self.crp_categories]
        if uppers[-1] is not None or None in uppers[:-1]:
            raise ValueError("only the last CRP category may be open-ended")
        bounded = [u for u in uppers if u is not None]
        if bounded != sorted(bounded):
            raise ValueError("CRP categories must be in ascending order")
        if self.review_due <= self.reviewed_on:
            raise ValueError("review_due must follow reviewed_on")
        return self


class ResearchMarkerTable(BaseModel):
    """The research-marker table: markers in display order, variants, grades, corrections."""

    model_config = ConfigDict(frozen=True)

    header: TableHeader
    settings: ResearchSettings
    grades: Mapping[EvidenceGrade, GradeMeaning]
    variants: Mapping[str, Variant]
    markers: tuple[MarkerDefinition, ...]
    corrections: tuple[Correction, ...]

    def marker(self, marker_id: str) -> MarkerDefinition:
        """Return the marker with ``marker_id`` (``KeyError`` when unknown)."""
        for m in self.markers:
            if m.id == marker_id:
                return m
        raise KeyError(marker_id)

    def citation(self, key: str) -> str:
        """Return the full citation of source ``key``."""
        return next(s.citation for s in self.header.sources if s.key == key)

    def citations(self, keys: Iterable[str]) -> list[str]:
        """Return the full citations of ``keys``, once each, in order."""
        return [self.citation(k) for k in dict.fromkeys(keys)]


def _check_sources(header: TableHeader, where: str, keys: Iterable[str]) -> None:
    if missing := set(keys) - header.source_keys():
        raise KnowledgeError(f"{_TABLE}: {where} cites unknown sources {sorted(missing)}")


def _build(header: TableHeader, body: dict[str, object]) -> ResearchMarkerTable:
    table = ResearchMarkerTable.model_validate({"header": header, **body})
    if set(table.grades) != set(EvidenceGrade):
        raise KnowledgeError(f"{_TABLE}: the grades block must define E0 to E8")
    ids = [m.id for m in table.markers]
    if len(set(ids)) != len(ids):
        raise KnowledgeError(f"{_TABLE}: duplicate marker id")
    _check_sources(header, "settings", [table.settings.crp_category_source])
    for rsid, variant in table.variants.items():
        _check_sources(header, f"variant {rsid}", variant.sources)
    for marker in table.markers:
        _check_sources(header, f"marker {marker.id}", marker.sources)
        for rsid in marker.input.rsids:
            read_as = table.variants.get(rsid)
            if read_as is None:
                raise KnowledgeError(f"{_TABLE}: {marker.id} reads {rsid} without a variant entry")
            if marker.verified and not read_as.verified:
                raise KnowledgeError(f"{_TABLE}: {marker.id} reads unverified variant {rsid}")
    for correction in table.corrections:
        _check_sources(header, f"correction {correction.id}", correction.sources)
    return table


@cache
def load_research_markers() -> ResearchMarkerTable:
    """Load and validate ``research_markers.yaml``.

    Returns
    -------
    ResearchMarkerTable
        Markers in display order, with variants, grade meanings and corrections.

    Raises
    ------
    KnowledgeError
        When the table is malformed or cites an unknown source.

    References
    ----------
    trdkit research notes on research-tier biomarkers (2026-11-28); PyPGx 0.27.0 allele table
    for GRCh38 forward-strand alleles. Full citations are in the table header.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        return _build(header, body)
    except ValidationError as exc:
        raise KnowledgeError(f"{_TABLE}: {exc}") from exc
