"""Single versus recurrent from episode dates: the 2-month interval and missing dates."""

from __future__ import annotations

import datetime as dt

import pytest
from diagnosis_records import make_record

from trdkit.diagnosis.course import CourseResult, add_months, determine_course


def _course(onset: str, priors: list[dict[str, str]]) -> CourseResult:
    record = make_record(
        episode={"onset": onset}, history={"prior_episodes": priors}, recurrent=False
    )
    return determine_course(record)


def test_course__exactly_two_months_is_recurrent() -> None:
    result = _course("2024-03-10", [{"start": "2023-10-01", "end": "2024-01-10"}])
    assert result.course == "recurrent"


def test_course__one_day_less_than_two_months_is_single() -> None:
    result = _course("2024-03-09", [{"start": "2023-10-01", "end": "2024-01-10"}])
    assert result.course == "single"
    assert any("not a separate episode" in r for r in result.because)


def test_course__month_end_boundary_clamps() -> None:
    prior = [{"start": "2023-10-01", "end": "2023-12-31"}]
    assert _course("2024-02-29", prior).course == "recurrent"
    assert _course("2024-02-28", prior).course == "single"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2024, 1, 10), 2, dt.date(2024, 3, 10)),
        (dt.date(2023, 12, 31), 2, dt.date(2024, 2, 29)),
        (dt.date(2025, 6, 1), -3, dt.date(2025, 3, 1)),
        (dt.date(2025, 1, 31), -2, dt.date(2024, 11, 30)),
    ],
)
def test_add_months__calendar_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_course__no_prior_episode_is_single() -> None:
    assert determine_course(make_record()).course == "single"


def test_course__prior_without_end_is_undecided_and_named() -> None:
    result = determine_course(make_record(history={"prior_episodes": [{"start": "2020-01-01"}]}))
    assert result.course is None
    assert result.undecided == (
        "course: end date of the prior episode starting 2020-01-01 not recorded",
    )


def test_course__another_prior_decides_despite_missing_end() -> None:
    priors = [{"start": "2015-01-01", "end": "2015-05-01"}, {"start": "2020-01-01"}]
    result = determine_course(make_record(history={"prior_episodes": priors}))
    assert result.course == "recurrent"
    assert result.undecided == ()


def test_course__undeterminable_onset_is_undecided() -> None:
    record = make_record(
        episode={"onset": None},
        history={"prior_episodes": [{"start": "2020-01-01", "end": "2020-03-01"}]},
    )
    result = determine_course(record)
    assert result.course is None
    assert any("current episode onset" in u for u in result.undecided)


def test_course__onset_estimated_from_duration() -> None:
    # assessed 2025-06-01 minus 3 months = 2025-03-01; the prior ended 2025-01-01: exactly 2 months.
    record = make_record(
        episode={"duration_months": 3},
        history={"prior_episodes": [{"start": "2024-10-01", "end": "2025-01-01"}]},
    )
    result = determine_course(record)
    assert result.onset == dt.date(2025, 3, 1)
    assert result.course == "recurrent"
    assert any("estimated" in r for r in result.because)


def test_course__no_current_episode_uses_prior_episodes() -> None:
    one = [{"start": "2020-01-01"}]
    assert determine_course(
        make_record(no_episode=True, history={"prior_episodes": one})
    ).course == ("single")
    two = [
        {"start": "2015-01-01", "end": "2015-04-01"},
        {"start": "2015-05-01", "end": "2015-09-01"},
    ]
    result = determine_course(make_record(no_episode=True, history={"prior_episodes": two}))
    assert result.course == "single"  # one month apart: one episode


def test_course__chart_code_hint_when_undecided() -> None:
    record = make_record(
        history={
            "prior_episodes": [{"start": "2020-01-01"}],
            "diagnoses": [{"system": "icd10cm", "code": "F33.1"}],
        }
    )
    result = determine_course(record)
    assert result.course is None
    assert any("F33.1" in r and "informative only" in r for r in result.because)
