"""False-TRD screen: persistent depressive disorder (double depression) and comorbid anxiety."""

from __future__ import annotations

from typing import Any

import pytest

from trdkit.flags import FlagId
from trdkit.record import PatientRecord, validate_record
from trdkit.resistance.screen import anxiety_flag, pdd_flag, screen_flags
from trdkit.scales import ScaleResult, score_scales

SYMPTOMS = {
    name: True
    for name in (
        "depressed_mood",
        "anhedonia",
        "appetite_or_weight_change",
        "sleep_disturbance",
        "psychomotor_change",
        "fatigue",
        "worthlessness_or_guilt",
        "poor_concentration",
    )
}
# A current episode that meets DSM-5-TR MDE criteria A-C.
MDE = {
    "symptoms": {**SYMPTOMS, "suicidal_thoughts": False},
    "functional_impairment": True,
    "due_to_substance_or_medical_condition": False,
}


def _record(age: int | None = 40, **fields: Any) -> PatientRecord:
    return validate_record({"id": "ch", "assessed_on": "2026-06-01", "age": age, **fields})


def _years(years: float, age: int | None = 40, **fields: Any) -> PatientRecord:
    return _record(age, history={"chronic_depressed_mood_years": years}, **fields)


# --- persistent depressive disorder ------------------------------------------------------------


def test_pdd_flag__two_years_in_an_adult_raises_it() -> None:
    flag = pdd_flag(_years(2))
    assert flag is not None and flag.id is FlagId.persistent_depressive_disorder
    assert flag.level == "warning"
    assert "depressed mood for 2 years >= 2 years" in flag.because[0]


def test_pdd_flag__just_under_two_years_in_an_adult_raises_nothing() -> None:
    assert pdd_flag(_years(1.99)) is None


def test_pdd_flag__one_year_under_18_raises_it_with_the_youth_rule() -> None:
    flag = pdd_flag(_years(1, age=16))
    assert flag is not None
    assert "age 16 < 18: the youth duration applies" in flag.because[0]


def test_pdd_flag__under_one_year_under_18_raises_nothing() -> None:
    assert pdd_flag(_years(0.9, age=16)) is None


def test_pdd_flag__youth_duration_in_an_adult_raises_nothing() -> None:
    assert pdd_flag(_years(1.5, age=18)) is None


def test_pdd_flag__unknown_age_needs_the_adult_duration() -> None:
    assert pdd_flag(_years(1.5, age=None)) is None
    assert pdd_flag(_years(2, age=None)) is not None


def test_pdd_flag__unknown_duration_raises_nothing() -> None:
    assert pdd_flag(_record()) is None


def test_pdd_flag__with_a_current_mde_says_double_depression() -> None:
    flag = pdd_flag(_years(5, current_episode=MDE))
    assert flag is not None
    assert any(b.startswith("a current major depressive episode") for b in flag.because)
    assert "double depression (Keller & Shapiro 1982" in " ".join(flag.because)


def test_pdd_flag__undecided_mde_says_double_depression_conditionally() -> None:
    flag = pdd_flag(_years(5, current_episode={"symptoms": {"depressed_mood": True}}))
    assert flag is not None
    assert any(b.startswith("if the current episode meets") for b in flag.because)


def test_pdd_flag__without_an_episode_does_not_say_double_depression() -> None:
    flag = pdd_flag(_years(3))
    assert flag is not None
    assert "double depression" not in " ".join(flag.because)


# --- comorbid anxiety ---------------------------------------------------------------------------


def _gad7(total: int) -> list[ScaleResult]:
    rec = _record(scales=[{"instrument": "gad7", "date": "2026-05-20", "total": total}])
    return score_scales(rec.scales)


@pytest.mark.parametrize("comorbidity", ["anxiety_disorder", "ptsd"])
def test_anxiety_flag__anxiety_comorbidity_raises_it(comorbidity: str) -> None:
    flag = anxiety_flag(_record(history={"comorbidities": [comorbidity]}), [])
    assert flag is not None and flag.id is FlagId.comorbid_anxiety
    assert flag.level == "info"
    assert f"comorbidity {comorbidity} recorded (CANMAT 2023 Table 7.1)" in flag.because


def test_anxiety_flag__other_comorbidity_raises_nothing() -> None:
    assert anxiety_flag(_record(history={"comorbidities": ["adhd", "chronic_pain"]}), []) is None


def test_anxiety_flag__gad7_of_ten_raises_it() -> None:
    flag = anxiety_flag(_record(), _gad7(10))
    assert flag is not None
    assert flag.because == ["GAD-7 10 >= 10 on 2026-05-20 (Spitzer 2006)"]


def test_anxiety_flag__gad7_of_nine_raises_nothing() -> None:
    assert anxiety_flag(_record(), _gad7(9)) is None


def test_anxiety_flag__any_gad7_at_the_cut_off_counts() -> None:
    flag = anxiety_flag(_record(), [*_gad7(4), *_gad7(15)])
    assert flag is not None and len(flag.because) == 1 and "GAD-7 15" in flag.because[0]


def test_anxiety_flag__anxious_distress_specifier_raises_it_as_a_local_rule() -> None:
    rec = _record(current_episode={"specifiers": ["anxious_distress"]})
    flag = anxiety_flag(rec, [])
    assert flag is not None
    assert "anxious distress specifier" in flag.because[0] and "[U]" in flag.because[0]


def test_anxiety_flag__every_piece_of_evidence_is_named() -> None:
    rec = _record(
        history={"comorbidities": ["ptsd"]}, current_episode={"specifiers": ["anxious_distress"]}
    )
    flag = anxiety_flag(rec, _gad7(12))
    assert flag is not None and len(flag.because) == 3


def test_screen_flags__chronic_anxious_record_raises_both_and_no_medical_cause() -> None:
    rec = _record(
        history={"chronic_depressed_mood_years": 4, "comorbidities": ["anxiety_disorder"]},
        labs={"tsh_mu_per_l": 12.0},
    )
    ids = [f.id for f in screen_flags(rec, [], [])]
    assert ids == [FlagId.persistent_depressive_disorder, FlagId.comorbid_anxiety]
