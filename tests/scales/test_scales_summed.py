"""Summed instruments: published examples and the missing-item rules case by case."""

from __future__ import annotations

import pytest
from scales_strategies import make

from trdkit.scales import ScaleResult, score_scales


def score_one(instrument: str, **fields: object) -> ScaleResult:
    (result,) = score_scales([make(instrument, **fields)])
    return result


def test_phq9__all_threes_is_27_severe_major_syndrome() -> None:
    result = score_one("phq9", items=[3] * 9)
    assert (result.total, result.band, result.band_label) == (27, "severe", "Severe")
    assert result.algorithm == "major_depressive_syndrome"
    assert (result.item9, result.loinc, result.items_assessed) == (3, "44261-6", True)
    assert not result.prorated and result.valid and result.missing_items == []
    assert "PHQ-9 total 27 -> severe (Kroenke 2001)" in result.because


def test_phq9__all_zeros_is_0_none_minimal_no_syndrome() -> None:
    result = score_one("phq9", items=[0] * 9)
    assert (result.total, result.band, result.algorithm, result.item9) == (
        0,
        "none_minimal",
        "none",
        0,
    )


def test_phq9__contract_example_items_score_15_moderately_severe() -> None:
    result = score_one("phq9", items=[2, 3, 2, 2, 1, 2, 2, 1, 0])
    assert (result.total, result.band) == (15, "moderately_severe")
    assert result.algorithm == "major_depressive_syndrome"


def test_phq9__two_missing_prorates_with_half_up_rounding() -> None:
    # 4 over 7 answered items -> 4 x 9 / 7 = 5.14 -> 5; items 3 and 5 missing.
    result = score_one("phq9", items=[1, 1, None, 1, None, 1, 0, 0, 0])
    assert (result.total, result.prorated, result.valid) == (5, True, True)
    assert result.missing_items == [3, 5]
    # 4 over 8 answered items x 9 = 4.5: a tie, rounded up.
    tie = score_one("phq9", items=[1, 1, 1, 1, 0, 0, 0, 0, None])
    assert (tie.total, tie.prorated) == (5, True)


def test_phq9__three_missing_is_invalid_without_band() -> None:
    result = score_one("phq9", items=[3, 3, None, None, None, 3, 3, 3, 3])
    assert (result.total, result.band, result.valid, result.prorated) == (None, None, False, False)
    assert any("total not valid (Arrieta 2017)" in b for b in result.because)
    # Six counted symptoms with items 1 and 2 present: missing answers cannot change it.
    assert result.algorithm == "major_depressive_syndrome"


def test_phq9__missing_item9_is_never_imputed() -> None:
    result = score_one("phq9", items=[2, 2, 2, 2, 2, 2, 2, 2, None])
    assert result.item9 is None and result.prorated and result.total == 18
    assert any("suicidality not assessed" in b for b in result.because)


def test_phq9__missing_item9_leaves_algorithm_undetermined_when_it_decides() -> None:
    # Items 1, 2, 3, 4 counted: item 9 would make the fifth symptom.
    result = score_one("phq9", items=[2, 2, 2, 2, 0, 0, 0, 0, None])
    assert result.algorithm == "undetermined"


def test_phq9__item9_positive_is_reported_as_a_safety_signal() -> None:
    result = score_one("phq9", items=[0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.item9 == 1 and result.total == 1 and result.band == "none_minimal"
    assert any("safety signal" in b for b in result.because)


def test_phq9__total_only_leaves_item_rules_not_assessed() -> None:
    result = score_one("phq9", total=12)
    assert (result.total, result.band, result.items_assessed) == (12, "moderate", False)
    assert result.algorithm is None and result.item9 is None
    assert any("not assessed" in b for b in result.because)


@pytest.mark.parametrize(
    ("items", "positive", "total"),
    # A missing PHQ-2 item may be 3, so only a 3 already answered decides a partial screen.
    [([2, 1], True, 3), ([1, 1], False, 2), ([3, None], True, None), ([0, None], None, None)],
)
def test_phq2__screen_at_three_decided_only_when_missing_cannot_change_it(
    items: list[int | None], positive: bool | None, total: int | None
) -> None:
    result = score_one("phq2", items=items)
    assert (result.positive, result.total, result.loinc) == (positive, total, "55758-7")


def test_gad7__ten_is_moderate_and_positive_for_further_evaluation() -> None:
    result = score_one("gad7", items=[2, 2, 2, 1, 1, 1, 1])
    assert (result.total, result.band, result.positive) == (10, "moderate", True)


def test_gad7__prorates_like_phq9() -> None:
    result = score_one("gad7", items=[3, 3, None, 3, 3, None, 3])
    assert (result.total, result.prorated, result.band) == (21, True, "severe")


@pytest.mark.parametrize("instrument", ["hamd17", "madrs"])
def test_clinician_scales__any_missing_item_invalidates(instrument: str) -> None:
    items: list[int | None] = [1] * (17 if instrument == "hamd17" else 10)
    items[0] = None
    result = score_one(instrument, items=items)
    assert (result.total, result.valid, result.prorated) == (None, False, False)


def test_hamd17__zimmerman_bands_at_the_boundaries() -> None:
    assert [score_one("hamd17", total=t).band for t in (7, 8, 16, 17, 23, 24, 52)] == [
        "none_minimal",
        "mild",
        "mild",
        "moderate",
        "moderate",
        "severe",
        "severe",
    ]


def test_hcl32__fourteen_yes_is_positive_thirteen_negative() -> None:
    assert score_one("hcl32", items=[1] * 14 + [0] * 18).positive is True
    assert score_one("hcl32", items=[1] * 13 + [0] * 19).positive is False


def test_hcl32__missing_answers_decide_the_screen_only_when_they_cannot_change_it() -> None:
    assert score_one("hcl32", items=[1] * 14 + [None] * 18).positive is True
    assert score_one("hcl32", items=[0] * 30 + [None] * 2).positive is False
    undecided = score_one("hcl32", items=[1] * 12 + [None] * 2 + [0] * 18)
    assert undecided.positive is None and undecided.total is None


@pytest.mark.parametrize(
    ("yes", "same_period", "problem", "positive"),
    [
        (7, True, "moderate", True),
        (13, True, "serious", True),
        (6, True, "serious", False),
        (7, False, "serious", False),
        (7, True, "minor", False),
        (7, None, "serious", None),
        (7, True, None, None),
        (6, None, None, False),
    ],
)
def test_mdq__hirschfeld_three_part_rule(
    yes: int, same_period: bool | None, problem: str | None, positive: bool | None
) -> None:
    items = [1] * yes + [0] * (13 - yes)
    result = score_one("mdq", items=items, same_period=same_period, problem=problem)
    assert (result.total, result.positive) == (yes, positive)


def test_mdq__missing_part1_counts_as_no() -> None:
    result = score_one("mdq", items=[1] * 6 + [None] * 7, same_period=True, problem="serious")
    assert (result.total, result.valid, result.positive) == (6, True, False)
    assert result.missing_items == list(range(7, 14))


def test_mdq__total_only_still_uses_parts_two_and_three() -> None:
    result = score_one("mdq", total=9, same_period=True, problem="moderate")
    assert (result.total, result.positive, result.items_assessed) == (9, True, False)
