"""The precomputations and caches of the treatment engine never change an answer.

Conditions compiled into set tests decide exactly as fact-by-fact evaluation; the caches keyed on
derived facts (holding conditions, rule plans, prerequisite outcomes, interaction effects,
washout steps, CPIC guidance) give the same options cold as warm, in any order; the sub-models
shared between assessments are frozen and equal to a fresh validation of their own dump.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import EXAMPLES
from patient_strategies import patient_dicts
from trdkit import assess, load_record
from trdkit.knowledge.treatment_rows import FACTS, Condition
from trdkit.pgx import guidance as pgx_guidance
from trdkit.pgx.guidance import guidance_all
from trdkit.record import PatientRecord, validate_record
from trdkit.treatment import conditions as compiled_conditions
from trdkit.treatment import interactions, options, prerequisites, rules, safety, washout
from trdkit.treatment.conditions import compiled, table_conditions
from trdkit.treatment.context import build_context
from trdkit.treatment.options import recommend

TABLE = table_conditions()
PARAMS = [f"{name}:{value}" for name, value in TABLE.params]


def _naive(condition: Condition, holds: Callable[[str], bool]) -> bool:
    return (
        all(holds(f) for f in condition.all)
        and (not condition.any or any(holds(f) for f in condition.any))
        and not any(holds(f) for f in condition.none)
    )


def _clear_caches() -> None:
    for cache in (
        compiled_conditions._HOLDING,
        rules._PLANS,
        safety._PLANS,
        prerequisites._OUTCOMES,
        options._AGENTS,
        interactions._EFFECTS,
        washout._STEPS,
        pgx_guidance._ALL,
        pgx_guidance._RESULTS,
    ):
        cache.clear()


def _recommended(record: PatientRecord, policy: str | None = None) -> str:
    a = assess(record, policy)
    found, excluded = recommend(record, a.diagnosis, a.trd, a.flags, a.pgx)
    return "\n".join(m.model_dump_json() for m in (*found, *excluded))


@pytest.fixture
def cold() -> Iterator[None]:
    _clear_caches()
    yield
    _clear_caches()


@settings(max_examples=60, deadline=None)
@given(
    plain=st.frozensets(st.sampled_from(sorted(FACTS))),
    params=st.frozensets(st.sampled_from(PARAMS)),
)
def test_conditions__compiled_decides_as_fact_by_fact(
    plain: frozenset[str], params: frozenset[str]
) -> None:
    def holds(fact: str) -> bool:
        return fact in plain or fact in params

    for condition in TABLE.conditions:
        assert compiled(condition).holds(plain, holds) == _naive(condition, holds)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_conditions__table_holding_matches_each_condition(example: Path) -> None:
    record = load_record(example)
    a = assess(record)
    ctx = build_context(record, a.diagnosis, a.trd, a.flags, a.pgx)
    expected = {id(c) for c in TABLE.conditions if _naive(c, ctx.holds)}
    assert ctx.table_holding() == expected
    fresh = build_context(record, a.diagnosis, a.trd, a.flags, a.pgx)
    assert all(fresh.satisfied(c) == (id(c) in expected) for c in TABLE.conditions)


def test_conditions__a_condition_outside_the_tables_is_decided_too() -> None:
    record = load_record(EXAMPLES[0])
    a = assess(record)
    ctx = build_context(record, a.diagnosis, a.trd, a.flags, a.pgx)
    made = Condition(all=("always",), none=("failures_at_least:99",))
    assert id(made) not in TABLE.ids
    assert ctx.satisfied(made) is True
    assert ctx.satisfied(Condition(any=("failures_at_least:99",))) is False


def test_recommend_caches__examples_cold_equal_warm_in_any_order(cold: None) -> None:
    records = [load_record(p) for p in EXAMPLES]
    first = {r.id: _recommended(r) for r in records}
    again = {r.id: _recommended(r) for r in reversed(records)}
    _clear_caches()
    fresh = {r.id: _recommended(r) for r in records[::2]}
    assert first == again
    assert all(fresh[key] == first[key] for key in fresh)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=patient_dicts(), second=patient_dicts(), policy=st.sampled_from([None, "ema_2013"]))
def test_recommend_caches__generated_cold_equals_warm(
    first: dict[str, object], second: dict[str, object], policy: str | None
) -> None:
    _clear_caches()
    record = validate_record(first)
    cold_text = _recommended(record, policy)
    _recommended(validate_record(second), policy)
    assert _recommended(record, policy) == cold_text


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_shared_models__options_equal_a_fresh_validation(example: Path) -> None:
    a = assess(load_record(example))
    for option in a.options:
        assert type(option).model_validate(option.model_dump()) == option
    for excluded in a.excluded_options:
        assert type(excluded).model_validate(excluded.model_dump()) == excluded


def test_shared_models__agents_and_evidence_are_frozen() -> None:
    a = assess(load_record(EXAMPLES[0]))
    option = next(o for o in a.options if o.agents)
    with pytest.raises(ValidationError):
        option.agents[0].dose_note = "changed"
    with pytest.raises(ValidationError):
        option.evidence[0].source = "changed"
    # Lists are the option's own: changing one never reaches another assessment.
    option.cautions.append("local")
    again = assess(load_record(EXAMPLES[0]))
    assert "local" not in next(o for o in again.options if o.id == option.id).cautions


def test_guidance_all__cached_equals_fresh_and_results_are_independent(cold: None) -> None:
    record = load_record(next(p for p in EXAMPLES if p.stem == "trd-with-genotypes"))
    section = assess(record).pgx
    drugs = sorted(section.drugs)
    fresh = guidance_all(section.genes, drugs)
    cached = guidance_all(section.genes, drugs)
    assert fresh == cached and fresh
    some = next(iter(cached.values()))
    some.because.append("changed")
    assert guidance_all(section.genes, drugs) == fresh
