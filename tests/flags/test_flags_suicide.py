"""Suicide-risk flags: recency window, levels, prior attempts, and 'not assessed'."""

from __future__ import annotations

from typing import Any

from trdkit.flags import FlagId, suicide_flags
from trdkit.record import validate_record
from trdkit.scales import score_scales


def _flags(**record: Any) -> dict[str, Any]:
    rec = validate_record({"id": "s", "assessed_on": "2026-06-30", **record})
    return {f.id: f for f in suicide_flags(rec, score_scales(rec.scales))}


def _phq9(date: str, item9: int | None) -> dict[str, Any]:
    return {"instrument": "phq9", "date": date, "items": [1, 1, 1, 1, 1, 1, 1, 1, item9]}


def _cssrs(date: str, items: list[int], past3: bool | None = None) -> dict[str, Any]:
    adm: dict[str, Any] = {"instrument": "cssrs_screener", "date": date, "items": items}
    if past3 is not None:
        adm["behaviour_past_3_months"] = past3
    return adm


def test_suicide_flags__item9_within_window_is_warning() -> None:
    flags = _flags(scales=[_phq9("2026-06-20", 1)])
    assert flags[FlagId.suicide_risk].level == "warning"
    assert FlagId.suicide_risk_not_assessed not in flags


def test_suicide_flags__item9_outside_window_is_listed_as_older() -> None:
    flags = _flags(scales=[_phq9("2026-04-01", 2), _phq9("2026-06-25", 0)])
    flag = flags[FlagId.suicide_risk]
    assert flag.level == "info"
    assert any("older positive" in r for r in flag.because)
    assert FlagId.suicide_risk_not_assessed not in flags


def test_suicide_flags__cssrs_high_is_critical() -> None:
    flags = _flags(scales=[_cssrs("2026-06-29", [1, 1, 1, 1, 0, 0])])
    assert flags[FlagId.suicide_risk].level == "critical"


def test_suicide_flags__prior_attempt_raises_warning_to_critical() -> None:
    flags = _flags(scales=[_phq9("2026-06-20", 1)], history={"suicide_attempts": ["2019-05-02"]})
    flag = flags[FlagId.suicide_risk]
    assert flag.level == "critical"
    assert any("2019-05-02" in r for r in flag.because)


def test_suicide_flags__prior_attempt_alone_is_shown_at_info() -> None:
    flags = _flags(scales=[_phq9("2026-06-20", 0)], history={"suicide_attempts": ["2019-05-02"]})
    assert flags[FlagId.suicide_risk].level == "info"


def test_suicide_flags__recent_attempt_is_critical() -> None:
    flags = _flags(
        history={"suicide_attempts": ["2026-06-10"]},
        current_episode={"symptoms": {"suicidal_thoughts": False}},
    )
    assert flags[FlagId.suicide_risk].level == "critical"


def test_suicide_flags__suicidal_thoughts_true_is_warning() -> None:
    flags = _flags(current_episode={"symptoms": {"suicidal_thoughts": True}})
    assert flags[FlagId.suicide_risk].level == "warning"


def test_suicide_flags__nothing_asked_is_not_assessed() -> None:
    flags = _flags(scales=[{"instrument": "phq9", "date": "2026-06-20", "total": 12}])
    assert FlagId.suicide_risk_not_assessed in flags
    assert FlagId.suicide_risk not in flags


def test_suicide_flags__item9_missing_is_not_assessed() -> None:
    flags = _flags(scales=[_phq9("2026-06-20", None)])
    assert FlagId.suicide_risk_not_assessed in flags


def test_suicide_flags__negative_screens_raise_nothing() -> None:
    flags = _flags(scales=[_phq9("2026-06-20", 0), _cssrs("2026-06-20", [0, 0, 0, 0, 0, 0])])
    assert flags == {}
