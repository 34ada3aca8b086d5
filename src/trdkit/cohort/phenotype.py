"""TRD phenotyping of a cohort: the clinical core's rules, evaluated over many patients at once.

Data flow: ``CohortData`` (``tables.read_layout`` or ``pheno_omop.read_omop``) -> drug eras
(``eras``) -> trials (``pheno_trials``) -> trial verdicts under a clinical policy
(``pheno_verdicts``, the rules of ``resistance.adequacy``) -> per-person status
(``pheno_status``), stages (``pheno_stages``) and flags (``pheno_flags``). A cohort-only policy
of ``cohort_policies.yaml`` (Fabbri 2021, Hägg 2020, OHDSI cohort 1009) replaces the status
columns; its stage and flag columns come from the verdicts of the clinical ``staging_policy``.

The knowledge tables and policy objects are the clinical core's (``drug_doses.yaml``,
``policies.yaml``, ``staging.yaml``); ``tests/cohort/test_cohort_pheno_differential.py`` proves
the vectorised path agrees with ``trdkit.assess`` patient by patient.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from trdkit.cohort.eras import eras_for
from trdkit.cohort.pheno_flags import FLAG_COLUMNS, chart_columns, chart_evidence, cohort_flags
from trdkit.cohort.pheno_ohdsi import ohdsi_status
from trdkit.cohort.pheno_register import fabbri_status, hagg_status
from trdkit.cohort.pheno_stages import STAGE_COLUMNS, cohort_stages
from trdkit.cohort.pheno_status import cohort_status
from trdkit.cohort.pheno_summary import build_summary
from trdkit.cohort.pheno_trials import build_trials
from trdkit.cohort.pheno_verdicts import judge_cohort_trials
from trdkit.cohort.tables import CohortData
from trdkit.knowledge.cohort_policies import (
    OhdsiPolicy,
    SequentialPolicy,
    SwitchPolicy,
    load_cohort_policies,
)
from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.policies import PolicyDefinition, load_policy_table
from trdkit.policy import PolicyError, resolve_policy
from trdkit.record.errors import FieldIssue

__all__ = [
    "PATIENT_COLUMNS",
    "STEPS",
    "CohortPolicyChoice",
    "PhenotypeResult",
    "phenotype_cohort",
    "resolve_cohort_policy",
]

CohortPolicyChoice = PolicyDefinition | SwitchPolicy | SequentialPolicy | OhdsiPolicy
PATIENT_COLUMNS = (
    "person_id",
    "trd_status",
    "index_date",
    "adequate_failed_trials",
    "naive_failed_trials",
    "trials",
    *STAGE_COLUMNS,
    *FLAG_COLUMNS,
)
STEPS = ("eras", "trials", "verdicts", "status", "stages", "flags", "summary")


@dataclass(frozen=True)
class PhenotypeResult:
    """The per-person table (``PATIENT_COLUMNS``, chart columns, ``because``), the cohort
    summary, and the judged trials behind them."""

    patients: pl.DataFrame
    summary: dict[str, Any]
    trials: pl.DataFrame


def resolve_cohort_policy(spec: str | Path | None = None) -> CohortPolicyChoice:
    """Return a cohort-only policy by id, else a clinical policy (id or file), else the default.

    Raises
    ------
    PolicyError
        For an unknown name, listing the clinical and the cohort-only ids.
    """
    cohort = load_cohort_policies().policies
    if isinstance(spec, str) and spec in cohort:
        return cohort[spec]
    try:
        return resolve_policy(spec)
    except PolicyError as exc:
        if spec is not None and Path(spec).suffix and Path(spec).exists():
            raise
        names = [*load_policy_table().policies, *cohort]
        close = difflib.get_close_matches(str(spec), names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        message = f"unknown policy '{spec}'{hint} (allowed: {', '.join(names)}, or a policy file)"
        raise PolicyError([FieldIssue("--policy", message)]) from exc


def _report(progress: Callable[[str], None] | None, step: str) -> None:
    if progress is not None:
        progress(step)


def _register(
    data: CohortData,
    policy: CohortPolicyChoice,
    evidence: pl.DataFrame,
    persons: pl.DataFrame,
) -> pl.DataFrame:
    depressed = evidence.select("person_id", pl.col("in_depression").alias("depression"))
    if isinstance(policy, SwitchPolicy):
        return fabbri_status(data.exposures, persons, depressed, policy)
    if isinstance(policy, SequentialPolicy):
        return hagg_status(data.exposures, persons, depressed, policy)
    assert isinstance(policy, OhdsiPolicy)
    eras = eras_for(data, load_cohort_policies().settings.era_gap_days.value)
    return ohdsi_status(
        eras,
        data.dose_eras,
        data.conditions,
        data.observation_periods,
        persons,
        data.concept_ancestor,
        policy,
    )


def phenotype_cohort(
    data: CohortData,
    policy: CohortPolicyChoice | str | None = None,
    *,
    era_gap_days: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> PhenotypeResult:
    """Phenotype every person of a cohort under a TRD policy.

    Parameters
    ----------
    data
        The cohort (long layout or OMOP).
    policy
        A clinical policy (object, id or file) or a cohort-only policy id (``fabbri_2021``,
        ``hagg_2020``, ``ohdsi_1009``, ``ohdsi_1009_corrected``); default ``ema_2013``.
    era_gap_days
        Era gap for the clinical trials; the knowledge default (30 days) when omitted.
    progress
        Called with the name of each step (``STEPS``) as it starts.

    Returns
    -------
    PhenotypeResult
        One row per person, sorted by ``person_id``, and the summary.

    References
    ----------
    EMA/CHMP/185423/2010 Rev. 2 (2013); Fabbri C, et al. Mol Psychiatry. 2021;26:3363-3373;
    Hägg D, et al. PLoS One. 2020;15:e0236434; OHDSI PhenotypeLibrary cohort 1009.
    """
    chosen = policy if not isinstance(policy, str | type(None)) else resolve_cohort_policy(policy)
    settings = load_cohort_policies().settings
    clinical = (
        chosen
        if isinstance(chosen, PolicyDefinition)
        else resolve_policy(settings.staging_policy.value)
    )
    gap = settings.era_gap_days.value if era_gap_days is None else era_gap_days
    persons = data.persons
    _report(progress, "eras")
    eras = eras_for(data, gap, omop_gap_days=settings.era_gap_days.value)
    eras = eras.filter(pl.col("drug").is_in(list(load_drug_catalogue().drugs)))
    _report(progress, "trials")
    trials = build_trials(
        eras, persons, switch_window_days=settings.switch_window_days.value, era_gap_days=gap
    )
    _report(progress, "verdicts")
    verdicts = judge_cohort_trials(trials, clinical)
    _report(progress, "status")
    clinical_status = cohort_status(verdicts, persons, clinical)
    status = clinical_status
    evidence = chart_evidence(data.conditions, data.concept_ancestor)
    evidence = (
        persons.select("person_id").join(evidence, on="person_id", how="left").fill_null(False)
    )
    if not isinstance(chosen, PolicyDefinition):
        register = _register(data, chosen, evidence, persons)
        status = status.drop("trd_status", "index_date", "adequate_failed_trials", "because")
        status = status.with_columns(pl.lit(None, dtype=pl.Int64).alias("naive_failed_trials"))
        status = status.join(register, on="person_id", how="left")
    _report(progress, "stages")
    stages = cohort_stages(verdicts, clinical_status)
    _report(progress, "flags")
    flags = cohort_flags(verdicts, evidence, persons)
    patients = (
        status.join(stages, on="person_id", how="left")
        .join(flags, on="person_id", how="left")
        .select(*PATIENT_COLUMNS, *chart_columns(), "because")
        .sort("person_id")
    )
    _report(progress, "summary")
    summary = build_summary(data, chosen, clinical, patients, verdicts, gap)
    return PhenotypeResult(patients=patients, summary=summary, trials=verdicts)
