"""C-SSRS screener triage: each risk level, the skip logic, and missing answers."""

from __future__ import annotations

import pytest
from scales_strategies import make

from trdkit.scales import ScaleResult, score_scales


def triage(items: list[int | None], recent: bool | None = None) -> ScaleResult:
    (result,) = score_scales([make("cssrs_screener", items=items, behaviour_past_3_months=recent)])
    return result


@pytest.mark.parametrize(
    ("items", "recent", "level"),
    [
        ([0, 0, 0, 0, 0, 0], None, "none"),
        ([1, 0, 0, 0, 0, 0], None, "low"),
        ([1, 1, 0, 0, 0, 0], None, "low"),
        ([1, 1, 1, 0, 0, 0], None, "moderate"),
        ([0, 0, 0, 0, 0, 1], False, "moderate"),
        ([1, 1, 1, 1, 0, 0], None, "high"),
        ([1, 1, 0, 0, 1, 0], None, "high"),
        ([0, 0, 0, 0, 0, 1], True, "high"),
        ([1, 1, 1, 0, 0, 1], True, "high"),
    ],
)
def test_cssrs__each_risk_level(items: list[int | None], recent: bool | None, level: str) -> None:
    result = triage(items, recent)
    assert (result.risk_level, result.valid, result.total) == (level, True, None)
    assert result.loinc == "93374-7"


def test_cssrs__q3_to_q5_ignored_when_q2_is_no() -> None:
    result = triage([1, 0, 1, 1, 1, 0])
    assert result.risk_level == "low"
    assert any("answered although Q2 = no: ignored" in b for b in result.because)


def test_cssrs__missing_q6_is_not_determinable() -> None:
    result = triage([1, 1, 0, 0, 0, None])
    assert (result.risk_level, result.valid) == ("not_determinable", False)


def test_cssrs__missing_past_3_months_after_q6_yes_is_not_determinable() -> None:
    assert triage([0, 0, 0, 0, 0, 1], None).risk_level == "not_determinable"


def test_cssrs__high_from_q4_stands_whatever_is_missing() -> None:
    # No further answer can lower a level that is already the highest.
    assert triage([1, 1, 0, 1, 0, None]).risk_level == "high"
    assert triage([1, 1, 0, 0, 1, 1], None).risk_level == "high"


def test_cssrs__missing_q3_to_q5_do_not_matter_when_q2_is_no() -> None:
    assert triage([1, 0, None, None, None, 0]).risk_level == "low"


def test_cssrs__missing_q4_after_q2_yes_is_not_determinable() -> None:
    assert triage([1, 1, 0, None, 0, 0]).risk_level == "not_determinable"
