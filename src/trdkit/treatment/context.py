"""The facts of one assessment that the treatment rules read.

:class:`Context` gathers, once per assessment, what the option rules and safety rules ask about:
the flags, the adequate failures, what failed or was not tolerated, what the patient takes now
(``current_medications`` plus ongoing trials), and the named facts of
:data:`~trdkit.knowledge.treatment_rows.FACTS` (psychotic features, high suicide risk, QTc...).
It is pure: no I/O, nothing but the record, diagnosis, resistance result, flags and PGx section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from trdkit.diagnosis import Diagnosis
from trdkit.flags import Flag, FlagId
from trdkit.knowledge.drugs import Drug, DrugKind, load_drug_catalogue
from trdkit.knowledge.treatment_rows import FACT_PREFIXES, FACTS, Condition
from trdkit.knowledge.treatment_safety import load_safety
from trdkit.pgx.model import PgxSection
from trdkit.pgx.record import current_drugs
from trdkit.record import PatientRecord
from trdkit.record.vocab import Episode, Outcome, Procedure, PsychoticFeatures
from trdkit.resistance.model import TrdResult, TrdStatus, TrialCategory, TrialVerdict, Verdict

__all__ = ["Context", "build_context"]

_PSEUDO = (
    FlagId.pseudo_resistance_dose,
    FlagId.pseudo_resistance_duration,
    FlagId.pseudo_resistance_adherence,
)
_DRUG_TRIALS = (TrialCategory.antidepressant, TrialCategory.augmentation, TrialCategory.combination)
_CONCLUDED = (Outcome.no_response, Outcome.partial_response, Outcome.intolerance)
_RESPONDED = (Outcome.response, Outcome.remission)

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """Everything the treatment rules read about one patient."""

    record: PatientRecord
    diagnosis: Diagnosis
    trd: TrdResult
    flags: dict[FlagId, Flag]
    pgx: PgxSection
    failures: int
    current: tuple[Drug, ...]
    ongoing_procedures: frozenset[str]
    failed: dict[str, int] = field(default_factory=dict)
    intolerant: dict[str, int] = field(default_factory=dict)
    to_optimise: tuple[tuple[str, TrialVerdict | None], ...] = ()
    facts: frozenset[str] = frozenset()
    _memo: dict[tuple[tuple[str, ...], ...], bool] = field(
        default_factory=dict, compare=False, repr=False
    )
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def assessed_on(self) -> dt.date:
        """The assessment date."""
        return self.record.assessed_on

    def current_ids(self) -> set[str]:
        """Catalogue ids of the drugs taken now."""
        return {d.id for d in self.current}

    def current_antidepressants(self) -> tuple[Drug, ...]:
        """Antidepressants taken now."""
        return tuple(d for d in self.current if d.kind is DrugKind.ANTIDEPRESSANT)

    def holds(self, fact: str) -> bool:
        """Whether a named fact (``psychotic_features``, ``failures_at_least:2``...) holds.

        Unknown data never makes a fact hold: an unknown age is neither under nor over a limit.
        """
        if ":" not in fact:
            if fact not in FACTS:
                raise ValueError(f"unknown fact {fact!r}")
            return fact in self.facts
        name, value = fact.split(":", 1)
        if name not in FACT_PREFIXES:
            raise ValueError(f"unknown fact {fact!r}")
        if name == "failures_at_least":
            return self.failures >= int(value)
        age = self.record.age
        if name in ("age_below", "age_at_least", "age_over"):
            if age is None:
                return False
            limit = int(value)
            if name == "age_below":
                return age < limit
            return age >= limit if name == "age_at_least" else age > limit
        return value in self.derived(f"facts.{name}", lambda: self._recorded(name))

    def _recorded(self, name: str) -> frozenset[str]:
        """The record's medical conditions, comorbidities or current specifiers."""
        history = self.record.history
        episode = self.record.current_episode
        if name == "medical":
            return frozenset(m.value for m in history.medical)
        if name == "comorbidity":
            return frozenset(c.value for c in history.comorbidities)
        return frozenset(s.value for s in episode.specifiers) if episode else frozenset()

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, worked out once per assessment and kept under ``key``.

        The rules ask the same per-patient questions for every option (which rules hold, which
        drugs are washout partners); answering them once keeps the per-option work small.
        """
        if key not in self._derived:
            self._derived[key] = compute()
        value: T = self._derived[key]
        return value

    def satisfied(self, condition: Condition) -> bool:
        """Whether ``condition`` holds for this patient (each condition is decided once)."""
        key = (condition.all, condition.any, condition.none)
        known = self._memo.get(key)
        if known is None:
            known = (
                all(self.holds(f) for f in condition.all)
                and (not condition.any or any(self.holds(f) for f in condition.any))
                and not any(self.holds(f) for f in condition.none)
            )
            self._memo[key] = known
        return known


def _current_episode(verdicts: Sequence[TrialVerdict]) -> list[TrialVerdict]:
    return [v for v in verdicts if v.episode is Episode.current]


def _adequately_failed(verdict: TrialVerdict) -> bool:
    # Kinds the policy does not count (esketamine, CBT) still failed when adequate.
    return verdict.verdict is Verdict.adequate_failure or (
        verdict.adequate is True and verdict.failed_outcome
    )


def _last_concluded(record: PatientRecord, verdicts: Sequence[TrialVerdict]) -> Outcome | None:
    def when(v: TrialVerdict) -> tuple[dt.date, int]:
        trial = record.treatments[v.index]
        return (trial.end or trial.start or dt.date.min, v.index)

    concluded = [v for v in _current_episode(verdicts) if v.outcome in _CONCLUDED]
    return max(concluded, key=when).outcome if concluded else None


_WAITING = (
    Verdict.inadequate_dose,
    Verdict.inadequate_duration,
    Verdict.inadequate_adherence,
    Verdict.early_stop,
    Verdict.ongoing,
    Verdict.outcome_unknown,
    Verdict.adequacy_undecided,
)


def _to_optimise(
    current: Sequence[Drug],
    verdicts: Sequence[TrialVerdict],
    failed: dict[str, int],
    intolerant: dict[str, int],
) -> tuple[tuple[str, TrialVerdict | None], ...]:
    """Drugs whose trial is not yet a test: short, low, not taken, ongoing or unknown.

    A drug that failed adequately or was not tolerated is never optimised; an antidepressant
    taken now without a recorded trial is (its dose and duration are unknown).
    """
    found: dict[str, TrialVerdict | None] = {}
    for v in _current_episode(verdicts):
        # Drug trials only: an esketamine course is a procedure, not a dose to optimise.
        if v.verdict in _WAITING and v.category in _DRUG_TRIALS:
            found.setdefault(v.treatment, v)
    for drug in current:
        if drug.kind is DrugKind.ANTIDEPRESSANT:
            found.setdefault(drug.id, None)
    return tuple((drug_id, v) for drug_id, v in found.items() if drug_id not in failed | intolerant)


def _lab_facts(record: PatientRecord) -> set[str]:
    settings = load_safety().settings
    facts: set[str] = set()
    labs = record.labs
    if labs is not None and labs.qtc_ms is not None:
        if labs.qtc_ms >= settings.qtc_caution_ms.value:
            facts.add("qtc_prolonged")
        if labs.qtc_ms >= settings.qtc_contraindication_ms.value:
            facts.add("qtc_high")
    if labs is not None and labs.egfr_ml_per_min is not None:
        if labs.egfr_ml_per_min < settings.egfr_caution_ml_per_min.value:
            facts.add("egfr_low")
        if labs.egfr_ml_per_min < settings.egfr_contraindication_ml_per_min.value:
            facts.add("egfr_very_low")
    return facts


def _facts(
    record: PatientRecord,
    diagnosis: Diagnosis,
    trd: TrdResult,
    flags: dict[FlagId, Flag],
    to_optimise: Sequence[tuple[str, TrialVerdict | None]],
) -> frozenset[str]:
    episode = record.current_episode
    verdicts = trd.trials
    suicide = flags.get(FlagId.suicide_risk)
    last = _last_concluded(record, verdicts)
    psychotic = episode is not None and episode.psychotic_features not in (
        None,
        PsychoticFeatures.none,
    )
    candidates = {
        "always": True,
        "psychotic_features": psychotic or FlagId.psychotic_features in flags,
        "catatonia": FlagId.catatonia in flags,
        "suicide_risk": suicide is not None,
        "suicide_risk_high": suicide is not None and suicide.level == "critical",
        "refusing_food_or_fluids": bool(episode and episode.urgent.refusing_food_or_fluids),
        "need_rapid_response": bool(episode and episode.urgent.need_rapid_response),
        "bipolar_disorder": FlagId.bipolar_disorder in flags,
        "bipolarity_risk": FlagId.bipolarity_risk in flags,
        "pseudo_resistance": trd.status is TrdStatus.pseudo_resistant
        or any(f in flags for f in _PSEUDO),
        "needs_optimisation": bool(to_optimise),
        "intolerance_in_episode": any(
            v.outcome is Outcome.intolerance for v in _current_episode(verdicts)
        ),
        "last_partial_response_tolerated": last is Outcome.partial_response,
        "last_no_response_or_intolerance": last in (Outcome.no_response, Outcome.intolerance),
        "severe_episode": diagnosis.mdd.severity == "severe"
        or bool(episode and episode.severity and episode.severity.value == "severe"),
        "recurrent_course": diagnosis.mdd.course == "recurrent",
        "chronic_course": FlagId.persistent_depressive_disorder in flags,
        "ect_prior_response": any(
            t.procedure is Procedure.ect and t.outcome in _RESPONDED for t in record.treatments
        ),
        "history_psychosis": record.history.schizophrenia_spectrum_disorder is True,
        "interaction_check_incomplete": FlagId.interaction_check_incomplete in flags,
    }
    return frozenset({k for k, v in candidates.items() if v} | _lab_facts(record))


def build_context(
    record: PatientRecord,
    diagnosis: Diagnosis,
    trd: TrdResult,
    flags: Sequence[Flag],
    pgx: PgxSection,
) -> Context:
    """Gather the facts of one assessment for the treatment rules.

    Parameters
    ----------
    record, diagnosis, trd, flags, pgx
        The assessment's parts, as ``assess`` computes them.

    Returns
    -------
    Context
    """
    catalogue = load_drug_catalogue()
    taken = current_drugs(record)
    known = [d for name in taken if (d := catalogue.resolve(name)) is not None]
    failed: dict[str, int] = {}
    intolerant: dict[str, int] = {}
    for v in trd.trials:
        if v.episode is Episode.current and _adequately_failed(v):
            failed.setdefault(v.treatment, v.index)
        if v.outcome is Outcome.intolerance:
            intolerant.setdefault(v.treatment, v.index)
    ongoing = frozenset(
        t.procedure.value
        for t in record.treatments
        if t.procedure is not None and t.outcome is Outcome.ongoing
    )
    by_id = {f.id: f for f in flags}
    current = tuple({d.id: d for d in known}.values())
    to_optimise = _to_optimise(current, trd.trials, failed, intolerant)
    return Context(
        record=record,
        diagnosis=diagnosis,
        trd=trd,
        flags=by_id,
        pgx=pgx,
        failures=trd.adequate_failed_trials,
        current=current,
        ongoing_procedures=ongoing,
        failed=failed,
        intolerant=intolerant,
        to_optimise=to_optimise,
        facts=_facts(record, diagnosis, trd, by_id, to_optimise),
    )
