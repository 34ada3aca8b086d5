"""Builders of gene calls, records and trial verdicts for the phenotype/guidance tests."""

from __future__ import annotations

import functools
from typing import Any

from trdkit.knowledge.pgx_phenotypes import load_pgx_phenotypes
from trdkit.pgx.model import GeneCall
from trdkit.pgx.phenotype import resolve_phenotype
from trdkit.record.models import PatientRecord
from trdkit.resistance.model import TrialVerdict


def lab_call(diplotype: str, *alternatives: str, phenotype: str | None = None) -> GeneCall:
    """A called gene with a diplotype and alternatives; the engine may fill the phenotype."""
    return GeneCall(
        diplotype=diplotype,
        alternatives=list(alternatives),
        called=True,
        phenotype=phenotype,
        source="lab_report",
    )


def phenotype_call(phenotype: str, activity_score: float | None = None) -> GeneCall:
    """A called gene known only by its phenotype (and CYP2D6 activity score)."""
    return GeneCall(
        diplotype=None,
        called=True,
        phenotype=phenotype,
        activity_score=activity_score,
        source="outside_call",
    )


@functools.cache
def cyp2d6_diplotype_for_key() -> dict[str, str]:
    """One CYP2D6 diplotype per activity-score key, from the allele table (first found)."""
    alleles = [
        name
        for name, row in load_pgx_phenotypes("CYP2D6").alleles.items()
        if row.activity_value not in (None, "n/a")
    ]
    found: dict[str, str] = {}
    for i, first in enumerate(alleles):
        for second in alleles[i:]:
            key = resolve_phenotype("CYP2D6", f"{first}/{second}").lookup_key
            found.setdefault(key, f"{first}/{second}")
    return found


def call_for_key(gene: str, key: str) -> GeneCall | None:
    """A synthetic call that a CPIC lookup key of ``gene`` stands for (None for No Result)."""
    if key == "No Result":
        return None
    if gene != "CYP2D6":
        return phenotype_call(key)
    if key == "n/a":
        return phenotype_call("Indeterminate")
    return lab_call(cyp2d6_diplotype_for_key()[key])


def make_record(**fields: Any) -> PatientRecord:
    """A minimal valid record; keyword arguments override top-level fields."""
    data: dict[str, Any] = {"id": "pgx-1", "assessed_on": "2026-01-01"}
    data.update(fields)
    return PatientRecord.model_validate(data)


def failed_trial(drug: str, index: int = 0, **fields: Any) -> TrialVerdict:
    """An adequate failed current-episode trial of ``drug``."""
    data: dict[str, Any] = {
        "index": index,
        "treatment": drug,
        "category": "antidepressant",
        "outcome": "no_response",
        "adequate": True,
        "failed_outcome": True,
        "naive_failure": True,
        "counts_as_failure": True,
        "verdict": "adequate_failure",
        "because": ["adequate dose and duration, no response (test)"],
    }
    data.update(fields)
    return TrialVerdict.model_validate(data)
