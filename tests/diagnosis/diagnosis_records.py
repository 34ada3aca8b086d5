"""Record builders for the diagnosis tests.

The base record is an adult with a current episode (onset 2025-01-01, assessed 2025-06-01) in
which every DSM criterion A symptom is present except suicidal thoughts (8 of 9), criteria B-E
hold, no psychotic features, no catatonia, not in remission, no specifiers, no chart codes and
no suicide attempts. Tests override only what their scenario is about.
"""

from __future__ import annotations

from typing import Any

from trdkit.record.models import PatientRecord

DSM_SYMPTOMS = [
    "depressed_mood",
    "anhedonia",
    "appetite_or_weight_change",
    "sleep_disturbance",
    "psychomotor_change",
    "fatigue",
    "worthlessness_or_guilt",
    "poor_concentration",
    "suicidal_thoughts",
]
ASSESSED_ON = "2025-06-01"
ONSET = "2025-01-01"
# Ends years before ONSET: makes the course recurrent.
SEPARATE_PRIOR = {"start": "2020-01-01", "end": "2020-06-01"}


def symptoms(present: list[str] | None = None, **values: bool | None) -> dict[str, Any]:
    """DSM symptoms (plus hopelessness): ``present`` true and all others false; then overrides.

    ``None`` overrides are dropped, which leaves the symptom unrecorded (unknown).
    """
    chosen = set(present) if present is not None else set(DSM_SYMPTOMS) - {"suicidal_thoughts"}
    out: dict[str, Any] = {s: s in chosen for s in [*DSM_SYMPTOMS, "hopelessness"]}
    out.update(values)
    return {k: v for k, v in out.items() if v is not None}


def make_record(
    *,
    episode: dict[str, Any] | None = None,
    history: dict[str, Any] | None = None,
    recurrent: bool = False,
    no_episode: bool = False,
    **top: Any,
) -> PatientRecord:
    """Build a validated record from the base plus overrides (see the module docstring)."""
    base_episode: dict[str, Any] = {
        "onset": ONSET,
        "symptoms": symptoms(),
        "functional_impairment": True,
        "due_to_substance_or_medical_condition": False,
        "psychotic_features": "none",
        "catatonia": False,
        "remission": "none",
        "specifiers": [],
    }
    base_episode.update(episode or {})
    if "duration_months" in base_episode:
        base_episode.pop("onset", None)
    base_episode = {k: v for k, v in base_episode.items() if v is not None}
    base_history: dict[str, Any] = {
        "prior_episodes": [SEPARATE_PRIOR] if recurrent else [],
        "manic_or_hypomanic_episode": False,
        "schizophrenia_spectrum_disorder": False,
        "suicide_attempts": [],
    }
    base_history.update(history or {})
    base_history = {k: v for k, v in base_history.items() if v is not None}
    doc: dict[str, Any] = {
        "id": "dx-test",
        "assessed_on": ASSESSED_ON,
        "age": 40,
        "history": base_history,
    }
    if not no_episode:
        doc["current_episode"] = base_episode
    doc.update(top)
    return PatientRecord.model_validate(doc)
