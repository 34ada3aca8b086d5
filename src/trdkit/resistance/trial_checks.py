"""Whether a trial was adequate: adherence, dose, duration, or the length of a procedure course.

Each check appends to one ``TrialAdequacy``: the shortfalls found (as verdicts), the reasons, and
what the record lacks. Thresholds come from ``drug_doses.yaml`` and the policy; a drug given as an
add-on is judged by its add-on dose, lithium by its serum level when one is known.

References
----------
Chandler GM, et al. Validation of the MGH ATRQ. CNS Neurosci Ther. 2010;16:322-325.
Lam RW, et al. CANMAT 2023 update on MDD. Can J Psychiatry. 2024;69:641-687 (Tables 3.3, 7.2).
Sforzini L, et al. Mol Psychiatry. 2022;27:1286-1299 (stopping before week 4 is not a failure).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from trdkit.knowledge.derived import per_table
from trdkit.knowledge.drug_doses import DrugDoseTable, MinimumDose
from trdkit.knowledge.policies import PolicyDefinition
from trdkit.record.models import PatientRecord
from trdkit.record.treatment_models import Treatment
from trdkit.record.vocab import Adherence, Outcome, Procedure
from trdkit.resistance.model import TrialCategory, Verdict

__all__ = ["ADD_ON", "TrialAdequacy", "check_adequacy", "fmt_number"]

ADD_ON = (TrialCategory.augmentation, TrialCategory.combination)


def fmt_number(value: float) -> str:
    """Format a number for reasons: one decimal at most, no trailing zeros."""
    return f"{round(value, 1):g}"


@dataclass
class TrialAdequacy:
    """Shortfalls, reasons and gaps found by the checks; ``adequate`` is three-valued."""

    shortfalls: list[Verdict] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    min_dose: float | None = None
    min_weeks: float | None = None

    @property
    def adequate(self) -> bool | None:
        """False on any shortfall, None when something is missing, else True."""
        if self.shortfalls:
            return False
        return None if self.missing else True


def _adherence(trial: Treatment, policy: PolicyDefinition, adq: TrialAdequacy) -> None:
    if trial.adherence in (Adherence.partial, Adherence.poor):
        adq.shortfalls.append(Verdict.inadequate_adherence)
        adq.reasons.append(f"adherence {trial.adherence.value}: inadequate adherence (EMA 2013)")
    elif trial.adherence is Adherence.good:
        adq.reasons.append("adherence good")
    elif policy.unknown_adherence_counts:
        adq.reasons.append(
            f"adherence not recorded: counted as adequate (policy {policy.id}, "
            "unknown_adherence_counts)"
        )
    else:
        adq.missing.append("adherence")
        adq.reasons.append(f"adherence not recorded, and policy {policy.id} requires it")


def _duration(
    trial: Treatment,
    category: TrialCategory,
    policy: PolicyDefinition,
    doses: DrugDoseTable,
    adq: TrialAdequacy,
) -> None:
    adq.min_weeks = policy.augmentation_min_weeks if category in ADD_ON else policy.min_weeks
    weeks = trial.duration_weeks()
    if weeks is None:
        adq.missing.append("duration (weeks_at_dose, or start and end)")
        adq.reasons.append("duration not recorded")
        return
    early = doses.threshold("early_stop_weeks")
    if weeks < early.value:
        adq.shortfalls.append(Verdict.early_stop)
        adq.reasons.append(
            f"stopped at {fmt_number(weeks)} weeks, before week {fmt_number(early.value)}: "
            f"an early stop is not a failure ({early.label})"
        )
    kind = "add-on " if category in ADD_ON else ""
    rule = f"{fmt_number(adq.min_weeks)} weeks {kind}minimum (policy {policy.id})"
    if weeks < adq.min_weeks:
        adq.shortfalls.append(Verdict.inadequate_duration)
        adq.reasons.append(f"{fmt_number(weeks)} weeks < {rule}: inadequate duration")
    else:
        adq.reasons.append(f"{fmt_number(weeks)} weeks >= {rule}")


def _lithium_level(record: PatientRecord, trial: Treatment) -> tuple[float | None, str]:
    if trial.serum_level_mmol_per_l is not None:
        return trial.serum_level_mmol_per_l, "serum lithium"
    # Labs are today's values: they speak for a lithium trial only while lithium is still taken.
    taking = trial.outcome is Outcome.ongoing or "lithium" in record.current_medications
    if taking and record.labs is not None and record.labs.lithium_mmol_per_l is not None:
        return record.labs.lithium_mmol_per_l, "serum lithium (current labs)"
    return None, ""


@per_table
def _minimum_doses(doses: DrugDoseTable) -> Mapping[tuple[str, str], MinimumDose]:
    # Every (drug, dose table) answer of ``minimum_dose``, once per loaded table: it depends on
    # the table only, and its frozen rows are shared by every verdict.
    found: dict[tuple[str, str], MinimumDose] = {}
    for drug in doses.antidepressants:
        for table in doses.dose_tables:
            if (minimum := doses.minimum_dose(drug, table)) is not None:
                found[drug, table] = minimum
    return MappingProxyType(found)


def _dose(
    record: PatientRecord,
    trial: Treatment,
    category: TrialCategory,
    policy: PolicyDefinition,
    doses: DrugDoseTable,
    adq: TrialAdequacy,
) -> None:
    name = trial.name
    add_on = doses.augmentation.get(name) if category in ADD_ON else None
    level, what = _lithium_level(record, trial) if name == "lithium" else (None, "")
    if add_on is not None and level is not None and add_on.min_serum_mmol_per_l is not None:
        floor, cite = add_on.min_serum_mmol_per_l, doses.label(add_on.source)
        ok = level >= floor
        adq.reasons.append(
            f"{what} {fmt_number(level)} mmol/L {'>=' if ok else '<'} {floor:g} mmol/L ({cite} "
            f"[{add_on.confidence}])" + ("" if ok else ": inadequate dose")
        )
        if not ok:
            adq.shortfalls.append(Verdict.inadequate_dose)
        return
    if name == "lithium" and add_on is not None:
        adq.reasons.append("no serum lithium level recorded: judged by daily dose")
    if add_on is not None and add_on.min_mg_per_day is not None:
        conf = add_on.dose_confidence or add_on.confidence
        adq.min_dose = add_on.min_mg_per_day
        cite = f"{doses.label(add_on.source)} add-on lower bound [{conf}]"
    elif (minimum := _minimum_doses(doses).get((name, policy.dose_table))) is not None:
        adq.min_dose, cite = minimum.mg_per_day, minimum.cite()
    else:
        adq.missing.append(f"a minimum adequate dose for {name} (none in the dose tables)")
        adq.reasons.append(f"no minimum adequate dose known for {name}: dose adequacy undecided")
        return
    if trial.dose_mg_per_day is None:
        adq.missing.append("dose_mg_per_day")
        adq.reasons.append(f"dose not recorded (minimum {adq.min_dose:g} mg/day, {cite})")
        return
    dose = trial.dose_mg_per_day
    if dose < adq.min_dose:
        adq.shortfalls.append(Verdict.inadequate_dose)
        adq.reasons.append(
            f"{dose:g} mg/day < {adq.min_dose:g} mg minimum ({cite}): inadequate dose"
        )
    else:
        adq.reasons.append(f"{dose:g} mg/day >= {adq.min_dose:g} mg minimum ({cite})")


def _course(trial: Treatment, doses: DrugDoseTable, adq: TrialAdequacy) -> None:
    assert trial.procedure is not None
    name = trial.procedure.value
    course = doses.procedures.get(name)
    if trial.procedure is Procedure.ect:
        lat = trial.laterality
        adq.reasons.append(f"ECT laterality {lat.value}" if lat else "ECT laterality not recorded")
    if course is None or course.min_sessions is None:
        adq.missing.append(f"an adequacy rule for {name} (none sourced)")
        adq.reasons.append(f"no adequate-course rule for {name}: adequacy undecided")
        return
    cite = f"{doses.label(course.source)} [{course.confidence}]"
    if trial.sessions is None:
        adq.missing.append("sessions")
        adq.reasons.append(f"sessions not recorded (minimum {course.min_sessions}, {cite})")
    elif trial.sessions < course.min_sessions:
        adq.shortfalls.append(Verdict.inadequate_duration)
        adq.reasons.append(
            f"{trial.sessions} sessions < {course.min_sessions} ({cite}): course too short"
        )
    else:
        adq.reasons.append(f"{trial.sessions} sessions >= {course.min_sessions} ({cite})")


def check_adequacy(
    record: PatientRecord,
    trial: Treatment,
    category: TrialCategory,
    policy: PolicyDefinition,
    doses: DrugDoseTable,
) -> TrialAdequacy:
    """Check a trial's adequacy: adherence, dose and duration, or a procedure's course length.

    Parameters
    ----------
    record
        The patient record (current medications and labs, for a lithium level).
    trial
        The trial to check.
    category
        Its category; add-on trials use add-on doses and ``policy.augmentation_min_weeks``.
    policy
        The TRD policy (dose table, minimum weeks, unknown-adherence rule).
    doses
        The ``drug_doses`` knowledge table.

    Returns
    -------
    TrialAdequacy
        Every shortfall and gap, with reasons; psychotherapy and other unrated treatments are
        left undecided.

    References
    ----------
    Chandler GM, et al. CNS Neurosci Ther. 2010;16:322-325 (ATRQ minimum doses, 6 weeks).
    Sforzini L, et al. Mol Psychiatry. 2022;27:1286-1299 (stopping before week 4).
    """
    adq = TrialAdequacy()
    if trial.drug is not None:
        _adherence(trial, policy, adq)
        _dose(record, trial, category, policy, doses, adq)
        _duration(trial, category, policy, doses, adq)
    elif category is TrialCategory.neuromodulation:
        _course(trial, doses, adq)
    else:
        adq.missing.append(f"an adequacy rule for {trial.name} (not judged)")
    return adq
