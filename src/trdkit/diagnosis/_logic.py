"""Three-valued logic and symptom tallies shared by the diagnosis rules.

Missing data are ``None`` (unknown), never ``False``; a conclusion is decided only when no
assignment of the unknowns could change it (patient-record.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trdkit.knowledge.diagnosis_tables import ChartCodeGroup
from trdkit.record.models import CodedDiagnosis, Symptoms
from trdkit.record.vocab import Symptom

__all__ = ["Tally", "chart_matches", "dedupe", "tally", "tri_and"]


def tri_and(*values: bool | None) -> bool | None:
    """Kleene AND: ``False`` if any is false, ``None`` if any is unknown, else ``True``."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


@dataclass(frozen=True)
class Tally:
    """Record symptoms split into present, absent and not recorded (names in given order)."""

    present: tuple[str, ...]
    absent: tuple[str, ...]
    unknown: tuple[str, ...]

    def unknown_text(self) -> str:
        """``"2 symptoms not recorded (sleep_disturbance, fatigue)"`` style text."""
        return f"{len(self.unknown)} symptoms not recorded ({', '.join(self.unknown)})"


_SYMPTOM_IDS = frozenset(s.value for s in Symptom)


def tally(symptoms: Symptoms, names: Iterable[str]) -> Tally:
    """Split ``names`` (record symptom ids) by their recorded value."""
    present: list[str] = []
    absent: list[str] = []
    unknown: list[str] = []
    for name in names:
        if name not in _SYMPTOM_IDS:
            Symptom(name)  # raises ValueError naming the unknown id, as the enum look-up did
        value = getattr(symptoms, name)
        (present if value else unknown if value is None else absent).append(name)
    return Tally(tuple(present), tuple(absent), tuple(unknown))


def chart_matches(diagnoses: Iterable[CodedDiagnosis], group: ChartCodeGroup) -> list[str]:
    """Return the chart codes that fall in ``group`` (as recorded, e.g. ``"F31.4"``)."""
    return [dx.code for dx in diagnoses if group.matches(dx.system, dx.code)]


def dedupe(items: Iterable[str]) -> list[str]:
    """Drop repeated strings, keeping the first occurrence's position."""
    return list(dict.fromkeys(items))
