"""TRD status under a policy, from the diagnosis and the judged trials.

Statuses follow the contract's order of precedence (assessment-output.md):

1. ``not_applicable`` - under the adult age, or MDD not met (criterion E fails: bipolar; criterion
   D fails; or no MDE ever). MDD merely undecided does not stop the status: it is given, and the
   undecided items are listed in ``because``.
2. ``insufficient_data`` - no current-episode trial with a known outcome; also when the result
   would change with trials whose adequacy the record leaves undecided (a trial whose dose was
   not written down must not make a patient look pseudo-resistant, nor resistant).
3. ``trd`` - adequate failures reach ``policy.min_failed_trials``.
4. ``pseudo_resistant`` - the naive count reaches it, adequate failures do not.
5. ``not_trd`` - otherwise.

With ``policy.require_different_mechanism`` a failure counts only if its class differs from the
earlier counted failures, so the count is the number of distinct classes (procedures count by
name). ``adequate_failed_trials`` and ``naive_failed_trials`` report the trials themselves.

References
----------
European Medicines Agency, CHMP. Guideline on clinical investigation of medicinal products in
the treatment of depression. EMA/CHMP/185423/2010 Rev. 2; 2013.
McIntyre RS, et al. Treatment-resistant depression. World Psychiatry. 2023;22:394-412.
Thase ME, Rush AJ. J Clin Psychiatry. 1997;58 Suppl 13:23-29 (distinct classes).
Souery D, et al. Eur Neuropsychopharmacol. 1999;9:83-91 (different classes).
"""

from __future__ import annotations

from collections.abc import Iterable

from trdkit.diagnosis.result import Diagnosis
from trdkit.knowledge.drug_doses import load_drug_doses
from trdkit.knowledge.policies import PolicyDefinition
from trdkit.record.models import PatientRecord
from trdkit.record.vocab import Episode, Outcome
from trdkit.resistance.model import Stages, TrdResult, TrdStatus, TrialVerdict, Verdict

__all__ = ["trd_status"]

_PENDING = (Outcome.unknown, Outcome.ongoing)


def _describe(v: TrialVerdict) -> str:
    role = "" if v.role.value == "monotherapy" else f" {v.role.value}"
    return f"trials[{v.index}] ({v.treatment}{role})"


def _count(trials: Iterable[TrialVerdict], policy: PolicyDefinition) -> int:
    trials = list(trials)
    if not policy.require_different_mechanism:
        return len(trials)
    return len({v.drug_class or v.treatment for v in trials})


def _not_applicable(record: PatientRecord, diagnosis: Diagnosis) -> str | None:
    adult = load_drug_doses().threshold("adult_age_years")
    if record.age is not None and record.age < adult.value:
        return (
            f"age {record.age} < {adult.value:g}: the adult TRD definitions do not apply "
            f"({adult.label})"
        )
    mdd = diagnosis.mdd
    if mdd.met is not False:
        return None
    if mdd.criteria.get("E") is False:
        why = "criterion E fails (manic or hypomanic episode: consider bipolar disorder)"
    elif mdd.criteria.get("D") is False:
        why = "criterion D fails (better explained by a schizophrenia-spectrum disorder)"
    else:
        why = "no major depressive episode, current or past"
    return f"MDD not met: {why}; TRD is defined for MDD (DSM-5-TR MDD; EMA 2013)"


def _result(
    status: TrdStatus,
    policy: PolicyDefinition,
    verdicts: list[TrialVerdict],
    because: list[str],
    missing: list[str] | None = None,
) -> TrdResult:
    current = [v for v in verdicts if v.episode is Episode.current]
    return TrdResult(
        status=status,
        definition=policy.id,
        adequate_failed_trials=sum(v.counts_as_failure for v in current),
        naive_failed_trials=sum(v.naive_failure for v in current),
        trials=verdicts,
        stages=Stages(),
        missing=missing or [],
        because=because,
    )


