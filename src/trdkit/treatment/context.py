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
from trdkit.pgx.model import PgxSection
from trdkit.pgx.record import current_drugs
from trdkit.record import PatientRecord
from trdkit.record.vocab import Episode, Outcome
from trdkit.resistance.model import TrdResult, TrialCategory, TrialVerdict, Verdict
from trdkit.treatment.conditions import compiled, holding_conditions, table_conditions
from trdkit.treatment.facts import current_episode, named_facts

__all__ = ["Context", "build_context"]

_DRUG_TRIALS = (TrialCategory.antidepressant, TrialCategory.augmentation, TrialCategory.combination)

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
    current_set: frozenset[str] = field(init=False)
    """Catalogue ids of the drugs taken now (read for every option)."""
    current_key: tuple[str, ...] = field(init=False)
    """The same ids in order (a cache key)."""
    # Per-assessment memos. Conditions are keyed by identity and stored beside their answer, so
    # a key can never be confused with a later object reusing the id of a collected one.
    _memo: dict[int, tuple[Condition, bool]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _held: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        ids = tuple(d.id for d in self.current)
        object.__setattr__(self, "current_set", frozenset(ids))
        object.__setattr__(self, "current_key", ids)

    @property
    def assessed_on(self) -> dt.date:
        """The assessment date."""
        return self.record.assessed_on

    def current_ids(self) -> set[str]:
        """Catalogue ids of the drugs taken now."""
        return set(self.current_set)

    def current_antidepressants(self) -> tuple[Drug, ...]:
        """Antidepressants taken now."""
        return tuple(d for d in self.current if d.kind is DrugKind.ANTIDEPRESSANT)

    def holds(self, fact: str) -> bool:
        """Whether a named fact (``psychotic_features``, ``failures_at_least:2``...) holds.

        Unknown data never makes a fact hold: an unknown age is neither under nor over a limit.
        Each fact is decided once per assessment (the rules of every option ask the same ones).
        """
        known = self._held.get(fact)
        if known is None:
            known = self._held[fact] = self._decide(fact)
        return known

    def _decide(self, fact: str) -> bool:
        if ":" not in fact:
            if fact not in FACTS:
                raise ValueError(f"unknown fact {fact!r}")
            return fact in self.facts
        name, value = fact.split(":", 1)
        if name not in FACT_PREFIXES:
            raise ValueError(f"unknown fact {fact!r}")
        return self.decide_param(name, value)

    def decide_param(self, name: str, value: str) -> bool:
        """Whether the parametrised fact ``name:value`` holds (``name`` a known prefix)."""
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
        return value in self.once("facts.recorded", _recorded)[name]

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, worked out once per assessment and kept under ``key``.

        The rules ask the same per-patient questions for every option (which rules hold, which
        drugs are washout partners); answering them once keeps the per-option work small.
        """
        try:
            value: T = self._derived[key]
        except KeyError:
            value = self._derived[key] = compute()
        return value

    def once(self, key: str, compute: Callable[[Context], T]) -> T:
        """``compute(self)``, worked out once per assessment and kept under ``key``.

        As :meth:`derived`, for module-level functions: nothing is allocated per question.
        """
        try:
            value: T = self._derived[key]
        except KeyError:
            value = self._derived[key] = compute(self)
        return value

    def fact_key(self) -> tuple[frozenset[str], int]:
        """The plain facts, and one bit per parametrised fact the tables name that holds.

        Every table condition, and every fact a table names, is decided by this key alone.
        """
        return self.once("conditions.key", _fact_key)

    def table_holding(self) -> frozenset[int]:
        """Ids of the conditions of the treatment tables that hold (decided once, all at once)."""
        return self.once("conditions.table", _table_holding)

    def satisfied(self, condition: Condition) -> bool:
        """Whether ``condition`` holds for this patient (each condition is decided once)."""
        # The table keeps its conditions alive: an id among them is that very object.
        if id(condition) in table_conditions().ids:
            return id(condition) in self.table_holding()
        entry = self._memo.get(id(condition))
        if entry is not None and entry[0] is condition:
            return entry[1]
        known = compiled(condition).holds(self.facts, self.holds)
        self._memo[id(condition)] = (condition, known)
        return known


def _recorded(ctx: Context) -> dict[str, frozenset[str]]:
    """The record's medical conditions, comorbidities and current specifiers, by fact prefix."""
    history = ctx.record.history
    episode = ctx.record.current_episode
    return {
        "medical": frozenset(m.value for m in history.medical),
        "comorbidity": frozenset(c.value for c in history.comorbidities),
        "specifier": frozenset(s.value for s in episode.specifiers) if episode else frozenset(),
    }


def _fact_key(ctx: Context) -> tuple[frozenset[str], int]:
    bits = 0
    for position, (name, value) in enumerate(table_conditions().params):
        if ctx.decide_param(name, value):
            bits |= 1 << position
    return ctx.facts, bits


def _table_holding(ctx: Context) -> frozenset[int]:
    facts, bits = ctx.fact_key()
    return holding_conditions(facts, bits, ctx.holds)


def _adequately_failed(verdict: TrialVerdict) -> bool:
    # Kinds the policy does not count (esketamine, CBT) still failed when adequate.
    return verdict.verdict is Verdict.adequate_failure or (
        verdict.adequate is True and verdict.failed_outcome
    )


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
    for v in current_episode(verdicts):
        # Drug trials only: an esketamine course is a procedure, not a dose to optimise.
        if v.verdict in _WAITING and v.category in _DRUG_TRIALS:
            found.setdefault(v.treatment, v)
    for drug in current:
        if drug.kind is DrugKind.ANTIDEPRESSANT:
            found.setdefault(drug.id, None)
    return tuple((drug_id, v) for drug_id, v in found.items() if drug_id not in failed | intolerant)


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
        facts=named_facts(record, diagnosis, trd, by_id, to_optimise),
    )
