"""The ``Assessment`` (format ``trdkit.assessment/1``) and ``assess``, which composes the rules.

Data flows one way: a validated ``PatientRecord`` goes through the pure rule packages
(diagnosis, scales, flags; later resistance, pgx, research, treatment) into one ``Assessment``
that every face renders. Sections that later engines fill are present with neutral values so that
the output keys are stable from the first release (assessment-output.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from trdkit import __version__
from trdkit.diagnosis import Diagnosis, diagnose
from trdkit.flags import Flag, FlagId, clinical_flags, suicide_flags
from trdkit.interop.fhir_report import ImportEntry
from trdkit.knowledge import knowledge_digest, knowledge_version
from trdkit.knowledge.derived import per_table
from trdkit.knowledge.drug_doses import load_drug_doses
from trdkit.knowledge.policies import PolicyDefinition
from trdkit.pgx import evaluate_pgx, pgx_flags
from trdkit.pgx.model import GeneCall, PgxSection
from trdkit.policy import resolve_policy
from trdkit.record import PatientRecord
from trdkit.research import ResearchMarker, evaluate_research_markers
from trdkit.resistance import TrdResult, TrdStatus, judge_trials, trd_status
from trdkit.resistance.screen import screen_flags
from trdkit.resistance.staging import stage_all
from trdkit.scales import ScaleResult, ScoringOptions, score_scales
from trdkit.treatment import ExcludedOption, Option, recommend

__all__ = ["Assessment", "PolicyApplied", "assess"]

ASSESSMENT_FORMAT: Literal["trdkit.assessment/1"] = "trdkit.assessment/1"


class PolicyApplied(BaseModel):
    """The TRD policy as applied: its id and every parameter."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    params: dict[str, Any]


_FLAG_ORDER = {"critical": 0, "warning": 1, "info": 2}


class Assessment(BaseModel):
    """Everything trdkit concludes about one patient at one date, with reasons."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["trdkit.assessment/1"] = ASSESSMENT_FORMAT
    patient_id: str
    assessed_on: dt.date
    age: int | None = Field(description="Age in years; null when unknown.")
    knowledge_version: str
    knowledge_digest: str
    trdkit_version: str
    policy: PolicyApplied
    diagnosis: Diagnosis
    scales: list[ScaleResult]
    trd: TrdResult = Field(
        description="Treatment-resistance status under the policy, trial verdicts and stages."
    )
    flags: list[Flag]
    pgx: PgxSection = Field(
        default_factory=PgxSection,
        description="Pharmacogenomic calls (lab report, outside calls or VCF) and CPIC guidance.",
    )
    research_markers: list[ResearchMarker] = Field(
        default_factory=list,
        description="Research tier: shown apart, cited, never used to choose a treatment.",
    )
    options: list[Option] = Field(
        default_factory=list, description="Ranked next steps, each safety-checked, with reasons."
    )
    excluded_options: list[ExcludedOption] = Field(
        default_factory=list, description="Options considered and ruled out, naming the rules."
    )
    import_report: list[ImportEntry] = Field(
        default_factory=list,
        description="FHIR input only: what was read into which field, what was not, and why.",
    )
    rules_not_applied: list[str] = Field(
        default_factory=list,
        description="Rules that do not apply to this patient (e.g. adult rules under 18), why.",
    )
    warnings: list[str] = Field(default_factory=list)

    def flag(self, flag_id: FlagId | str) -> Flag | None:
        """Return the flag with ``flag_id``, if raised."""
        return next((f for f in self.flags if f.id == flag_id), None)


def _minor_rules(record: PatientRecord) -> list[str]:
    # patient-record.md: under 18 the adult TRD definitions, staging and several options do not
    # apply; the age lives in knowledge (drug_doses.yaml thresholds).
    adult = load_drug_doses().threshold("adult_age_years").value
    if record.age is None or record.age >= adult:
        return []
    return [
        f"age {record.age} < {adult:g}: the adult TRD definitions and staging models do not "
        "apply (patient-record.md; EMA 2013 and the staging models were defined in adults)",
        "under 18: several treatment options (esketamine, ketamine, VNS, MAOIs) are limited to "
        "specialist use or not licensed",
    ]


@per_table
def _policy_params(policy: PolicyDefinition) -> Mapping[str, Any]:
    # A policy is frozen and validated: its parameters are dumped once per policy object, and
    # each assessment gets its own copy of the (flat) mapping.
    return MappingProxyType(policy.params())


def _sorted_flags(flags: list[Flag]) -> list[Flag]:
    # Suicide risk always comes first; then by severity, keeping rule order within a level.
    def key(item: tuple[int, Flag]) -> tuple[int, int, int]:
        index, flag = item
        is_suicide = flag.id in (FlagId.suicide_risk, FlagId.suicide_risk_not_assessed)
        return (0 if is_suicide else 1, _FLAG_ORDER[flag.level], index)

    return [f for _, f in sorted(enumerate(flags), key=key)]


def assess(
    record: PatientRecord,
    policy: PolicyDefinition | str | None = None,
    *,
    scoring: ScoringOptions | None = None,
    vcf_calls: Mapping[str, GeneCall] | None = None,
) -> Assessment:
    """Assess one patient record.

    Parameters
    ----------
    record
        A validated ``trdkit.patient/1`` record.
    policy
        The TRD policy (an object, a policy id, or a policy file path); default ``ema_2013``.
    scoring
        Scale-scoring options (e.g. the MADRS remission cut-off).
    vcf_calls
        Gene calls made from the patient's genotype file (``genetics.vcf``) by the caller; the
        readers do that I/O so that ``assess`` stays pure.

    Returns
    -------
    Assessment
        The whole assessment, stamped with the knowledge version and digest.

    Examples
    --------
    >>> from trdkit import assess, load_record
    >>> a = assess(load_record("examples/trd-with-genotypes.yaml"))
    >>> a.diagnosis.mdd.icd10cm
    'F33.2'
    """
    applied = policy if isinstance(policy, PolicyDefinition) else resolve_policy(policy)
    diagnosis = diagnose(record)
    scales = score_scales(record.scales, scoring)
    verdicts = judge_trials(record, applied)
    trd = trd_status(record, diagnosis, verdicts, applied)
    if trd.status is not TrdStatus.not_applicable:
        # Staging describes resistance within MDD in adults; under 18 or when MDD is excluded
        # (bipolar, no episode) the models do not apply (patient-record.md).
        trd.stages = stage_all(record, verdicts, scales)
    pgx = evaluate_pgx(record, vcf_calls)
    flags = (
        suicide_flags(record, scales)
        + clinical_flags(record, diagnosis)
        + screen_flags(record, scales, verdicts)
        + pgx_flags(record, pgx, verdicts)
    )
    options, excluded = recommend(record, diagnosis, trd, flags, pgx)
    return Assessment(
        patient_id=record.id,
        assessed_on=record.assessed_on,
        age=record.age,
        knowledge_version=knowledge_version(),
        knowledge_digest=knowledge_digest(),
        trdkit_version=__version__,
        policy=PolicyApplied(
            id=applied.id, title=applied.title, params=dict(_policy_params(applied))
        ),
        diagnosis=diagnosis,
        scales=scales,
        trd=trd,
        flags=_sorted_flags(flags),
        pgx=pgx,
        research_markers=evaluate_research_markers(record),
        options=options,
        excluded_options=excluded,
        rules_not_applied=_minor_rules(record),
    )
