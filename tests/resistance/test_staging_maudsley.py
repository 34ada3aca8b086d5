"""Maudsley Staging Method: every item combination, the bands, and how items are read."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from staging_builders import (
    ANTIDEPRESSANTS,
    ASSESSED_ON,
    add_on_trial,
    drug_trials,
    ect_trial,
    record,
    scale,
    scored,
)

from trdkit.knowledge.staging import load_staging_table
from trdkit.resistance.model import MaudsleyStage
from trdkit.resistance.staging.maudsley import duration_band, failure_band, stage_maudsley

RULES = load_staging_table().maudsley

# Published values (Fekadu 2018 Table 3), written out here so the table is checked against them.
MONTHS_FOR = {1: 6, 2: 18, 3: 30}
FAILURES_FOR = {1: 1, 2: 3, 3: 5, 4: 7, 5: 11}
SEVERITY_INPUT: dict[int, dict[str, Any]] = {
    1: {"scale": ("cgi_s", 2)},
    2: {"episode": {"severity": "mild"}},
    3: {"episode": {"severity": "moderate"}},
    4: {"episode": {"severity": "severe", "psychotic_features": "none"}},
    5: {"episode": {"severity": "severe", "psychotic_features": "mood_congruent"}},
}
PUBLISHED_BANDS = {"mild": range(3, 7), "moderate": range(7, 11), "severe": range(11, 16)}
COMBINATIONS = list(itertools.product(MONTHS_FOR, SEVERITY_INPUT, FAILURES_FOR, (0, 1), (0, 1)))


def published_band(score: int) -> str:
    return next(name for name, span in PUBLISHED_BANDS.items() if score in span)


def case(duration: int, severity: int, failures: int, aug: int, ect: int) -> MaudsleyStage | None:
    rows, verdicts = drug_trials(ANTIDEPRESSANTS[: FAILURES_FOR[failures]])
    if aug:
        row, v = add_on_trial(len(rows), "lithium", "mood_stabiliser")
        rows, verdicts = [*rows, row], [*verdicts, v]
    if ect:
        row, v = ect_trial(len(rows))
        rows, verdicts = [*rows, row], [*verdicts, v]
    spec = SEVERITY_INPUT[severity]
    episode = {"duration_months": MONTHS_FOR[duration], **spec.get("episode", {})}
    scales = [scale(*spec["scale"])] if "scale" in spec else []
    stage, _ = stage_maudsley(record(rows, episode=episode), verdicts, scales)
    return stage


@pytest.mark.parametrize(("duration", "severity", "failures", "aug", "ect"), COMBINATIONS)
def test_stage_maudsley__every_item_combination(
    duration: int, severity: int, failures: int, aug: int, ect: int
) -> None:
    stage = case(duration, severity, failures, aug, ect)
    assert stage is not None
    expected = {
        "duration": duration,
        "severity": severity,
        "antidepressants": failures,
        "augmentation": aug,
        "ect": ect,
    }
    assert stage.items == expected
    assert stage.score == sum(expected.values())
    assert 3 <= stage.score <= 15
    assert stage.band == published_band(stage.score)
    table_band = next(b for b in RULES.total_bands if b.lower <= stage.score <= b.upper)
    assert stage.band == table_band.band


def test_stage_maudsley__combinations_reach_every_total_from_3_to_15() -> None:
    totals = {d + s + f + a + e for d, s, f, a, e in COMBINATIONS}
    assert totals == set(range(3, 16))
    assert RULES.total_range() == (3, 15)


@pytest.mark.parametrize(
    ("items", "band"),
    [((1, 2, 1, 1, 1), "mild"), ((2, 2, 1, 1, 1), "moderate"),
     ((3, 3, 2, 1, 1), "moderate"), ((3, 4, 2, 1, 1), "severe")],
)  # fmt: skip
def test_stage_maudsley__band_boundaries_6_7_and_10_11(
    items: tuple[int, int, int, int, int], band: str
) -> None:
    stage = case(*items)
    assert stage is not None
    assert stage.score in (6, 7, 10, 11)
    assert stage.band == band


def test_stage_maudsley__max_without_psychosis_is_14() -> None:
    stage = case(3, 4, 5, 1, 1)
    assert stage is not None and stage.score == 14 and stage.band == "severe"


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0, max_value=600, allow_nan=False))
def test_duration_band__published_month_bands(months: float) -> None:
    expected = 1 if months <= 12 else 2 if months <= 24 else 3
    assert duration_band(RULES, months).points == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=40))
def test_failure_band__published_count_bands(count: int) -> None:
    expected = next(
        p for limit, p in ((2, 1), (4, 2), (6, 3), (10, 4), (10**6, 5)) if count <= limit
    )
    assert failure_band(RULES, count).points == expected


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2000))
def test_stage_maudsley__onset_is_counted_to_the_assessment_date(days: int) -> None:
    onset = ASSESSED_ON - dt.timedelta(days=days)
    rows, verdicts = drug_trials(ANTIDEPRESSANTS[:1])
    rec = record(rows, episode={"onset": onset.isoformat(), "severity": "moderate"})
    stage, _ = stage_maudsley(rec, verdicts, [])
    months = days / (365.25 / 12)
    assert stage is not None
    assert stage.items["duration"] == (1 if months <= 12 else 2 if months <= 24 else 3)


def _severity(episode: dict[str, Any], scales: list[dict[str, Any]]) -> tuple[Any, list[str]]:
    rows, verdicts = drug_trials(ANTIDEPRESSANTS[:1])
    rec = record(rows, episode={"duration_months": 6, **episode}, scales=scales)
    _, breakdown = stage_maudsley(rec, verdicts, scored(rec))
    return breakdown.items["severity"], breakdown.because


def test_stage_maudsley__psychotic_features_outrank_clinician_severity() -> None:
    severity, because = _severity(
        {"severity": "mild", "psychotic_features": "mood_incongruent"}, []
    )
    assert severity == 5
    assert any("mood-incongruent psychotic features" in b and "[U]" in b for b in because)


def test_stage_maudsley__clinician_severity_outranks_scales() -> None:
    cgi = {"instrument": "cgi_s", "date": "2025-05-01", "total": 7}
    severity, _ = _severity({"severity": "mild"}, [cgi])
    assert severity == 2


def test_stage_maudsley__cgi_s_outranks_hamd_and_latest_administration_wins() -> None:
    scales = [
        {"instrument": "cgi_s", "date": "2025-01-01", "total": 6},
        {"instrument": "cgi_s", "date": "2025-05-01", "total": 3},
        {"instrument": "hamd17", "date": "2025-05-20", "total": 30},
    ]
    severity, because = _severity({}, scales)
    assert severity == 2
    assert any("CGI-Severity 3 on 2025-05-01" in b for b in because)


@pytest.mark.parametrize(("total", "points"), [(7, 1), (8, 2), (16, 2), (17, 3), (23, 3), (24, 4)])
def test_stage_maudsley__hamd17_mapping_when_nothing_else(total: int, points: int) -> None:
    hamd = {"instrument": "hamd17", "date": "2025-05-01", "total": total}
    severity, because = _severity({}, [hamd])
    assert severity == points
    assert any("Zimmerman 2013 [U]" in b for b in because)


@pytest.mark.parametrize(
    ("episode", "verdicts_kept", "missing"),
    [
        ({"duration_months": 6, "severity": "moderate"}, 0, "no adequate failed antidepressant"),
        ({"severity": "moderate"}, 1, "onset and duration not recorded"),
        ({"duration_months": 6}, 1, "severity not recorded"),
    ],
)
def test_stage_maudsley__not_scored_without_a_failure_duration_or_severity(
    episode: dict[str, Any], verdicts_kept: int, missing: str
) -> None:
    rows, verdicts = drug_trials(ANTIDEPRESSANTS[:1])
    stage, breakdown = stage_maudsley(record(rows, episode=episode), verdicts[:verdicts_kept], [])
    assert stage is None
    assert "score" not in breakdown.items
    assert any("MSM not scored" in b and missing in b for b in breakdown.because)


def test_stage_maudsley__same_drug_twice_counts_once_and_inadequate_augmentation_counts() -> None:
    rows, verdicts = drug_trials([ANTIDEPRESSANTS[0], ANTIDEPRESSANTS[0], ANTIDEPRESSANTS[1]])
    row, aug = add_on_trial(3, "aripiprazole", "sga", adequate=False, weeks=2)
    rec = record([*rows, row], episode={"duration_months": 6, "severity": "moderate"})
    stage, breakdown = stage_maudsley(rec, [*verdicts, aug], [])
    assert stage is not None
    assert breakdown.items["antidepressant_count"] == 2
    assert stage.items["augmentation"] == 1
