"""Record- and diagnosis-derived flags."""

from __future__ import annotations

from typing import Any

from trdkit.diagnosis import diagnose
from trdkit.flags import FlagId, clinical_flags
from trdkit.record import validate_record


def _flags(**record: Any) -> dict[str, Any]:
    rec = validate_record({"id": "c", "assessed_on": "2026-06-30", **record})
    return {f.id: f for f in clinical_flags(rec, diagnose(rec))}


def test_clinical_flags__psychotic_features() -> None:
    flags = _flags(current_episode={"psychotic_features": "mood_incongruent"})
    assert "mood-incongruent" in flags[FlagId.psychotic_features].because[0]


def test_clinical_flags__catatonia_is_critical() -> None:
    assert _flags(current_episode={"catatonia": True})[FlagId.catatonia].level == "critical"


def test_clinical_flags__manic_history_is_bipolar_disorder() -> None:
    flags = _flags(history={"manic_or_hypomanic_episode": True})
    assert FlagId.bipolar_disorder in flags


def test_clinical_flags__unknown_mania_history_is_not_bipolar_disorder() -> None:
    assert FlagId.bipolar_disorder not in _flags(history={})


def test_clinical_flags__medical_cause_from_comorbidity_and_tsh() -> None:
    flag = _flags(history={"comorbidities": ["hypothyroidism"]}, labs={"tsh_mu_per_l": 9.0})[
        FlagId.substance_or_medical_cause
    ]
    assert len(flag.because) == 2


def test_clinical_flags__criterion_c_not_met() -> None:
    flags = _flags(current_episode={"due_to_substance_or_medical_condition": True})
    assert FlagId.substance_or_medical_cause in flags


def test_clinical_flags__unknown_medication_makes_check_incomplete() -> None:
    flag = _flags(current_medications=["sertraline", "zzz-unknown"])[
        FlagId.interaction_check_incomplete
    ]
    assert "zzz-unknown" in flag.because[0]


def test_clinical_flags__known_medications_raise_nothing() -> None:
    assert FlagId.interaction_check_incomplete not in _flags(current_medications=["tramadol"])
