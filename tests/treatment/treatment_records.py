"""Records and helpers for the treatment-option tests.

``base()`` is an adult with a moderate, single major depressive episode and two adequate failed
antidepressant trials (sertraline, then venlafaxine), taking nothing now: every option of the
ladder up to the 2-failure steps is on the table. Tests change it with ``with_(...)``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from trdkit.assessment import Assessment, assess
from trdkit.record import validate_record
from trdkit.treatment import ExcludedOption, Option

ASSESSED_ON = "2026-11-01"

_BASE: dict[str, Any] = {
    "format": "trdkit.patient/1",
    "id": "treatment-test",
    "assessed_on": ASSESSED_ON,
    "age": 45,
    "sex": "female",
    "current_episode": {
        "onset": "2025-06-01",
        "symptoms": {
            "depressed_mood": True,
            "anhedonia": True,
            "appetite_or_weight_change": False,
            "sleep_disturbance": True,
            "psychomotor_change": False,
            "fatigue": True,
            "worthlessness_or_guilt": True,
            "poor_concentration": False,
            "suicidal_thoughts": False,
            "hopelessness": False,
        },
        "functional_impairment": True,
        "due_to_substance_or_medical_condition": False,
        "psychotic_features": "none",
        "catatonia": False,
        "severity": "moderate",
        "remission": "none",
    },
    "history": {
        "prior_episodes": [],
        "manic_or_hypomanic_episode": False,
        "schizophrenia_spectrum_disorder": False,
        "antidepressant_induced_hypomania": False,
        "family_history_bipolar": "none",
        "suicide_attempts": [],
        "chronic_depressed_mood_years": 0,
    },
    "treatments": [
        {
            "drug": "sertraline",
            "dose_mg_per_day": 150,
            "start": "2025-07-01",
            "weeks_at_dose": 8,
            "adherence": "good",
            "outcome": "no_response",
        },
        {
            "drug": "venlafaxine",
            "dose_mg_per_day": 225,
            "start": "2025-10-01",
            "weeks_at_dose": 10,
            "adherence": "good",
            "outcome": "no_response",
        },
    ],
    "current_medications": [],
}


def base() -> dict[str, Any]:
    """A fresh copy of the base record (2 adequate failures, nothing taken now)."""
    return copy.deepcopy(_BASE)


def with_(changes: dict[str, Any], record: dict[str, Any] | None = None) -> dict[str, Any]:
    """``record`` (default: the base) with ``changes`` merged in, nested dicts merged too."""
    out = base() if record is None else copy.deepcopy(record)

    def merge(target: dict[str, Any], extra: dict[str, Any]) -> None:
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(target.get(key), dict):
                merge(target[key], value)
            else:
                target[key] = copy.deepcopy(value)

    merge(out, changes)
    return out


def run(record: dict[str, Any]) -> Assessment:
    """Validate and assess a record dict."""
    return assess(validate_record(record))


def option(a: Assessment, option_id: str) -> Option | None:
    """The offered option ``option_id``, if offered."""
    return next((o for o in a.options if o.id.value == option_id), None)


def excluded(a: Assessment, option_id: str) -> ExcludedOption | None:
    """The exclusion of ``option_id``, if it was ruled out."""
    return next((e for e in a.excluded_options if e.id.value == option_id), None)


def offered_ids(a: Assessment) -> list[str]:
    """Offered option ids in rank order."""
    return [o.id.value for o in a.options]


def agents(a: Assessment) -> set[str]:
    """Every drug any offered option starts."""
    return {ag.drug for o in a.options for ag in o.agents}


def texts(a: Assessment) -> Iterable[str]:
    """Every reason and caution of the options and exclusions."""
    for o in a.options:
        yield from o.because
        yield from o.cautions
    for e in a.excluded_options:
        yield from e.because


def mentions_rule(a: Assessment, rule_id: str) -> bool:
    """Whether any option, caution or exclusion names ``rule_id``."""
    tag = f"[rule {rule_id}]"
    return any(tag in t for t in texts(a)) or any(rule_id in e.rules for e in a.excluded_options)
