"""Row models of ``fhir_codes.yaml`` (the table and its loader are in ``fhir_codes.py``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from trdkit.record.vocab import (
    Adherence,
    Comorbidity,
    MedicalCondition,
    Procedure,
    Remission,
    Severity,
    Specifier,
)

__all__ = [
    "AnswerList",
    "AnswerOption",
    "ConditionRow",
    "ConditionStatus",
    "DoseText",
    "ExtraItem",
    "GeneRow",
    "Genomics",
    "ImportSettings",
    "IngredientRow",
    "LoincInstrument",
    "PhenotypeCode",
    "ProcedureText",
    "ProductRow",
    "SeverityCode",
    "SystemRow",
]

Status = Literal["V", "S", "U"]
Target = Literal[
    "depression", "bipolar", "schizophrenia", "comorbidity", "medical", "suicide_attempt"
]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Cited(_Row):
    sources: tuple[str, ...] = Field(min_length=1)
    status: Status


class SystemRow(_Cited):
    """A code system: trdkit's short id and its FHIR URI."""

    id: str
    uri: str


class AnswerOption(_Row):
    """One answer of an answer list, with its score."""

    code: str
    score: int
    display: str


class AnswerList(_Cited):
    """A LOINC answer list (LA codes and their scores)."""

    title: str
    answers: tuple[AnswerOption, ...]

    def by_code(self, code: str) -> AnswerOption | None:
        """Return the answer with LOINC answer code ``code``."""
        return next((a for a in self.answers if a.code == code), None)

    def by_text(self, text: str) -> AnswerOption | None:
        """Return the answer whose display text equals ``text`` (case, hyphens ignored)."""
        key = _text_key(text)
        return next((a for a in self.answers if _text_key(a.display) == key), None)

    def by_score(self, score: int) -> AnswerOption | None:
        """Return the answer scored ``score``."""
        return next((a for a in self.answers if a.score == score), None)


def _text_key(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


class ExtraItem(_Row):
    """An extra, unscored item (PHQ-9 difficulty, C-SSRS behaviour within 3 months)."""

    code: str
    answers: str
    status: Status


class LoincInstrument(_Cited):
    """LOINC codes of one instrument: panel, total (or risk level), items in order."""

    panel: str
    total: str | None
    risk: str | None = None
    items: tuple[str, ...]
    answers: str
    extra: dict[str, ExtraItem]
    keywords: tuple[str, ...]


class ConditionStatus(_Row):
    """Condition clinical and verification statuses, grouped by what the importer does."""

    active: tuple[str, ...]
    excluded_verification: tuple[str, ...]
    tentative_verification: tuple[str, ...]


class SeverityCode(_Cited):
    """A SNOMED CT condition-severity code."""

    severity: Severity
    code: str


class ConditionRow(_Cited):
    """A Condition code (exact or ICD-10-CM prefix) and the record field it sets."""

    system: Literal["icd10cm", "snomedct"]
    code: str | None = None
    prefix: str | None = None
    display: str
    target: Target
    value: str | None = None
    course: Literal["single", "recurrent"] | None = None
    severity: Severity | None = None
    remission: Remission | None = None
    psychotic: Literal["none", "mood_congruent", "mood_incongruent", "unspecified"] | None = None
    specifier: Specifier | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ConditionRow:
        if (self.code is None) == (self.prefix is None):
            raise ValueError(f"{self.display}: give exactly one of code or prefix")
        allowed = {"comorbidity": Comorbidity, "medical": MedicalCondition}.get(self.target)
        if allowed is not None and self.value not in {v.value for v in allowed}:
            raise ValueError(f"{self.display}: {self.value!r} is not a {self.target} value")
        return self

    def matches(self, system: str, code: str) -> bool:
        """Whether ``code`` of ``system`` is this row's code (or starts with its prefix)."""
        if system != self.system:
            return False
        if self.code is not None:
            return code.strip().upper() == self.code.upper()
        assert self.prefix is not None
        return _undotted(code).startswith(_undotted(self.prefix))


def _undotted(code: str) -> str:
    return code.strip().upper().replace(".", "")


class IngredientRow(_Cited):
    """An RxNorm ingredient RxCUI for a catalogue drug that ``drugs.yaml`` has no code for."""

    rxcui: str = Field(pattern=r"^\d+$")
    drug: str


class ProductRow(_Cited):
    """A product-level RxNorm code and the catalogue ingredient(s) it contains."""

    rxcui: str = Field(pattern=r"^\d+$")
    name: str
    drugs: tuple[str, ...] = Field(min_length=1)
    strength_mg: float | None = Field(default=None, gt=0)
    tty: str
    note: str | None = None


class DoseText(_Row):
    """Words of free-text dosage instructions."""

    mg_units: tuple[str, ...]
    product_units: tuple[str, ...]
    frequencies: dict[str, int]
    as_needed: tuple[str, ...]


class ProcedureText(_Row):
    """A procedure name fragment and the record procedure it means."""

    text: str
    procedure: Procedure


class GeneRow(_Cited):
    """A pharmacogene and its HGNC id."""

    gene: str
    hgnc: str


class PhenotypeCode(_Row):
    """A CPIC metabolizer phenotype and its LOINC answer code."""

    phenotype: str
    code: str


class Genomics(_Row):
    """Genomics Reporting IG codes."""

    genotype: str
    haplotype: str
    gene_studied: str
    medication_assessed: str
    evidence_level: str
    genomic_report: str
    therapeutic_implication: str
    sources: tuple[str, ...]
    genes: tuple[GeneRow, ...]
    phenotypes: tuple[PhenotypeCode, ...]

    def hgnc(self, gene: str) -> str | None:
        """Return the HGNC id of ``gene``, if listed."""
        return next((g.hgnc for g in self.genes if g.gene == gene), None)

    def gene_for(self, text: str) -> str | None:
        """Return the gene named by an HGNC id or symbol, if listed."""
        key = text.strip().upper()
        return next((g.gene for g in self.genes if key in (g.gene, g.hgnc.upper())), None)


class ImportSettings(_Row):
    """Judgement calls of the importer, configurable."""

    trial_merge_gap_days: int = Field(ge=0)
    adherence_codes: dict[str, Adherence]
    observation_status: tuple[str, ...]
    questionnaire_status: tuple[str, ...]
    medication_active: dict[str, tuple[str, ...]]
    medication_excluded: tuple[str, ...]
