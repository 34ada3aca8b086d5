"""QIDS-SR16: the domain-maximum rule, worked by hand."""

from __future__ import annotations

from scales_strategies import make

from trdkit.scales import score_scales

# Hand-computed: sleep max(1, 2, 0, 3) = 3, sad mood 2, appetite/weight max(0, 1, 3, 0) = 3,
# concentration 1, self-view 2, suicide 0, interest 1, energy 2, psychomotor max(1, 3) = 3;
# 3 + 2 + 3 + 1 + 2 + 0 + 1 + 2 + 3 = 17 -> severe (16-20).
WORKED = [1, 2, 0, 3, 2, 0, 1, 3, 0, 1, 2, 0, 1, 2, 1, 3]


def test_qids__worked_example_is_17_severe() -> None:
    (result,) = score_scales([make("qids_sr16", items=WORKED)])
    assert (result.total, result.band, result.valid, result.prorated) == (17, "severe", True, False)
    assert result.loinc is None


def test_qids__all_threes_is_27_very_severe() -> None:
    (result,) = score_scales([make("qids_sr16", items=[3] * 16)])
    assert (result.total, result.band) == (27, "very_severe")


def test_qids__multi_item_domain_scores_from_its_answered_items() -> None:
    items: list[int | None] = list(WORKED)
    items[3] = None  # the 3 of the sleep domain is missing; item 2 (= 2) now leads it
    (result,) = score_scales([make("qids_sr16", items=items)])
    assert (result.total, result.missing_items, result.valid) == (16, [4], True)
    assert any("sleep scored from their answered items" in b for b in result.because)


def test_qids__domain_without_any_answer_leaves_total_incomplete() -> None:
    items: list[int | None] = list(WORKED)
    items[14] = items[15] = None  # both psychomotor items
    (result,) = score_scales([make("qids_sr16", items=items)])
    assert (result.total, result.band, result.valid) == (None, None, False)
    assert any("psychomotor" in b and "incomplete" in b for b in result.because)


def test_qids__missing_single_item_domain_leaves_total_incomplete() -> None:
    items: list[int | None] = list(WORKED)
    items[4] = None  # sad mood is a domain of one item
    (result,) = score_scales([make("qids_sr16", items=items)])
    assert result.total is None and not result.valid


def test_qids__total_only_is_banded() -> None:
    (result,) = score_scales([make("qids_sr16", total=5)])
    assert (result.total, result.band, result.items_assessed) == (5, "none_minimal", False)