def _context(record: PatientRecord, diagnosis: Diagnosis) -> list[str]:
    notes: list[str] = []
    if diagnosis.mdd.met is None:
        gaps = "; ".join(diagnosis.undecided) or "criteria not recorded"
        notes.append(f"MDD undecided ({gaps}): TRD status given provisionally")
    if record.age is None:
        notes.append("age not recorded: adult TRD definitions assumed to apply")
    return notes


def _insufficient(current: list[TrialVerdict]) -> list[str]:
    if not current:
        return ["no treatment trial recorded in the current episode"]
    return [
        f"outcome of {_describe(v)}: "
        + ("ongoing" if v.outcome is Outcome.ongoing else "not recorded")
        for v in current
    ]


def trd_status(
    record: PatientRecord,
    diagnosis: Diagnosis,
    verdicts: list[TrialVerdict],
    policy: PolicyDefinition,
) -> TrdResult:
    """Decide the TRD status of a patient under a policy.

    Parameters
    ----------
    record
        The validated patient record (age).
    diagnosis
        The diagnosis (MDD met, criteria D and E, undecided items).
    verdicts
        The trials as judged by :func:`trdkit.resistance.adequacy.judge_trials`.
    policy
        The TRD policy applied.

    Returns
    -------
    TrdResult
        Status, counts, the trials, ``because`` and ``missing``; ``stages`` is left empty.

    References
    ----------
    EMA/CHMP/185423/2010 Rev. 2 (2013): >= 2 failed adequate trials in the current episode.
    McIntyre RS, et al. World Psychiatry. 2023;22:394-412 (pseudo-resistance).
    """
    pid = f"policy {policy.id}"
    stop = _not_applicable(record, diagnosis)
    if stop is not None:
        return _result(TrdStatus.not_applicable, policy, verdicts, [stop])
    because = _context(record, diagnosis)
    current = [v for v in verdicts if v.episode is Episode.current]
    if not any(v.outcome not in _PENDING for v in current):
        missing = _insufficient(current)
        because.append(f"no current-episode trial with a known outcome: status undecided ({pid})")
        return _result(TrdStatus.insufficient_data, policy, verdicts, because, missing)

    need = policy.min_failed_trials
    adequate = [v for v in current if v.counts_as_failure]
    undecided = [v for v in current if v.verdict is Verdict.adequacy_undecided and v.naive_failure]
    naive = [v for v in current if v.naive_failure]
    n_adequate, n_naive = _count(adequate, policy), _count(naive, policy)
    n_possible = _count([*adequate, *undecided], policy)
    unit = "distinct classes of " if policy.require_different_mechanism else ""
    if adequate:
        listed = ", ".join(_describe(v) for v in adequate)
        because.append(f"adequate failed trials: {listed}")
    if n_adequate >= need:
        because.append(
            f"{n_adequate} {unit}adequate failed trials in the current episode >= {need} "
            f"required: TRD ({pid})"
        )
        return _result(TrdStatus.trd, policy, verdicts, because)
    if n_possible >= need:
        missing = [f"{_describe(v)}: {m}" for v in undecided for m in v.missing]
        because.append(
            f"{n_adequate} {unit}adequate failed trials < {need} required, but {len(undecided)} "
            f"failed trial(s) of undecided adequacy could reach it: status undecided ({pid})"
        )
        return _result(TrdStatus.insufficient_data, policy, verdicts, because, missing)
    if n_naive >= need:
        short = ", ".join(f"{_describe(v)}: {v.verdict.value}" for v in naive if v not in adequate)
        because.append(
            f"naive count {n_naive} {unit}failed trials >= {need}, but only {n_adequate} adequate "
            f"({short}): pseudo-resistance (CANMAT 2023 Table 7.1; McIntyre 2023)"
        )
        return _result(TrdStatus.pseudo_resistant, policy, verdicts, because)
    because.append(
        f"{n_adequate} {unit}adequate failed trial(s) and a naive count of {n_naive} < {need} "
        f"required: not TRD ({pid})"
    )
    return _result(TrdStatus.not_trd, policy, verdicts, because)
