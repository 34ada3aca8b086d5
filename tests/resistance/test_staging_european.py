"""European Staging Method: failures and classes -> category, the week check and CRD."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest
from staging_builders import (
    ANTIDEPRESSANTS,
    DRUGS_BY_GROUP,
    add_on_trial,
    drug_trials,
    ect_trial,
    record,
    verdict,
)

from trdkit.knowledge.staging import load_staging_table
from trdkit.resistance.model import TrialVerdict
from trdkit.resistance.staging.european import european_category, stage_european

RULES = load_staging_table().european
CLASSES = ("ssri", "snri", "tca", "maoi", "other", "ect")
CHAINS = [c for n in range(6) for c in itertools.combinations_with_replacement(CLASSES, n)]

# Souery 1999 week bands (via Hägg 2020 Panel 1), written out to check the table.
PUBLISHED_WEEKS = {
    "non_responder": (6, 8),
    "TRD1": (12, 16),
    "TRD2": (18, 24),
    "TRD3": (24, 32),
    "TRD4": (30, 40),
    "TRD5": (36, 52),
}


def oracle(chain: tuple[str, ...]) -> str | None:
    """TRD level = failures - 1 (capped at 5) when at least two classes failed."""
    if not chain:
        return None
    if len(chain) == 1 or len(set(chain)) < 2:
        return "non_responder"
    return f"TRD{min(len(chain) - 1, 5)}"


def build(chain: tuple[str, ...], weeks: float = 8) -> tuple[Any, list[TrialVerdict]]:
    rows: list[dict[str, Any]] = []
    verdicts: list[TrialVerdict] = []
    used: Counter[str] = Counter()
    for i, group in enumerate(chain):
        if group == "ect":
            row, v = ect_trial(i)
        else:
            name, cls = DRUGS_BY_GROUP[group][used[group] % 3]
            row = {"drug": name, "weeks_at_dose": weeks, "outcome": "no_response"}
            v = verdict(i, name, "antidepressant", cls, weeks=weeks)
        used[group] += 1
        rows.append(row)
        verdicts.append(v)
    return record(rows), verdicts


def test_european_table__levels_are_the_published_week_bands() -> None:
    got = {lv.category: (lv.min_weeks, lv.max_weeks) for lv in RULES.levels}
    assert got == PUBLISHED_WEEKS
    assert [lv.failures for lv in RULES.levels] == [1, 2, 3, 4, 5, 6]
    assert RULES.level_from_failures.confidence == "U"


@pytest.mark.parametrize("chain", CHAINS, ids=lambda c: "-".join(c) or "none")
def test_stage_european__category_follows_failures_and_classes(chain: tuple[str, ...]) -> None:
    rec, verdicts = build(chain)
    category, breakdown = stage_european(rec, verdicts, [])
    assert category == oracle(chain)
    assert breakdown.items["category"] == category
    assert breakdown.items["adequate_failures"] == len(chain)
    assert breakdown.items["classes"] == len(set(chain))


@pytest.mark.parametrize(("failures", "expected"), [(6, "TRD5"), (7, "TRD5"), (12, "TRD5")])
def test_stage_european__level_is_capped_at_trd5(failures: int, expected: str) -> None:
    rows, verdicts = drug_trials(ANTIDEPRESSANTS[:failures])
    category, _ = stage_european(record(rows), verdicts, [])
    assert category == expected


@pytest.mark.parametrize(
    ("failures", "classes", "expected"),
    [(0, 0, None), (1, 1, "non_responder"), (3, 1, "non_responder"), (2, 2, "TRD1"),
     (4, 2, "TRD3"), (9, 5, "TRD5")],
)  # fmt: skip
def test_european_category__mapping(failures: int, classes: int, expected: str | None) -> None:
    level, note = european_category(RULES, failures, classes)
    assert (level.category if level else None) == expected
    assert (note is not None) == (failures >= 2 and classes < 2)


@pytest.mark.parametrize(("weeks", "where"), [(7.0, "within"), (10.0, "outside")])
def test_stage_european__weeks_are_only_a_consistency_check(weeks: float, where: str) -> None:
    rec, verdicts = build(("ssri", "snri"), weeks=weeks)
    category, breakdown = stage_european(rec, verdicts, [])
    assert category == "TRD1"
    assert any(f"{where} the 12-16 weeks of TRD1" in b for b in breakdown.because)


def test_stage_european__same_class_failures_say_why_not_trd() -> None:
    rec, verdicts = build(("ssri", "ssri", "ssri"))
    category, breakdown = stage_european(rec, verdicts, [])
    assert category == "non_responder"
    assert any("all of one class" in b and "[K]" in b for b in breakdown.because)


def _long_resistance(aug_adequate: bool | None, weeks: float) -> tuple[str | None, list[str]]:
    rec_rows, verdicts = drug_trials([ANTIDEPRESSANTS[0], ANTIDEPRESSANTS[3]], weeks=weeks)
    row, aug = add_on_trial(2, "lithium", "mood_stabiliser", adequate=aug_adequate, weeks=6)
    category, breakdown = stage_european(record([*rec_rows, row]), [*verdicts, aug], [])
    return category, breakdown.because


def test_stage_european__crd_needs_augmentation_and_twelve_months() -> None:
    category, because = _long_resistance(True, 23)  # 23 + 23 + 6 = 52 weeks
    assert category == "CRD"
    assert any(b.startswith("CRD: failed augmentation") for b in because)


def test_stage_european__crd_not_met_below_52_weeks() -> None:
    category, because = _long_resistance(True, 22)  # 50 weeks
    assert category == "TRD1"
    assert any("50 < 52 weeks" in b for b in because)


def test_stage_european__inadequate_augmentation_is_not_crd() -> None:
    category, because = _long_resistance(False, 40)
    assert category == "TRD1"
    assert any("no failed augmentation" in b for b in because)


def test_stage_european__non_responder_is_never_crd() -> None:
    rows, verdicts = drug_trials(ANTIDEPRESSANTS[:1], weeks=60)
    row, aug = add_on_trial(1, "lithium", "mood_stabiliser", weeks=20)
    category, _ = stage_european(record([*rows, row]), [*verdicts, aug], [])
    assert category == "non_responder"


def test_stage_european__unknown_weeks_are_reported() -> None:
    rec, verdicts = build(("ssri", "ect"))
    category, breakdown = stage_european(rec, verdicts, [])
    assert category == "TRD1"
    assert breakdown.items["trials_without_weeks"] == 1
    assert any("without duration" in b for b in breakdown.because)
