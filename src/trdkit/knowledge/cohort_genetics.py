"""Loader for ``cohort_genetics.yaml``: settings of cohort association and polygenic scoring.

Each setting carries its value, the sources behind it and whether it is uncertain ([U] in the
reference: a method choice, configurable, never presented as a fact). The candidate SNPs of the
association's candidate mode are not repeated here: they are the genotype markers of
``research_markers.yaml``, and the default allelic combination is the combination marker named
by ``combination_marker``.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.research_markers import InputKind, load_research_markers

__all__ = [
    "CitedEntry",
    "CohortGeneticsTable",
    "CohortSetting",
    "CohortSettings",
    "candidate_rsids",
    "combination_rsids",
    "load_cohort_genetics",
]

_TABLE = "cohort_genetics.yaml"


class CitedEntry(BaseModel):
    """An entry of a cohort table with the sources behind it and whether it is uncertain."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: tuple[str, ...] = Field(min_length=1)
    uncertain: bool
    note: str

    def cite(self, header: TableHeader) -> str:
        """Return a short ``(key, key)`` label of the sources, with ``[U]`` when uncertain."""
        known = header.source_keys()
        keys = ", ".join(k for k in self.sources if k in known)
        return f"({keys}{'; [U] configurable' if self.uncertain else ''})"


class CohortSetting(CitedEntry):
    """One setting: its value, the sources behind it and whether the value is uncertain."""

    value: float


class CohortSettings(BaseModel):
    """All settings of the table, by name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    genome_wide_p: CohortSetting
    firth_p_below: CohortSetting
    firth_mac_below: CohortSetting
    qc_call_rate_below: CohortSetting
    qc_hwe_p_below: CohortSetting
    fdr_q_below: CohortSetting
    combination_min_carriers: CohortSetting
    prs_min_overlap: CohortSetting
    prs_keep_ambiguous: CohortSetting


class CohortGeneticsTable(BaseModel):
    """The validated table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header: TableHeader
    settings: CohortSettings
    combination_marker: str
    combination_marker_sources: tuple[str, ...] = Field(min_length=1)

    def because(self, name: str) -> str:
        """Return ``"<name> = <value> (sources)"`` for a setting, for ``because`` lines."""
        setting: CohortSetting = getattr(self.settings, name)
        return f"{name} = {setting.value:g} {setting.cite(self.header)}"


def _check(table: CohortGeneticsTable) -> None:
    known = table.header.source_keys()
    for name, setting in table.settings:
        if missing := set(setting.sources) - known:
            raise KnowledgeError(f"{_TABLE}: {name} cites unknown sources {sorted(missing)}")
    if missing := set(table.combination_marker_sources) - known:
        raise KnowledgeError(f"{_TABLE}: combination_marker cites unknown {sorted(missing)}")
    markers = load_research_markers()
    try:
        marker = markers.marker(table.combination_marker)
    except KeyError as exc:
        raise KnowledgeError(f"{_TABLE}: unknown research marker {exc}") from exc
    if marker.input.kind is not InputKind.GENOTYPE_COMBINATION:
        raise KnowledgeError(f"{_TABLE}: {marker.id} is not a genotype combination")


@cache
def load_cohort_genetics() -> CohortGeneticsTable:
    """Load and validate ``cohort_genetics.yaml``.

    Returns
    -------
    CohortGeneticsTable
        The settings with their sources.

    Raises
    ------
    KnowledgeError
        When the table is malformed, cites an unknown source or names an unknown marker.

    References
    ----------
    Pe'er et al. 2008 (genome-wide significance); Firth 1993 and Heinze & Schemper 2002 (Firth
    logistic regression); Wigginton et al. 2005 (exact HWE test); Benjamini & Hochberg 1995;
    Lambert et al. 2024 (PGS Catalog Calculator). Full citations are in the table header.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        table = CohortGeneticsTable.model_validate({"header": header, **body})
    except ValidationError as exc:
        raise KnowledgeError(f"{_TABLE}: {exc}") from exc
    _check(table)
    return table


def candidate_rsids() -> tuple[str, ...]:
    """Return the seed's candidate SNPs: every rsid read by a genotype research marker.

    References
    ----------
    trdkit research notes on research-tier biomarkers, via ``research_markers.yaml``.
    """
    markers = load_research_markers()
    kinds = {InputKind.GENOTYPE, InputKind.GENOTYPE_COMBINATION}
    rsids = [r for m in markers.markers if m.input.kind in kinds for r in m.input.rsids]
    return tuple(dict.fromkeys(rsids))


def combination_rsids() -> tuple[str, ...]:
    """Return the rsids of the default allelic combination (Kautzky 2015 BDNF/PPP3CC/HTR2A)."""
    table = load_cohort_genetics()
    return load_research_markers().marker(table.combination_marker).input.rsids
