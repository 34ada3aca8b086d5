"""DSM-5-TR MDD codes, names and additional codes.

The first test is generated from ``mdd_codes.csv``: one record per row, built from the row's
course and status, and checked for the ICD-10-CM code, the DSM-5 ICD-9-CM code and the name.
"""

from __future__ import annotations

from typing import Any

import pytest
from diagnosis_records import make_record, symptoms

from trdkit.diagnosis import diagnose
from trdkit.knowledge.diagnosis_tables import MddCodeRow, load_mdd_codes

ROWS = load_mdd_codes().rows
DSM_FIVE = ["depressed_mood", "anhedonia", "sleep_disturbance", "fatigue", "poor_concentration"]


def _episode_for(status: str) -> dict[str, Any]:
    """Episode fields that make the DSM status ``status``."""
    if status in ("mild", "moderate", "severe"):
        return {"severity": status}
    if status == "psychotic":
        return {"psychotic_features": "mood_congruent", "severity": "moderate"}
    if status == "partial_remission":
        # Symptoms of the episode still present but below full criteria.
        return {"remission": "partial", "symptoms": symptoms(["depressed_mood", "fatigue"])}
    if status == "full_remission":
        return {"remission": "full", "symptoms": symptoms([])}
    assert status == "unspecified"
    # 6 present + 2 unrecorded: criterion A is met, but the count spans moderate..severe and no
    # clinician rating is given, so the severity (and the code) stay unspecified.
    return {"symptoms": symptoms(sleep_disturbance=None, fatigue=None)}


def _expected_label(row: MddCodeRow) -> str:
    if row.status == "psychotic":
        return row.label.replace(
            "with psychotic features", "with mood-congruent psychotic features"
        )
    return row.label


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.course}-{r.status}" for r in ROWS])
def test_mdd_code__every_table_row(row: MddCodeRow) -> None:
    record = make_record(episode=_episode_for(row.status), recurrent=row.course == "recurrent")
    mdd = diagnose(record).mdd
    assert mdd.met is True
    assert mdd.course == row.course
    assert mdd.icd10cm == row.icd10cm
    assert mdd.dsm5_icd9cm == row.dsm5_icd9cm
    assert mdd.label == _expected_label(row)


def test_mdd_code__recurrent_psychotic_is_f33_3_not_f32_3() -> None:
    # Trap 1 of the reference notes: 296.34 pairs with F33.3.
    row = load_mdd_codes().get("recurrent", "psychotic")
    assert (row.dsm5_icd9cm, row.icd10cm) == ("296.34", "F33.3")


@pytest.mark.parametrize("severity", ["mild", "moderate", "severe", None])
def test_mdd_code__psychotic_whatever_the_severity(severity: str | None) -> None:
    record = make_record(episode={"psychotic_features": "mood_incongruent", "severity": severity})
    mdd = diagnose(record).mdd
    assert mdd.icd10cm == "F32.3"
    assert mdd.psychotic_type == "mood_incongruent"
    assert mdd.label == "Major depressive disorder, single episode, with mood-incongruent " + (
        "psychotic features"
    )


def test_mdd_code__psychotic_precedes_remission() -> None:
    record = make_record(episode={"psychotic_features": "mood_congruent", "remission": "partial"})
    assert diagnose(record).mdd.icd10cm == "F32.3"


def test_mdd_code__severity_from_count_is_labelled_operationalisation() -> None:
    record = make_record(episode={"symptoms": symptoms(DSM_FIVE)})
    mdd = diagnose(record).mdd
    assert (mdd.severity, mdd.icd10cm) == ("mild", "F32.0")
    assert any("Hasin 2018" in r and "not a DSM-5-TR rule" in r for r in mdd.because)


def test_mdd_code__count_spanning_two_bands_is_unspecified_and_named() -> None:
    record = make_record(episode={"symptoms": symptoms(sleep_disturbance=None, fatigue=None)})
    dx = diagnose(record)
    assert dx.mdd.severity is None and dx.mdd.icd10cm == "F32.9"
    assert any(
        u.startswith("severity: no clinician rating, and 2 unrecorded") for u in dx.undecided
    )


def test_mdd_code__clinician_rating_wins_over_count() -> None:
    record = make_record(episode={"severity": "mild"})  # 8 symptoms would count as severe
    assert diagnose(record).mdd.icd10cm == "F32.0"


def test_specifiers__seasonal_pattern_dropped_for_single_episode() -> None:
    record = make_record(episode={"specifiers": ["seasonal_pattern"], "severity": "moderate"})
    mdd = diagnose(record).mdd
    assert mdd.label == "Major depressive disorder, single episode, moderate"
    assert "seasonal_pattern" not in mdd.specifiers
    assert any("with seasonal pattern dropped" in r for r in mdd.because)


