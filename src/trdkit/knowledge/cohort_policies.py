"""Loader for ``cohort_policies.yaml``: cohort-only TRD definitions and cohort-path settings.

Three kinds of definition are offered beside the clinical policies: ``switches`` (Fabbri 2021),
``sequential_trials`` (Hägg 2020, the Karolinska Institutet Model) and ``ohdsi_1009`` (the OHDSI
PhenotypeLibrary cohort, as published and corrected). Every parameter is a cited value with a
confidence tag, so a value the sources leave uncertain is visibly a setting. Loading fails
(``KnowledgeError``) when a value cites an unknown source, an id clashes with a clinical policy,
or a code group, concept set or drug named here does not exist.

References
----------
Fabbri C, et al. Mol Psychiatry. 2021;26(7):3363-3373.
Hägg D, et al. PLoS One. 2020;15(7):e0236434.
OHDSI PhenotypeLibrary cohort 1009 (v3.37.0).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.diagnosis_tables import load_related_codes
from trdkit.knowledge.drug_doses import Confidence
from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.ohdsi_concept_sets import load_ohdsi_concept_sets
from trdkit.knowledge.policies import load_policy_table

__all__ = [
    "Cited",
    "CodeGroup",
    "CohortPolicy",
    "CohortPolicyTable",
    "CohortSettings",
    "OhdsiPolicy",
    "SequentialPolicy",
    "SwitchPolicy",
    "load_cohort_policies",
    "normalise_code",
]

_TABLE = "cohort_policies.yaml"
T = TypeVar("T")
System = Literal["icd10cm", "icd10", "icd9cm", "icd11", "dsm5", "snomedct"]


def normalise_code(code: str) -> str:
    """Matching key of a diagnosis code: upper case, no dots or spaces (``F32.9`` -> ``F329``)."""
    return re.sub(r"[\s.]", "", code).upper()


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(_Row, Generic[T]):
    """A value with the source that gives it and a confidence tag (V, K or U)."""

    value: T
    source: str
    confidence: Confidence


class CohortSettings(_Row):
    """How prescriptions become trials, and which clinical policy stages register policies."""

    era_gap_days: Cited[int]
    switch_window_days: Cited[int]
    staging_policy: Cited[str]
    name_suffixes_ignored: Cited[tuple[str, ...]]


class CodeGroup(_Row):
    """Diagnosis codes of one kind (e.g. bipolar), by coding system, plus an OMOP concept set."""

    id: str
    display: str
    chart_group: str | None = None
    prefixes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    omop_codeset: int | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    confidence: Confidence

    def matches(self, system: str, code: str) -> bool:
        """Whether a code of ``system`` falls in the group (prefixes compared without dots)."""
        wanted = self.prefixes.get(system)
        return bool(wanted) and normalise_code(code).startswith(tuple(wanted or ()))

    @field_validator("prefixes")
    @classmethod
    def _known_systems(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if bad := sorted(set(value) - set(get_args(System))):
            raise ValueError(f"unknown coding systems {bad} (allowed: {get_args(System)})")
        return value


class _Policy(_Row):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    sources: tuple[str, ...] = Field(min_length=1)

    def params(self) -> dict[str, object]:
        """Every parameter as applied (values only), for the cohort summary."""
        out: dict[str, object] = {"method": getattr(self, "method", None)}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Cited):
                out[name] = value.value
        return out


class SwitchPolicy(_Policy):
    """Fabbri 2021: TRD after switches between distinct antidepressants each taken long enough."""

    method: Literal["switches"]
    require_depression_code: Cited[bool]
    prescription_episode_gap_weeks: Cited[float]
    min_trial_weeks: Cited[float]
    max_switch_gap_weeks: Cited[float]
    min_switches: Cited[int]
    min_distinct_drugs: Cited[int]


class SequentialPolicy(_Policy):
    """Hägg 2020: TRD when the n-th sequential trial longer than a minimum starts."""

    method: Literal["sequential_trials"]
    require_depression_code: Cited[bool]
    min_trial_days: Cited[int]
    trial_number_for_trd: Cited[int]
    era_gap_days: Cited[int]
    distinct_drugs: Cited[bool]
    add_on_agents: Cited[tuple[str, ...]]


class OhdsiPolicy(_Policy):
    """OHDSI cohort 1009 on drug eras, with the parameters its Circe definition fixes."""

    method: Literal["ohdsi_1009"]
    codesets: Cited[dict[str, int]]
    lookback_days: Cited[int]
    min_distinct_antidepressants: Cited[int]
    min_distinct_prior_antidepressants: Cited[int]
    min_antidepressants_before_antipsychotic: Cited[int]
    min_prior_antidepressants_before_esketamine: Cited[int]
    condition_lookback_days: Cited[int]
    esketamine_prior_source: Cited[Literal["dose_era", "drug_era"]]
    exclude_ingredients: Cited[tuple[str, ...]]
    prior_observation_days: Cited[int]


CohortPolicy = Annotated[
    SwitchPolicy | SequentialPolicy | OhdsiPolicy, Field(discriminator="method")
]
_OHDSI_SETS = (
    "antidepressants",
    "atypical_antipsychotics",
    "esketamine",
    "depression",
    "mania",
    "psychosis",
    "dementia",
)


class CohortPolicyTable(_Row):
    """The validated table."""

    header: TableHeader
    cite_as: Mapping[str, str]
    settings: CohortSettings
    code_groups: Mapping[str, CodeGroup]
    policies: Mapping[str, CohortPolicy]

    def cite(self, row: Cited[Any]) -> str:
        """Short citation of a value, e.g. ``"Hägg 2020 [V]"``."""
        return f"{self.cite_as[row.source]} [{row.confidence}]"


def _cited_sources(node: Any) -> set[str]:
    if isinstance(node, Cited):
        return {node.source}
    if isinstance(node, BaseModel):
        found: set[str] = set(getattr(node, "sources", ()) or ())
        for name in type(node).model_fields:
            found |= _cited_sources(getattr(node, name))
        return found
    if isinstance(node, Mapping):
        return set().union(*(_cited_sources(v) for v in node.values())) if node else set()
    return set()


def _resolve_groups(groups: list[CodeGroup]) -> dict[str, CodeGroup]:
    chart = {g.id: g for g in load_related_codes().chart_code_groups}
    out: dict[str, CodeGroup] = {}
    for group in groups:
        prefixes = {s: [normalise_code(p) for p in ps] for s, ps in group.prefixes.items()}
        if group.chart_group is not None:
            if group.chart_group not in chart:
                raise KnowledgeError(f"{_TABLE}: unknown chart_group {group.chart_group!r}")
            ref = chart[group.chart_group]
            for system in ref.systems:
                extra = [normalise_code(p) for p in ref.prefixes]
                prefixes[system] = [*prefixes.get(system, []), *extra]
        frozen = {s: tuple(dict.fromkeys(ps)) for s, ps in prefixes.items()}
        out[group.id] = group.model_copy(update={"prefixes": frozen})
    return out


def _check(table: CohortPolicyTable) -> None:
    keys = table.header.source_keys()
    used = set().union(*(_cited_sources(getattr(table, f)) for f in ("settings", "policies")))
    used |= _cited_sources(table.code_groups)
    if unknown := sorted(used - keys):
        raise KnowledgeError(f"{_TABLE}: values cite unknown sources {unknown}")
    if missing := sorted(keys - set(table.cite_as)):
        raise KnowledgeError(f"{_TABLE}: cite_as lacks {missing}")
    clinical = load_policy_table().policies
    if clash := sorted(set(table.policies) & set(clinical)):
        raise KnowledgeError(f"{_TABLE}: ids {clash} are clinical policies")
    if table.settings.staging_policy.value not in clinical:
        raise KnowledgeError(f"{_TABLE}: staging_policy is not a clinical policy")
    sets = set(load_ohdsi_concept_sets().names)
    catalogue = load_drug_catalogue()
    for group in table.code_groups.values():
        if group.omop_codeset is not None and group.omop_codeset not in sets:
            raise KnowledgeError(f"{_TABLE}: {group.id} names unknown codeset {group.omop_codeset}")
    for policy in table.policies.values():
        if isinstance(policy, OhdsiPolicy):
            named = policy.codesets.value
            if sorted(named) != sorted(_OHDSI_SETS) or not set(named.values()) <= sets:
                raise KnowledgeError(f"{_TABLE}: {policy.id} codesets must map {_OHDSI_SETS}")
            drugs = policy.exclude_ingredients.value
        elif isinstance(policy, SequentialPolicy):
            drugs = policy.add_on_agents.value
        else:
            drugs = ()
        if bad := [d for d in drugs if d not in catalogue.drugs]:
            raise KnowledgeError(f"{_TABLE}: {policy.id} names unknown drug ids {bad}")


@cache
def load_cohort_policies() -> CohortPolicyTable:
    """Load and validate ``cohort_policies.yaml`` (once per process).

    Returns
    -------
    CohortPolicyTable
        Settings, code groups and the cohort-only policies by id.

    Raises
    ------
    KnowledgeError
        If a row is malformed or cites an unknown source, an id clashes with a clinical policy,
        or a named chart group, concept set or drug does not exist.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        groups = [CodeGroup.model_validate(g) for g in body.get("code_groups") or []]
        table = CohortPolicyTable.model_validate(
            {
                "header": header,
                "cite_as": body.get("cite_as"),
                "settings": body.get("settings"),
                "code_groups": _resolve_groups(groups),
                "policies": {p["id"]: p for p in body.get("policies") or []},
            }
        )
    except (ValidationError, KeyError, TypeError) as exc:
        raise KnowledgeError(f"{_TABLE}: {exc}") from exc
    _check(table)
    return table
