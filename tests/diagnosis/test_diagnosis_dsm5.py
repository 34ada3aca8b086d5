"""DSM-5-TR MDE criteria A-C and MDD criteria D-E, decided only when unknowns cannot change them."""

from __future__ import annotations

from typing import Any

from diagnosis_records import DSM_SYMPTOMS, make_record, symptoms
from hypothesis import given
from hypothesis import strategies as st

from trdkit.diagnosis import diagnose
from trdkit.diagnosis.dsm5 import evaluate_mde

FOUR = ["depressed_mood", "anhedonia", "poor_concentration", "worthlessness_or_guilt"]


def test_criterion_a__four_present_two_unknown_is_undecided_and_named() -> None:
    record = make_record(episode={"symptoms": symptoms(FOUR, sleep_disturbance=None, fatigue=None)})
    dx = diagnose(record)
    assert dx.mde.criteria["A"] is None and dx.mde.met is None
    assert (dx.mde.criterion_a_count, dx.mde.criterion_a_unknown) == (4, 2)
    assert "criterion A: 2 symptoms not recorded (sleep_disturbance, fatigue)" in dx.undecided


def test_criterion_a__five_present_unknowns_cannot_change_it() -> None:
    record = make_record(episode={"symptoms": symptoms([*FOUR, "fatigue"], sleep_disturbance=None)})
    dx = diagnose(record)
    assert dx.mde.criteria["A"] is True and dx.mde.met is True
    assert not any(u.startswith("criterion A") for u in dx.undecided)


def test_criterion_a__too_few_even_if_all_unknowns_present() -> None:
    record = make_record(
        episode={"symptoms": symptoms(["depressed_mood", "fatigue"], sleep_disturbance=None)}
    )
    mde = diagnose(record).mde
    assert mde.criteria["A"] is False and mde.met is False


def test_criterion_a__core_unknown_leaves_it_undecided() -> None:
    others = [s for s in DSM_SYMPTOMS if s not in ("depressed_mood", "anhedonia")]
    record = make_record(
        episode={"symptoms": symptoms(others, depressed_mood=None, anhedonia=None)}
    )
    mde = diagnose(record).mde
    assert mde.core_symptom is None and mde.criteria["A"] is None
    assert mde.criterion_a_count == 7


def test_criterion_a__no_core_symptom_fails() -> None:
    others = [s for s in DSM_SYMPTOMS if s not in ("depressed_mood", "anhedonia")]
    mde = diagnose(make_record(episode={"symptoms": symptoms(others)})).mde
    assert mde.core_symptom is False and mde.criteria["A"] is False
    assert any("neither depressed mood (A1) nor anhedonia (A2)" in r for r in mde.because)


def test_criterion_a__hopelessness_is_not_a_dsm_symptom() -> None:
    record = make_record(episode={"symptoms": symptoms(FOUR, hopelessness=True)})
    assert diagnose(record).mde.criterion_a_count == 4


def test_criteria_b_c__unknown_named_and_false_fails() -> None:
    dx = diagnose(make_record(episode={"functional_impairment": None}))
    assert dx.mde.met is None
    assert "criterion B not recorded (current_episode.functional_impairment)" in dx.undecided
    dx = diagnose(make_record(episode={"due_to_substance_or_medical_condition": True}))
    assert dx.mde.criteria["C"] is False and dx.mde.met is False


def test_mde__no_current_episode() -> None:
    dx = diagnose(make_record(no_episode=True))
    assert dx.mde.met is None and dx.mdd.met is None
    assert "current episode not recorded (current_episode)" in dx.undecided


def test_mdd__past_episode_is_enough() -> None:
    dx = diagnose(make_record(no_episode=True, history={"prior_episodes": [SEPARATE]}))
    assert dx.mdd.met is True
    assert (dx.mdd.course, dx.mdd.icd10cm) == ("single", "F32.9")


SEPARATE = {"start": "2020-01-01", "end": "2020-06-01"}


def test_criterion_e__mania_fails_mdd() -> None:
    mdd = diagnose(make_record(history={"manic_or_hypomanic_episode": True})).mdd
    assert mdd.met is False and mdd.criteria["E"] is False
    assert mdd.icd10cm is None
    assert any(r.startswith("criterion E not met") for r in mdd.because)


def test_criterion_e__unknown_with_bipolar_chart_code_says_so() -> None:
    record = make_record(
        history={
            "manic_or_hypomanic_episode": None,
            "diagnoses": [{"system": "icd10cm", "code": "F31.81"}],
        }
    )
    dx = diagnose(record)
    assert dx.mdd.criteria["E"] is None and dx.mdd.met is None
    assert any(u.startswith("criterion E not recorded") and "F31.81" in u for u in dx.undecided)


def test_criterion_d__chart_code_informs_but_field_decides() -> None:
    record = make_record(history={"diagnoses": [{"system": "icd10cm", "code": "F20.9"}]})
    mdd = diagnose(record).mdd
    assert mdd.criteria["D"] is True and mdd.met is True
    assert any("F20.9" in r and "only inform" in r for r in mdd.because)


def test_criterion_d__unknown_with_psychotic_disorder_code() -> None:
    record = make_record(
        history={
            "schizophrenia_spectrum_disorder": None,
            "diagnoses": [{"system": "icd10", "code": "F25.1"}],
        }
    )
    dx = diagnose(record)
    assert dx.mdd.criteria["D"] is None
    assert any(u.startswith("criterion D not recorded") and "F25.1" in u for u in dx.undecided)


def test_because__every_reason_names_a_source() -> None:
    dx = diagnose(make_record(episode={"severity": "moderate"}, recurrent=True))
    for reason in [*dx.mde.because, *dx.mdd.because, *dx.icd10.because, *dx.icd11.because]:
        assert any(k in reason for k in ("DSM-5-TR", "ICD", "Hasin", "patient-record")), reason


TRI = st.sampled_from([True, False, None])


@given(
    values=st.fixed_dictionaries({s: TRI for s in DSM_SYMPTOMS}),
    b=TRI,
    c=TRI,
    which=st.sampled_from(DSM_SYMPTOMS),
)
def test_mde__adding_a_true_symptom_never_lowers_count_or_unmeets(
    values: dict[str, bool | None], b: bool | None, c: bool | None, which: str
) -> None:
    def record(vals: dict[str, bool | None]) -> Any:
        return make_record(
            episode={
                "symptoms": {k: v for k, v in vals.items() if v is not None},
                "functional_impairment": b,
                "due_to_substance_or_medical_condition": c,
            }
        )

    before, _ = evaluate_mde(record(values))
    after, _ = evaluate_mde(record({**values, which: True}))
    assert after.criterion_a_count >= before.criterion_a_count
    if before.met is True:
        assert after.met is True
    if before.criteria["A"] is True:
        assert after.criteria["A"] is True
