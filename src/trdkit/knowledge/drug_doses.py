"""Loader for ``drug_doses.yaml``: what makes a trial adequate in dose or course length.

The table gives, per catalogue drug, the minimum adequate dose under each dose table a TRD policy
can name (``atrq``, ``canmat_low``, ``athf_l3``), add-on doses for augmenting agents, the shortest
adequate ECT and rTMS/iTBS courses, and the general trial thresholds. Loading fails
(``KnowledgeError``) when a drug id is not in the drug catalogue, a row repeats or cites a source
the header does not list, or a value's dose table is not among the row's sources: a minimum that
cannot name its source must not decide whether a trial counts.

References
----------
Chandler GM, et al. Validation of the MGH ATRQ. CNS Neurosci Ther. 2010;16:322-325.
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69:641-687 (Tables 3.3, 7.2).
Sackeim HA. The definition and meaning of TRD. J Clin Psychiatry. 2001;62 Suppl 16:10-17.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.drugs import load_drug_catalogue

__all__ = [
    "AntidepressantDose",
    "AugmentationDose",
    "Confidence",
    "DoseTableId",
    "DoseTableInfo",
    "DrugDoseTable",
    "MinimumDose",
    "NeuromodulationProcedure",
    "ProcedureCourse",
    "Threshold",
    "load_drug_doses",
]

_TABLE = "drug_doses.yaml"

DoseTableId = Literal["atrq", "canmat_low", "athf_l3"]
Confidence = Literal["V", "K", "U"]
"""V checked against the source, K known but not re-checked, U uncertain (a setting to confirm)."""
NeuromodulationProcedure = Literal["ect", "rtms", "itbs", "vns", "dbs"]
_DOSE_TABLES: tuple[DoseTableId, ...] = ("atrq", "canmat_low", "athf_l3")
_REQUIRED_THRESHOLDS = ("early_stop_weeks", "adult_age_years")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DoseTableInfo(_Row):
    """How one dose table is named and cited, and where to look when it lacks a drug."""

    label: str
    source: str
    confidence: Confidence
    fallback: tuple[DoseTableId, ...] = ()


class Threshold(_Row):
    """A single cited number (e.g. the early-stop week)."""

    value: float
    label: str
    source: str
    confidence: Confidence
    note: str | None = None


class AntidepressantDose(_Row):
    """Minimum adequate doses of one antidepressant (mg/day) by dose table."""

    drug: str
    atrq: float | None = Field(default=None, gt=0)
    canmat_range: tuple[float, float] | None = None
    athf_l3: float | None = Field(default=None, gt=0)
    fluoxetine40_eq: float | None = Field(default=None, gt=0)
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: dict[DoseTableId, Confidence] = Field(default_factory=dict)
    note: str | None = None

    @model_validator(mode="after")
    def _range_ordered(self) -> AntidepressantDose:
        if self.canmat_range is not None and not 0 < self.canmat_range[0] <= self.canmat_range[1]:
            raise ValueError(f"canmat_range {self.canmat_range} is not an ordered positive range")
        return self

    def value(self, table: DoseTableId) -> float | None:
        """Return the minimum under ``table`` alone (no fallback), or ``None``."""
        if table == "canmat_low":
            return None if self.canmat_range is None else self.canmat_range[0]
        return self.atrq if table == "atrq" else self.athf_l3


class AugmentationDose(_Row):
    """The lowest adequate add-on dose of an augmenting or combination agent."""

    drug: str
    min_mg_per_day: float | None = Field(default=None, gt=0)
    range_mg_per_day: tuple[float, float] | None = None
    min_serum_mmol_per_l: float | None = Field(default=None, gt=0)
    source: str
    confidence: Confidence
    dose_confidence: Confidence | None = Field(
        default=None, description="Confidence of min_mg_per_day when it differs (lithium)."
    )
    note: str | None = None


class ProcedureCourse(_Row):
    """The shortest adequate course of a neuromodulation procedure; ``None`` when unsourced."""

    procedure: NeuromodulationProcedure
    min_sessions: int | None = Field(default=None, ge=1)
    source: str
    confidence: Confidence
    note: str | None = None


class MinimumDose(_Row):
    """A resolved minimum dose: the value, the table it came from and how it is cited."""

    mg_per_day: float
    table: DoseTableId
    label: str
    confidence: Confidence
    fallback_from: DoseTableId | None = Field(
        default=None, description="The policy's table, when it had no value and another was used."
    )

    def cite(self) -> str:
        """Short citation for reasons, e.g. ``"MGH-ATRQ [U]"``."""
        via = f"; no {self.fallback_from} value, fallback" if self.fallback_from else ""
        return f"{self.label} [{self.confidence}]{via}"


class DrugDoseTable(_Row):
    """The validated table with lookups by drug, procedure and threshold name."""

    header: TableHeader
    source_labels: Mapping[str, str]
    dose_tables: Mapping[DoseTableId, DoseTableInfo]
    thresholds: Mapping[str, Threshold]
    antidepressants: Mapping[str, AntidepressantDose]
    augmentation: Mapping[str, AugmentationDose]
    procedures: Mapping[str, ProcedureCourse]

    def minimum_dose(self, drug: str, table: DoseTableId) -> MinimumDose | None:
        """Minimum adequate monotherapy dose of ``drug`` under ``table``, following fallbacks.

        Parameters
        ----------
        drug
            Catalogue drug id.
        table
            The policy's dose table.

        Returns
        -------
        MinimumDose or None
            ``None`` when the drug has no row or no table gives a value.
        """
        row = self.antidepressants.get(drug)
        if row is None:
            return None
        for candidate in (table, *self.dose_tables[table].fallback):
            value = row.value(candidate)
            if value is not None:
                info = self.dose_tables[candidate]
                return MinimumDose(
                    mg_per_day=value,
                    table=candidate,
                    label=info.label,
                    confidence=row.confidence.get(candidate, info.confidence),
                    fallback_from=None if candidate == table else table,
                )
        return None

    def label(self, source: str) -> str:
        """Short label of a source key for reasons, e.g. ``"CANMAT 2023"``."""
        return self.source_labels[source]

    def threshold(self, name: str) -> Threshold:
        """Return the named threshold (``early_stop_weeks``, ``adult_age_years``)."""
        return self.thresholds[name]


def _check_sources(header: TableHeader, table: DrugDoseTable) -> None:
    keys = header.source_keys()
    cited: list[tuple[str, set[str]]] = [
        *((f"dose table {k}", {v.source}) for k, v in table.dose_tables.items()),
        *((f"threshold {k}", {v.source}) for k, v in table.thresholds.items()),
        *((f"antidepressant {k}", set(v.sources)) for k, v in table.antidepressants.items()),
        *((f"augmentation {k}", {v.source}) for k, v in table.augmentation.items()),
        *((f"procedure {k}", {v.source}) for k, v in table.procedures.items()),
    ]
    for label, used in cited:
        if unknown := sorted(used - keys):
            raise KnowledgeError(f"{_TABLE}: {label} cites unknown sources {unknown}")
    if unknown := sorted(set(table.source_labels) - keys):
        raise KnowledgeError(f"{_TABLE}: source_labels names unknown sources {unknown}")
    row_sources = {r.source for r in table.augmentation.values()}
    row_sources |= {r.source for r in table.procedures.values()}
    if unlabelled := sorted(row_sources - set(table.source_labels)):
        raise KnowledgeError(f"{_TABLE}: sources {unlabelled} need an entry in source_labels")
    for drug, row in table.antidepressants.items():
        for tid in _DOSE_TABLES:
            src = table.dose_tables[tid].source
            if row.value(tid) is not None and src not in row.sources:
                raise KnowledgeError(f"{_TABLE}: {drug} gives a {tid} value without citing {src}")


def _check_drugs(table: DrugDoseTable) -> None:
    catalogue = load_drug_catalogue()
    for drug in (*table.antidepressants, *table.augmentation):
        if drug not in catalogue.drugs:
            raise KnowledgeError(f"{_TABLE}: {drug!r} is not a drug catalogue id")


def _by_key(rows: Any, key: str, section: str) -> dict[str, Any]:
    if not isinstance(rows, list):
        raise KnowledgeError(f"{_TABLE}: '{section}' must be a list")
    out: dict[str, Any] = {}
    for row in rows:
        name = row.get(key) if isinstance(row, dict) else None
        if name in out:
            raise KnowledgeError(f"{_TABLE}: {section} repeats {name!r}")
        out[str(name)] = row
    return out


@cache
def load_drug_doses() -> DrugDoseTable:
    """Load and validate ``drug_doses.yaml`` (once per process).

    Returns
    -------
    DrugDoseTable
        Doses, augmentation levels, procedure courses and thresholds.

    Raises
    ------
    KnowledgeError
        If a row is malformed, repeats, names a drug the catalogue lacks or cites an unknown
        source, or a required threshold is missing.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        table = DrugDoseTable.model_validate(
            {
                "header": header,
                "source_labels": body.get("source_labels"),
                "dose_tables": body.get("dose_tables"),
                "thresholds": body.get("thresholds"),
                "antidepressants": _by_key(body.get("antidepressants"), "drug", "antidepressants"),
                "augmentation": _by_key(body.get("augmentation"), "drug", "augmentation"),
                "procedures": _by_key(body.get("procedures"), "procedure", "procedures"),
            }
        )
    except ValidationError as exc:
        raise KnowledgeError(f"{_TABLE}: {exc}") from exc
    if set(table.dose_tables) != set(_DOSE_TABLES):
        raise KnowledgeError(f"{_TABLE}: dose_tables must define atrq, canmat_low and athf_l3")
    if missing := [t for t in _REQUIRED_THRESHOLDS if t not in table.thresholds]:
        raise KnowledgeError(f"{_TABLE}: missing thresholds {missing}")
    _check_sources(header, table)
    _check_drugs(table)
    return table
