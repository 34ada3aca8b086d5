"""Series rules: baseline, change, response, remission and the MADRS cut-off option."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from scales_strategies import make

from trdkit.scales import ScoringOptions, score_scales

JAN, MAR, JUN = dt.date(2025, 1, 10), dt.date(2025, 3, 10), dt.date(2025, 6, 10)


def test_series__fifty_percent_drop_is_response_not_remission() -> None:
    base, later = score_scales([make("phq9", JAN, total=20), make("phq9", MAR, total=10)])
    assert (base.change_from_baseline_pct, base.response, base.baseline_date) == (None, None, JAN)
    assert (later.change_from_baseline_pct, later.response, later.remission) == (-50.0, True, False)
    assert (later.baseline_date, later.remission_cutoff) == (JAN, 4)


def test_series__just_under_fifty_percent_is_no_response() -> None:
    _, later = score_scales([make("phq9", JAN, total=20), make("phq9", MAR, total=11)])
    assert (later.change_from_baseline_pct, later.response) == (-45.0, False)


def test_series__remission_at_the_cut_off() -> None:
    _, later = score_scales([make("qids_sr16", JAN, total=16), make("qids_sr16", MAR, total=5)])
    assert (later.remission, later.remission_cutoff, later.response) == (True, 5, True)


def test_series__worsening_gives_a_positive_change() -> None:
    _, later = score_scales([make("hamd17", JAN, total=10), make("hamd17", MAR, total=15)])
    assert (later.change_from_baseline_pct, later.response) == (50.0, False)


def test_series__baseline_is_earliest_valid_total_not_input_order() -> None:
    invalid = make("phq9", dt.date(2024, 12, 1), items=[None, None, None, 1, 1, 1, 1, 1, 1])
    results = score_scales(
        [
            make("phq9", JUN, total=6),
            invalid,
            make("phq9", MAR, total=12),
            make("gad7", JAN, total=9),
        ]
    )
    assert [r.date for r in results] == [JUN, dt.date(2024, 12, 1), MAR, JAN]  # input order
    assert results[0].baseline_date == MAR and results[0].change_from_baseline_pct == -50.0
    assert results[1].baseline_date is None and results[1].change_from_baseline_pct is None
    assert results[3].baseline_date == JAN and results[3].response is None  # GAD-7: no rule


def test_series__zero_baseline_leaves_change_undefined() -> None:
    _, later = score_scales([make("phq9", JAN, total=0), make("phq9", MAR, total=5)])
    assert (later.change_from_baseline_pct, later.response, later.baseline_date) == (
        None,
        None,
        JAN,
    )
    assert any("change not defined" in b for b in later.because)


def test_series__same_date_tie_uses_input_order_for_baseline() -> None:
    first, second = score_scales([make("madrs", JAN, total=30), make("madrs", JAN, total=15)])
    assert first.change_from_baseline_pct is None
    assert (second.change_from_baseline_pct, second.response) == (-50.0, True)


@pytest.mark.parametrize(("cut_off", "remission"), [(10, False), (12, True)])
def test_series__madrs_remission_cut_off_is_configurable_and_recorded(
    cut_off: int, remission: bool
) -> None:
    options = ScoringOptions(madrs_remission_max=cut_off)
    _, later = score_scales([make("madrs", JAN, total=34), make("madrs", MAR, total=11)], options)
    assert (later.remission, later.remission_cutoff) == (remission, cut_off)


def test_scoring_options__madrs_default_from_knowledge_is_10() -> None:
    assert ScoringOptions().madrs_remission_max == 10


def test_scoring_options__madrs_cut_off_outside_the_alternatives_is_refused() -> None:
    with pytest.raises(ValidationError, match="10 or 12"):
        ScoringOptions(madrs_remission_max=11)


@pytest.mark.parametrize(("rating", "response"), [(1, True), (2, True), (3, False), (7, False)])
def test_series__cgi_i_response_is_rating_1_or_2(rating: int, response: bool) -> None:
    (result,) = score_scales([make("cgi_i", total=rating)])
    assert (result.response, result.change_from_baseline_pct, result.remission) == (
        response,
        None,
        None,
    )


def test_series__screens_and_cgi_s_get_no_change_or_response() -> None:
    results = score_scales(
        [make("cgi_s", JAN, total=5), make("cgi_s", MAR, total=3), make("hcl32", JAN, total=20)]
    )
    for result in results:
        assert (result.change_from_baseline_pct, result.response, result.remission) == (
            None,
            None,
            None,
        )
