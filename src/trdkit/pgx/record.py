"""The pharmacogenomics section of an assessment, and the flags it raises.

``evaluate_pgx`` joins the calls made from a VCF or outside calls with the lab-reported
diplotypes of the record, applies phenoconversion by the drugs taken now, and looks up CPIC
guidance for every antidepressant CPIC covers. ``pgx_flags`` raises ``phenoconversion`` and
``pgx_explained_failure``.

References
----------
Bousman CA, Stevenson JM, Ramsey LB, et al. CPIC guideline for CYP2D6, CYP2C19, CYP2B6, SLC6A4,
and HTR2A genotypes and serotonin reuptake inhibitor antidepressants. Clin Pharmacol Ther.
2023;114(1):51-68.
Cicali EJ, Elchynski AL, Cook KJ, et al. How to integrate CYP2D6 phenoconversion into clinical
pharmacogenetics: a tutorial. Clin Pharmacol Ther. 2021;110(3):677-687.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from trdkit.flags.model import Flag, FlagId, make_flag
from trdkit.knowledge.pgx_phenoconversion import load_pgx_phenoconversion
from trdkit.pgx.guidance import guidance_all, guidance_for
from trdkit.pgx.model import GeneCall, PgxSection
from trdkit.pgx.phenoconversion import phenoconvert
from trdkit.pgx.phenotype import phenotype_for_alternatives, resolve_phenotype
from trdkit.record.models import PatientRecord
from trdkit.record.vocab import Episode, Outcome
from trdkit.resistance.model import TrialVerdict

__all__ = ["GENES", "current_drugs", "evaluate_pgx", "pgx_flags"]

GENES = ("CYP2C19", "CYP2D6", "CYP2B6")
# Actions that say nothing about why a drug failed.
_NEUTRAL = ("use_standard_dose", "no_recommendation")


def current_drugs(record: PatientRecord) -> list[str]:
    """Drugs taken now: ``current_medications`` plus the drugs of ongoing trials."""
    names = list(record.current_medications)
    for trial in record.treatments:
        if trial.outcome is Outcome.ongoing and trial.drug is not None:
            names += [trial.drug, *trial.with_]
    return list(dict.fromkeys(names))


def _lab_call(gene: str, diplotype: str) -> GeneCall:
    why = f"{gene} {diplotype} reported by a laboratory (record genetics.diplotypes)"
    try:
        result = resolve_phenotype(gene, diplotype)
    except ValueError as exc:
        return GeneCall(
            diplotype=None,
            called=False,
            phenotype=None,
            source="lab_report",
            warnings=[str(exc)],
            because=[why],
        )
    return GeneCall(
        diplotype=diplotype,
        called=True,
        phenotype=result.phenotype,
        activity_score=result.activity_score if gene == "CYP2D6" else None,
        source="lab_report",
        warnings=list(result.warnings),
        because=[why, *result.because],
    )


def _merge(calls: dict[str, GeneCall], record: PatientRecord) -> None:
    reported = record.genetics.diplotypes if record.genetics is not None else {}
    for gene, diplotype in reported.items():
        lab = _lab_call(gene, diplotype)
        other = calls.get(gene)
        if other is not None and other.called and other.diplotype != diplotype:
            # An outside call is given for this very run and wins; a lab report beats a VCF.
            note = (
                f"{gene}: the {other.source} call {other.diplotype} and the lab report "
                f"{diplotype} differ"
            )
            if other.source == "outside_call":
                other.warnings.append(f"{note}; the outside call is used")
                continue
            lab.warnings.append(f"{note}; the lab report is used")
        elif other is not None and other.called:
            continue
        calls[gene] = lab


def _states(gene: str, call: GeneCall) -> list[tuple[str | None, float | None, bool]]:
    if call.diplotype is None:
        return [(call.phenotype, call.activity_score, False)]
    states: list[tuple[str | None, float | None, bool]] = []
    for diplotype in (call.diplotype, *call.alternatives):
        result = resolve_phenotype(gene, diplotype)
        states.append((result.phenotype, result.activity_score, result.at_least))
    return states


def _convert(gene: str, call: GeneCall, drugs: Sequence[str]) -> None:
    results = [phenoconvert(gene, p, s, drugs, at_least=b) for p, s, b in _states(gene, call)]
    if not any(r.applies for r in results):
        return
    phenotypes = {r.phenotype for r in results}
    scores = {r.activity_score for r in results}
    call.functional_phenotype = phenotypes.pop() if len(phenotypes) == 1 else "Indeterminate"
    call.functional_activity_score = scores.pop() if len(scores) == 1 else None
    call.because += [why for why in dict.fromkeys(w for r in results for w in r.because)]


def evaluate_pgx(
    record: PatientRecord, vcf_calls: Mapping[str, GeneCall] | None = None
) -> PgxSection:
    """Build the ``pgx`` section: gene calls with functional phenotypes, and CPIC guidance.

    Parameters
    ----------
    record
        The patient record; ``genetics.diplotypes`` become calls with ``source: lab_report``.
    vcf_calls
        Calls from a VCF, raw data or outside calls (not modified). An outside call wins over
        a lab report, a lab report over a VCF call; a disagreement is a warning.

    Returns
    -------
    PgxSection
        Calls by gene and guidance by drug (drugs whose genes were not called are left out).
    """
    calls = {gene: call.model_copy(deep=True) for gene, call in (vcf_calls or {}).items()}
    _merge(calls, record)
    drugs = current_drugs(record)
    for gene, call in calls.items():
        if not call.called:
            continue
        if call.phenotype is None and call.diplotype is not None:
            call.phenotype = phenotype_for_alternatives(gene, [call.diplotype, *call.alternatives])
        _convert(gene, call, drugs)
    ordered = {g: calls[g] for g in (*GENES, *sorted(set(calls) - set(GENES))) if g in calls}
    return PgxSection(genes=ordered, drugs=guidance_all(ordered, drugs))


def _conversion_line(gene: str, call: GeneCall, drugs: Sequence[str]) -> str:
    result = phenoconvert(gene, call.phenotype, call.activity_score, drugs)
    takers = ", ".join(f"{p.drug} ({p.strength} {p.kind})" for p in result.perpetrators)
    rule = load_pgx_phenoconversion().genes.get(gene)
    cite = rule.cite if rule is not None else "pgx/phenoconversion.yaml"
    return (
        f"{gene}: genotype {call.phenotype}, functionally {call.functional_phenotype} while "
        f"taking {takers or 'the current drugs'} ({cite})"
    )


def _failure_line(verdict: TrialVerdict, section: PgxSection) -> str | None:
    # Judged on the genotype alone: today's co-medication need not have been taken then.
    guidance = guidance_for(verdict.treatment, section.genes, current_drugs=())
    if guidance is None or guidance.action in _NEUTRAL:
        return None
    status = ", ".join(
        f"{gene} {section.genes[gene].phenotype}" if gene in section.genes else f"{gene} {key}"
        for gene, key in guidance.lookup.items()
    )
    return (
        f"{verdict.treatment} (trials[{verdict.index}]) failed with {status}: "
        f"{guidance.guideline} advises {guidance.action} ({guidance.strength})"
    )


def pgx_flags(
    record: PatientRecord, section: PgxSection, verdicts: Sequence[TrialVerdict]
) -> list[Flag]:
    """Raise ``phenoconversion`` and ``pgx_explained_failure`` from the ``pgx`` section.

    Parameters
    ----------
    record
        The patient record (for the current drugs).
    section
        The result of :func:`evaluate_pgx`.
    verdicts
        Trial verdicts of the resistance engine.

    Returns
    -------
    list of Flag
        ``phenoconversion`` when a functional phenotype differs from the genotype phenotype;
        ``pgx_explained_failure`` when a failed current-episode trial used a drug whose CPIC
        action for this genotype is neither the standard dose nor "no recommendation".
    """
    drugs = current_drugs(record)
    flags = []
    converted = [
        _conversion_line(gene, call, drugs)
        for gene, call in section.genes.items()
        if call.functional_phenotype is not None and call.functional_phenotype != call.phenotype
    ]
    if converted:
        flags.append(make_flag(FlagId.phenoconversion, converted))
    failed = [
        v
        for v in verdicts
        if v.episode is Episode.current and (v.counts_as_failure or v.failed_outcome)
    ]
    explained = [line for v in failed if (line := _failure_line(v, section)) is not None]
    if explained:
        flags.append(make_flag(FlagId.pgx_explained_failure, explained))
    return flags