def test_specifiers__seasonal_pattern_kept_for_recurrent() -> None:
    record = make_record(
        episode={"specifiers": ["seasonal_pattern"], "severity": "moderate"}, recurrent=True
    )
    mdd = diagnose(record).mdd
    assert (
        mdd.label == "Major depressive disorder, recurrent episode, moderate, with seasonal pattern"
    )
    assert mdd.specifiers == ["seasonal_pattern"]


def test_specifiers__recording_order_whatever_the_input_order() -> None:
    given = ["seasonal_pattern", "peripartum_onset", "melancholic", "mixed_features"]
    record = make_record(
        episode={
            "specifiers": [*given, "anxious_distress"],
            "catatonia": True,
            "severity": "severe",
        },
        recurrent=True,
    )
    mdd = diagnose(record).mdd
    assert mdd.label == (
        "Major depressive disorder, recurrent episode, severe, with anxious distress, with mixed "
        "features, with melancholic features, with catatonia, with peripartum onset, with "
        "seasonal pattern"
    )
    assert mdd.specifiers == [
        "anxious_distress",
        "mixed_features",
        "melancholic",
        "catatonia",
        "peripartum_onset",
        "seasonal_pattern",
    ]


def test_specifiers__atypical_not_with_melancholic() -> None:
    record = make_record(episode={"specifiers": ["atypical", "melancholic"], "severity": "mild"})
    mdd = diagnose(record).mdd
    assert mdd.specifiers == ["melancholic"]
    assert any("with atypical features dropped" in r for r in mdd.because)


def test_specifiers__remission_keeps_uncoded_specifiers() -> None:
    record = make_record(
        episode={"remission": "full", "symptoms": symptoms([]), "specifiers": ["anxious_distress"]},
        recurrent=True,
    )
    assert diagnose(record).mdd.label == (
        "Major depressive disorder, recurrent episode, in full remission, with anxious distress"
    )


def _codes(record_kwargs: dict[str, Any]) -> list[str]:
    return [c.code for c in diagnose(make_record(**record_kwargs)).mdd.additional_codes]


def test_additional_codes__catatonia_suicidal_thoughts_and_attempts() -> None:
    codes = _codes(
        {
            "episode": {
                "catatonia": True,
                "symptoms": symptoms(suicidal_thoughts=True),
                "severity": "severe",
            },
            "history": {"suicide_attempts": ["2019-05-02"]},
        }
    )
    assert codes == ["F06.1", "R45.851", "Z91.51"]


def test_additional_codes__none_by_default() -> None:
    assert _codes({}) == []


@pytest.mark.parametrize(
    ("age", "years", "added"),
    [(40, 2.0, True), (40, 1.9, False), (15, 1.0, True), (15, 0.9, False), (18, 1.5, False)],
)
def test_additional_codes__persistent_depressive_disorder_duration(
    age: int, years: float, added: bool
) -> None:
    codes = _codes({"age": age, "history": {"chronic_depressed_mood_years": years}})
    assert ("F34.1" in codes) is added


def test_additional_codes__pdd_with_unknown_age_between_thresholds_is_undecided() -> None:
    record = make_record(age=None, history={"chronic_depressed_mood_years": 1.5})
    dx = diagnose(record)
    assert "F34.1" not in [c.code for c in dx.mdd.additional_codes]
    assert any(u.startswith("persistent depressive disorder: 1.5 years") for u in dx.undecided)


def test_additional_codes__double_depression_named() -> None:
    record = make_record(history={"chronic_depressed_mood_years": 3})
    assert any("double depression" in r for r in diagnose(record).mdd.because)


def test_mdd_code__no_code_when_mdd_undecided_but_candidate_named() -> None:
    record = make_record(history={"manic_or_hypomanic_episode": None}, episode={"severity": "mild"})
    mdd = diagnose(record).mdd
    assert mdd.met is None and mdd.icd10cm is None and mdd.label is None
    assert any("would be F32.0" in r for r in mdd.because)


def test_mdd_code__course_undecided_names_both_codes() -> None:
    record = make_record(
        episode={"severity": "moderate"}, history={"prior_episodes": [{"start": "2020-01-01"}]}
    )
    mdd = diagnose(record).mdd
    assert mdd.course is None and mdd.icd10cm is None
    assert any("F32.1 if single, F33.1 if recurrent" in r for r in mdd.because)


def test_mdd__under_18_still_diagnosed_with_youth_reasons() -> None:
    dx = diagnose(make_record(age=15, episode={"severity": "moderate"}))
    assert dx.mdd.icd10cm == "F32.1"
    assert any("irritable mood may count for A1" in r for r in dx.mde.because)
    assert any("needs 1 year(s)" in r for r in dx.mdd.because)
