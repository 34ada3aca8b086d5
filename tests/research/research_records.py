"""Records for the research-tier tests, built from the knowledge table's own marker inputs."""

from __future__ import annotations

from typing import Any

from trdkit.knowledge.research_markers import (
    InputKind,
    MarkerDefinition,
    load_research_markers,
)
from trdkit.record import PatientRecord, validate_record


def record(**parts: Any) -> PatientRecord:
    """A minimal valid record with the given top-level parts."""
    return validate_record({"id": "research-test", "assessed_on": "2026-11-30", **parts})


def genotype_for(rsid: str) -> str:
    """A heterozygous forward-strand genotype where the alleles are known, else ``AG``."""
    forward = load_research_markers().variants[rsid].forward_alleles
    return "".join(forward) if forward else "AG"


def data_for(marker: MarkerDefinition) -> dict[str, Any]:
    """Record parts that give ``marker`` the data it reads."""
    spec = marker.input
    if spec.kind in (InputKind.GENOTYPE, InputKind.GENOTYPE_COMBINATION):
        return {"genetics": {"genotypes": {r: genotype_for(r) for r in spec.rsids}}}
    if spec.kind is InputKind.HTTLPR:
        return {"genetics": {"5httlpr": "L/S"}}
    if spec.kind is InputKind.MIRNA:
        return {"biomarkers": {"mirna": {spec.names[0]: -0.5}}}
    assert spec.field is not None
    return {"biomarkers": {spec.field: 2.5}}


def full_data() -> dict[str, Any]:
    """Record parts with data for every marker of the table."""
    genotypes: dict[str, str] = {}
    biomarkers: dict[str, Any] = {"mirna": {}}
    genetics: dict[str, Any] = {"genotypes": genotypes}
    for marker in load_research_markers().markers:
        parts = data_for(marker)
        genotypes.update(parts.get("genetics", {}).get("genotypes", {}))
        if "5httlpr" in parts.get("genetics", {}):
            genetics["5httlpr"] = parts["genetics"]["5httlpr"]
        for key, value in parts.get("biomarkers", {}).items():
            if key == "mirna":
                biomarkers["mirna"].update(value)
            else:
                biomarkers[key] = value
    return {"genetics": genetics, "biomarkers": biomarkers}
