"""WHO ICD-10 F32/F33 by DCR-10 counts (B typical, B+C total)."""

from __future__ import annotations

import pytest
from diagnosis_records import make_record, symptoms

from trdkit.diagnosis import diagnose
from trdkit.diagnosis.icd10 import dcr10_level
from trdkit.knowledge.diagnosis_icd_tables import load_icd10_who

B2 = ["depressed_mood", "anhedonia"]
B3 = [*B2, "fatigue"]
C = [
    "sleep_disturbance",
    "poor_concentration",
    "appetite_or_weight_change",
    "psychomotor_change",
    "suicidal_thoughts",
    "worthlessness_or_guilt",
]


def _icd10(
    present: list[str], recurrent: bool = False, **episode: object
) -> tuple[str | None, list[str]]:
    record = make_record(episode={"symptoms": symptoms(present), **episode}, recurrent=recurrent)
    dx = diagnose(record)
    return dx.icd10.code, dx.undecided


@pytest.mark.parametrize(
    ("present", "single", "recurrent"),
    [
        ([*B2, *C[:2]], "F32.0", "F33.0"),  # B 2, total 4: mild
        ([*B3, *C[:1]], "F32.0", "F33.0"),  # B 3, total 4: mild
        ([*B2, *C[:4]], "F32.1", "F33.1"),  # B 2, total 6: moderate
        ([*B2, *C[:6]], "F32.1", "F33.1"),  # B 2, total 8: severe needs B 3 -> moderate
        ([*B3, *C[:4]], "F32.1", "F33.1"),  # B 3, total 7: moderate
        ([*B3, *C[:5]], "F32.2", "F33.2"),  # B 3, total 8: severe
        ([*B3, *C], "F32.2", "F33.2"),  # B 3, total 9: severe
    ],
)
def test_icd10__dcr10_counts_each_severity(present: list[str], single: str, recurrent: str) -> None:
    assert _icd10(present)[0] == single
    assert _icd10(present, recurrent=True)[0] == recurrent


@pytest.mark.parametrize(
    "present",
    [[*B2, C[0]], ["depressed_mood", *C], []],  # total 3; B 1; nothing
)
def test_icd10__below_mild_has_no_code(present: list[str]) -> None:
    assert _icd10(present)[0] is None


def test_icd10__severe_with_psychotic_symptoms() -> None:
    assert _icd10([*B3, *C[:5]], psychotic_features="mood_congruent")[0] == "F32.3"
    assert _icd10([*B3, *C[:5]], True, psychotic_features="mood_incongruent")[0] == "F33.3"


def test_icd10__psychotic_with_moderate_counts_is_coded_by_counts_with_a_reason() -> None:
    record = make_record(
        episode={"symptoms": symptoms([*B2, *C[:4]]), "psychotic_features": "mood_congruent"}
    )
    icd10 = diagnose(record).icd10
    assert icd10.code == "F32.1"
    assert any("F32.3 needs the criteria of a severe episode" in r for r in icd10.because)


def test_icd10__recurrent_in_remission_is_f33_4_single_has_no_code() -> None:
    episode = {"remission": "partial", "symptoms": symptoms(["depressed_mood"])}
    assert diagnose(make_record(episode=episode, recurrent=True)).icd10.code == "F33.4"
    icd10 = diagnose(make_record(episode=episode)).icd10
    assert icd10.code is None
    assert any("no code for a single depressive episode in remission" in r for r in icd10.because)


def test_icd10__unknowns_that_could_change_severity_are_named() -> None:
    # B 2 + C 3 = 5 (mild); one unknown could make it 6 (moderate).
    record = make_record(episode={"symptoms": symptoms([*B2, *C[:3]], psychomotor_change=None)})
    dx = diagnose(record)
    assert dx.icd10.code == "F32.9"
    assert any(
        u.startswith("ICD-10 severity: 1 symptoms not recorded (psychomotor_change)")
        for u in dx.undecided
    )


def test_icd10__unknowns_that_cannot_change_severity_are_not_named() -> None:
    # B 2 + C 2 = 4 (mild); one unknown gives 5, still mild.
    code, _ = _icd10([*B2, *C[:2]])
    record = make_record(episode={"symptoms": symptoms([*B2, *C[:2]], psychomotor_change=None)})
    dx = diagnose(record)
    assert dx.icd10.code == code == "F32.0"
    assert not any(u.startswith("ICD-10") for u in dx.undecided)


def test_icd10__worthlessness_counted_once_and_the_choice_is_explained() -> None:
    # B 3 + C 4 including worthlessness = 7 (moderate); counted twice it would be 8 (severe).
    record = make_record(episode={"symptoms": symptoms([*B3, "worthlessness_or_guilt", *C[:3]])})
    icd10 = diagnose(record).icd10
    assert icd10.code == "F32.1"
    assert any("C1" in r and "would be severe" in r for r in icd10.because)


def test_icd10__mania_excludes() -> None:
    record = make_record(history={"manic_or_hypomanic_episode": True})
    assert diagnose(record).icd10.code is None


def test_dcr10_level__table_rules() -> None:
    table = load_icd10_who()
    assert dcr10_level(table, 2, 4) == "mild"
    assert dcr10_level(table, 1, 9) is None
    assert dcr10_level(table, 3, 8) == "severe"
    assert dcr10_level(table, 2, 10) == "moderate"
