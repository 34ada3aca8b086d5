"""Warming a worker: the knowledge tables are loaded once, before assessments are answered.

Each knowledge loader parses its table on first use and caches it, but its cache does not make
concurrent first calls wait for one another. A cold worker that receives many requests at once
would let every request thread parse the same tables at the same time, and its first answers
took seconds (the p99 of the load benchmark). :func:`ensure_warm` lets one thread assess a
representative record while the others wait, then moves everything alive by then (modules,
tables, the application) out of the garbage collector's generations (``gc.freeze``), so that
later full collections no longer walk the tables and pause a request for tens of milliseconds.
The application may call it at start-up; the assessment routes call it before assessing.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from trdkit.assessment import assess
from trdkit.record import validate_record

__all__ = ["ensure_warm"]

# Reaches the rules that load tables: diagnosis, scales, trials, staging, CPIC for the three
# genes, phenoconversion, options with safety and washouts, and the research tier.
_RECORD: dict[str, Any] = {
    "format": "trdkit.patient/1",
    "id": "warm-up",
    "assessed_on": "2026-01-15",
    "age": 40,
    "current_episode": {
        "onset": "2025-06-01",
        "symptoms": {"depressed_mood": True, "anhedonia": True, "fatigue": True},
        "severity": "moderate",
    },
    "history": {"prior_episodes": [{"start": "2020-01-01", "end": "2020-09-01"}]},
    "treatments": [
        {
            "drug": "sertraline",
            "dose_mg_per_day": 150,
            "start": "2025-06-15",
            "end": "2025-09-15",
            "adherence": "good",
            "outcome": "no_response",
        },
        {
            "drug": "phenelzine",
            "dose_mg_per_day": 45,
            "start": "2025-10-01",
            "end": "2025-12-01",
            "adherence": "good",
            "outcome": "partial_response",
        },
    ],
    "current_medications": ["bupropion", "tramadol"],
    "scales": [
        {"instrument": "phq9", "date": "2025-06-15", "items": [2, 2, 2, 2, 1, 2, 1, 1, 0]},
        {"instrument": "phq9", "date": "2026-01-10", "items": [2, 2, 2, 1, 1, 2, 1, 1, 0]},
        {"instrument": "cssrs_screener", "date": "2026-01-10", "items": [0, 0, 0, 0, 0, 0]},
    ],
    "genetics": {
        "diplotypes": {"CYP2C19": "*1/*2", "CYP2D6": "*1/*4", "CYP2B6": "*1/*6"},
        "genotypes": {"rs6265": "CT"},
        "5httlpr": "L/S",
    },
    "biomarkers": {"crp_mg_per_l": 2.0},
    "labs": {"qtc_ms": 430, "egfr_ml_per_min": 90},
}

_lock = threading.Lock()
_done = threading.Event()


def ensure_warm() -> None:
    """Load the knowledge tables once per process; concurrent callers wait for the first."""
    if _done.is_set():
        return
    with _lock:
        if _done.is_set():
            return
        assess(validate_record(_RECORD))
        gc.freeze()
        _done.set()
