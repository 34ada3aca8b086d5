"""MGH-s: the score is the published arithmetic over the episode's trials."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from staging_builders import add_on_trial, drug_trials, ect_trial, record, verdict

from trdkit.knowledge.staging import load_staging_table
from trdkit.record.vocab import Episode
from trdkit.resistance.model import TrialVerdict
from trdkit.resistance.staging.mgh_s import stage_mgh_s

# Fava 2003 as summarised in Hägg 2020 Panel 1: written out here to check the table.
PUBLISHED = {
    "adequate_failed_trial": 1.0,
    "dose_optimisation": 0.5,
    "duration_optimisation": 0.5,
    "augmentation_or_combination": 0.5,
    "ect_course": 3.0,
}

trial_specs = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["antidepressant", "augmentation", "combination", "ect"]),
            "adequate": st.sampled_from([True, False, None]),
            "failed": st.booleans(),
            "optimised": st.sampled_from([None, "none", "dose", "duration", "both"]),
            "prior": st.booleans(),
        }
    ),
    max_size=8,
)


def expected_score(specs: list[dict[str, Any]]) -> float:
    score = 0.0
    for s in specs:
        if s["prior"] or not s["failed"]:
            continue
        if s["kind"] == "ect":
            score += 3.0 if s["adequate"] is not False else 0.0
            continue
        if s["adequate"] is not True:
            continue
        score += 1.0 if s["kind"] == "antidepressant" else 0.5
        score += 0.5 if s["optimised"] in ("dose", "both") else 0.0
        score += 0.5 if s["optimised"] in ("duration", "both") else 0.0
    return score


def build(specs: list[dict[str, Any]]) -> tuple[Any, list[TrialVerdict]]:
    rows: list[dict[str, Any]] = []
    verdicts: list[TrialVerdict] = []
    for i, s in enumerate(specs):
        if s["kind"] == "ect":
            row, _ = ect_trial(i)
            name, category, cls = "ect", "neuromodulation", None
        elif s["kind"] == "antidepressant":
            row = {"drug": "sertraline", "weeks_at_dose": 8, "outcome": "no_response"}
            name, category, cls = "sertraline", "antidepressant", "ssri"
        else:
            row, _ = add_on_trial(i, "lithium", "mood_stabiliser", role=s["kind"])
            name, category, cls = "lithium", s["kind"], "mood_stabiliser"
        rows.append(row)
        verdicts.append(
            verdict(
                i,
                name,
                category,
                cls,
                adequate=s["adequate"],
                failed=s["failed"],
                optimised=s["optimised"],
                episode=Episode.prior if s["prior"] else Episode.current,
            )
        )
    return record(rows), verdicts


def test_mgh_s_table__points_are_the_published_ones() -> None:
    rules = load_staging_table().mgh_s
    assert {p.item: p.points for p in rules.points} == PUBLISHED
    assert rules.item("duration_optimisation").confidence == "K"


@settings(max_examples=80, deadline=None)
@given(trial_specs)
def test_stage_mgh_s__score_is_the_published_arithmetic(specs: list[dict[str, Any]]) -> None:
    rec, verdicts = build(specs)
    score, breakdown = stage_mgh_s(rec, verdicts, [])
    assert score == expected_score(specs)
    assert breakdown.items["score"] == score
    assert score >= 0 and (score * 2).is_integer()
    assert breakdown.because[-1] == f"MGH-s total {score:g} (Fava 2003)"


def test_stage_mgh_s__worked_example_three_and_a_half() -> None:
    rows, verdicts = drug_trials([("sertraline", "ssri"), ("venlafaxine", "snri")])
    verdicts[0] = verdict(0, "sertraline", "antidepressant", "ssri", optimised="dose")
    row, aug = add_on_trial(2, "aripiprazole", "sga", base="venlafaxine")
    score, breakdown = stage_mgh_s(record([*rows, row]), [*verdicts, aug], [])
    # 1 + 0.5 (dose) + 1 + 0.5 (augmentation)
    assert score == 3.0
    assert breakdown.items["dose_optimised"] == 1
    assert breakdown.items["augmentation_or_combination"] == 1


@pytest.mark.parametrize(("courses", "score"), [(1, 3.0), (2, 6.0)])
def test_stage_mgh_s__three_points_per_failed_ect_course(courses: int, score: float) -> None:
    pairs = [ect_trial(i) for i in range(courses)]
    rec = record([row for row, _ in pairs])
    got, breakdown = stage_mgh_s(rec, [v for _, v in pairs], [])
    assert got == score
    assert breakdown.items["ect_courses"] == courses


def test_stage_mgh_s__nothing_failed_scores_zero_with_a_reason() -> None:
    score, breakdown = stage_mgh_s(record(), [], [])
    assert score == 0.0
    assert "MGH-s 0" in breakdown.because[0]


def test_stage_mgh_s__both_optimisations_add_a_point() -> None:
    rows, verdicts = drug_trials([("nortriptyline", "tca")])
    verdicts[0] = verdict(0, "nortriptyline", "antidepressant", "tca", optimised="both")
    score, breakdown = stage_mgh_s(record(rows), verdicts, [])
    assert score == 2.0
    assert sum("optimised: +0.5" in b for b in breakdown.because) == 2
