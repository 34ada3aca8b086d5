"""The patient record as it is assembled during a FHIR import, before validation.

Every reader adds its part here, with the dates it read (``assessed_on`` is the latest of them
unless a trdkit export states it). ``to_record_data`` lays the parts out as a
``trdkit.patient/1`` mapping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from trdkit.interop.fhir_read import FhirItem

__all__ = ["EpisodeCandidate", "RecordDraft"]


@dataclass
class EpisodeCandidate:
    """An active depression Condition that may describe the current episode."""

    ref: str
    onset: dt.date | None
    details: dict[str, Any] = field(default_factory=dict)
    specifiers: list[str] = field(default_factory=list)


@dataclass
class RecordDraft:
    """Record parts collected from the resources of one patient."""

    patient_id: str | None = None
    sex: str = "unknown"
    birth_date: str | None = None
    deceased_on: dt.date | None = None
    explicit: dict[str, Any] = field(default_factory=dict)
    episode: dict[str, Any] | None = None
    episode_candidates: list[EpisodeCandidate] = field(default_factory=list)
    prior_episodes: list[dict[str, Any]] = field(default_factory=list)
    diagnoses: list[dict[str, Any]] = field(default_factory=list)
    comorbidities: list[str] = field(default_factory=list)
    medical: list[str] = field(default_factory=list)
    history: dict[str, Any] = field(default_factory=dict)
    suicide_attempts: list[dt.date] = field(default_factory=list)
    treatments: list[dict[str, Any]] = field(default_factory=list)
    current_medications: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)
    scales: list[dict[str, Any]] = field(default_factory=list)
    diplotypes: dict[str, str] = field(default_factory=dict)
    dates: list[dt.date] = field(default_factory=list)
    # EHR resources that state a record part without having been read into it (an EHR total of
    # an item-level administration), by record path: the write-back export references them.
    related: dict[str, list[FhirItem]] = field(default_factory=dict)

    def dated(self, *days: dt.date | None) -> None:
        """Note dates read into the record (for ``assessed_on``)."""
        self.dates.extend(d for d in days if d is not None)

    def add_unique(self, target: list[str], value: str) -> bool:
        """Append ``value`` to ``target`` unless present; return whether it was added."""
        if value in target:
            return False
        target.append(value)
        return True

    def to_record_data(self, assessed_on: dt.date, age: int | None) -> dict[str, Any]:
        """Lay out the draft as ``trdkit.patient/1`` data (not yet validated)."""
        explicit = self.explicit
        history: dict[str, Any] = {
            **explicit.get("history", {}),
            **self.history,
            "prior_episodes": self.prior_episodes,
            "diagnoses": self.diagnoses,
            "comorbidities": self.comorbidities,
            "medical": self.medical,
        }
        if self.suicide_attempts:
            known = list(history.get("suicide_attempts") or [])
            extra = [d.isoformat() for d in self.suicide_attempts if d.isoformat() not in known]
            history["suicide_attempts"] = known + extra
        data: dict[str, Any] = {
            "format": "trdkit.patient/1",
            "id": self.patient_id or "fhir-import",
            "assessed_on": assessed_on.isoformat(),
            "age": age,
            "sex": self.sex,
            "allergies": self.allergies,
            "history": history,
            "treatments": self.treatments,
            "current_medications": self.current_medications,
            "scales": self.scales,
        }
        if self.episode is not None:
            data["current_episode"] = self.episode
        genetics = dict(explicit.get("genetics", {}))
        if self.diplotypes:
            genetics["diplotypes"] = self.diplotypes
        if genetics or "genetics" in explicit:
            data["genetics"] = genetics
        for section in ("biomarkers", "labs"):
            if section in explicit:
                data[section] = explicit[section]
        return data
