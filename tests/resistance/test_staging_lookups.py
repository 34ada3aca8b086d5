"""Staging look-ups on the hot path: category tests by enum member, memoised citation texts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from staging_builders import verdict

from trdkit.knowledge.staging import load_staging_table
from trdkit.record.vocab import Episode
from trdkit.resistance.model import TrialCategory, TrialVerdict
from trdkit.resistance.staging._trials import adequate_failures, failed_in_categories

CATEGORIES = list(TrialCategory)

_trial = st.tuples(
    st.sampled_from(CATEGORIES),
    st.sampled_from([True, False, None]),
    st.booleans(),
    st.sampled_from(list(Episode)),
)


def _verdicts(specs: list[tuple[TrialCategory, bool | None, bool, Episode]]) -> list[TrialVerdict]:
    return [
        verdict(i, "sertraline", category, adequate=adequate, failed=failed, episode=episode)
        for i, (category, adequate, failed, episode) in enumerate(specs)
    ]


@settings(max_examples=60, deadline=None)
@given(
    specs=st.lists(_trial, max_size=6),
    wanted=st.sets(st.sampled_from([c.value for c in CATEGORIES])),
)
def test_adequate_failures__member_test_matches_value_test(
    specs: list[tuple[TrialCategory, bool | None, bool, Episode]], wanted: set[str]
) -> None:
    verdicts = _verdicts(specs)
    expected = [
        v
        for v in verdicts
        if v.episode is Episode.current
        and v.category.value in wanted
        and v.adequate is True
        and v.failed_outcome
    ]
    assert adequate_failures(verdicts, wanted) == expected
    assert adequate_failures(verdicts, tuple(wanted)) == expected


@settings(max_examples=60, deadline=None)
@given(
    specs=st.lists(_trial, max_size=6),
    wanted=st.sets(st.sampled_from([c.value for c in CATEGORIES])),
    require_adequate=st.booleans(),
)
def test_failed_in_categories__member_test_matches_value_test(
    specs: list[tuple[TrialCategory, bool | None, bool, Episode]],
    wanted: set[str],
    require_adequate: bool,
) -> None:
    verdicts = _verdicts(specs)
    expected = [
        v
        for v in verdicts
        if v.episode is Episode.current
        and v.category.value in wanted
        and v.failed_outcome
        and (v.adequate is True or not require_adequate)
    ]
    got = failed_in_categories(verdicts, wanted, require_adequate=require_adequate)
    assert got == expected


def test_citations__memo_follows_the_header_object() -> None:
    table = load_staging_table()
    keys = ("fava2003",)
    first = table.citations(keys)
    assert first == table.citations(keys)
    sources = [s.model_copy(update={"citation": f"changed {s.key}"}) for s in table.header.sources]
    header = table.header.model_copy(update={"sources": sources})
    changed = table.model_copy(update={"header": header})
    assert changed.citations(keys) == "changed fava2003"
    assert table.citations(keys) == first  # the packaged table keeps its own text
