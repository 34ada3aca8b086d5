"""ICD-11 6A70/6A71: generated from the code table, plus the psychotic and severity rules."""

from __future__ import annotations

from typing import Any

import pytest
from diagnosis_records import make_record, symptoms

from trdkit.diagnosis import diagnose
from trdkit.knowledge.diagnosis_icd_tables import Icd11Code, load_icd11

# Record episode fields that produce each emitted status; .Y/.Z are never emitted.
EPISODE_FOR: dict[str, dict[str, Any]] = {
    "mild": {"severity": "mild"},
    "moderate": {"severity": "moderate"},
    "moderate_psychotic": {"severity": "moderate", "psychotic_features": "mood_congruent"},
    "severe": {"severity": "severe"},
    "severe_psychotic": {"severity": "severe", "psychotic_features": "mood_incongruent"},
    "unspecified": {},
    "partial_remission": {"remission": "partial", "symptoms": symptoms(["depressed_mood"])},
    "full_remission": {"remission": "full", "symptoms": symptoms([])},
}
ROWS = [r for r in load_icd11().codes if r.status in EPISODE_FOR]


@pytest.mark.parametrize("row", ROWS, ids=[r.code for r in ROWS])
def test_icd11__every_emitted_table_row(row: Icd11Code) -> None:
    record = make_record(episode=EPISODE_FOR[row.status], recurrent=row.course == "recurrent")
    icd11 = diagnose(record).icd11
    assert (icd11.code, icd11.title) == (row.code, row.title)


def test_icd11__table_has_twenty_rows_tagged_s() -> None:
    codes = load_icd11().codes
    assert len(codes) == 20
    assert {c.confidence for c in codes} == {"S"}


def test_icd11__psychotic_rated_mild_is_moderate_with_psychotic_symptoms() -> None:
    record = make_record(episode={"severity": "mild", "psychotic_features": "mood_congruent"})
    icd11 = diagnose(record).icd11
    assert icd11.code == "6A70.2"
    assert any("only in moderate or severe" in r for r in icd11.because)


def test_icd11__no_rating_is_severity_unspecified_not_a_count() -> None:
    icd11 = diagnose(make_record()).icd11  # 8 symptoms, no rating
    assert icd11.code == "6A70.5"
    assert any("symptom count is not used" in r for r in icd11.because)


def test_icd11__psychotic_without_rating_is_unspecified_and_named() -> None:
    dx = diagnose(make_record(episode={"psychotic_features": "mood_congruent"}))
    assert dx.icd11.code == "6A70.5"
    assert any(u.startswith("ICD-11 severity not rated") for u in dx.undecided)


def test_icd11__hopelessness_counts_toward_five_of_ten() -> None:
    four = ["depressed_mood", "anhedonia", "fatigue", "poor_concentration"]
    record = make_record(
        episode={"symptoms": symptoms(four, hopelessness=True), "severity": "mild"}
    )
    dx = diagnose(record)
    assert dx.mde.met is False  # DSM: 4 of 9
    assert dx.icd11.code == "6A70.0"


def test_icd11__no_affective_symptom_is_no_episode() -> None:
    others = [
        "fatigue",
        "poor_concentration",
        "sleep_disturbance",
        "hopelessness",
        "psychomotor_change",
    ]
    record = make_record(episode={"symptoms": symptoms(others), "severity": "moderate"})
    assert diagnose(record).icd11.code is None


def test_icd11__recurrent_reason_mentions_several_months() -> None:
    icd11 = diagnose(make_record(episode={"severity": "moderate"}, recurrent=True)).icd11
    assert icd11.code == "6A71.1"
    assert any("several months" in r for r in icd11.because)
