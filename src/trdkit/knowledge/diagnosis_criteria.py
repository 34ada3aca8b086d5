"""Loader for ``diagnosis/dsm5_criteria.yaml``: the countable parts of the DSM-5-TR criteria.

References
----------
American Psychiatric Association. Diagnostic and Statistical Manual of Mental Disorders, Fifth
Edition, Text Revision (DSM-5-TR). Washington, DC: APA Publishing; 2022.
SAMHSA. Impact of the DSM-IV to DSM-5 Changes on the NSDUH. 2016; Table 3.13 (NBK519704).
"""

from __future__ import annotations

from functools import cache

from pydantic import Field

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.diagnosis_tables import SymptomName, _Row

__all__ = ["CriterionA", "CriterionASymptom", "Dsm5Criteria", "load_dsm5_criteria"]


class CriterionASymptom(_Row):
    """One criterion A symptom and the record field it is read from."""

    id: str = Field(pattern=r"^A[1-9]$")
    record_symptom: SymptomName
    core: bool
    label: str


class CriterionA(_Row):
    """Criterion A: how many symptoms, how many core, in which window."""

    symptoms: tuple[CriterionASymptom, ...] = Field(min_length=9, max_length=9)
    min_present: int = Field(ge=1, le=9)
    min_core: int = Field(ge=1, le=2)
    window_weeks: int = Field(ge=1)

    def core_symptoms(self) -> tuple[CriterionASymptom, ...]:
        """Return the core symptoms (A1, A2)."""
        return tuple(s for s in self.symptoms if s.core)


class CourseRule(_Row):
    """Interval that separates two episodes."""

    min_gap_months: int = Field(ge=1)
    days_per_month: float = Field(gt=27, lt=32)


class YouthRule(_Row):
    """Adjustments for children and adolescents."""

    under_age: int = Field(ge=1)
    irritable_mood_counts_for: str


class Dsm5Criteria(_Row):
    """The DSM-5-TR criteria table."""

    header: TableHeader
    criterion_a: CriterionA
    course: CourseRule
    youth: YouthRule


@cache
def load_dsm5_criteria() -> Dsm5Criteria:
    """Load and validate ``diagnosis/dsm5_criteria.yaml``.

    Returns
    -------
    Dsm5Criteria
        Criterion A symptoms in DSM order (A1-A9), the recurrence interval, youth rules.
    """
    path = "diagnosis/dsm5_criteria.yaml"
    header, body = read_yaml_table(path)
    table = Dsm5Criteria.model_validate({"header": header, **body})
    ids = [s.id for s in table.criterion_a.symptoms]
    if ids != [f"A{n}" for n in range(1, 10)]:
        raise KnowledgeError(f"{path}: criterion A symptoms must be A1-A9 in order")
    if "hopelessness" in {s.record_symptom for s in table.criterion_a.symptoms}:
        raise KnowledgeError(f"{path}: hopelessness is an ICD-11 symptom, not a DSM one")
    return table
