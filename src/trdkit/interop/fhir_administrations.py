"""One scale administration being read from FHIR: item answers, extra items, a stated total.

Item answers win over a total: the record holds one or the other, and trdkit computes the total
from the items itself (a stated total that disagrees is reported). Extra items are the PHQ-9 and
GAD-7 difficulty item, the C-SSRS "within the past 3 months" answer, the MDQ parts 2 and 3 and
the Bipolarity Index domains.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from trdkit.interop.fhir_answers import answer_values, read_score
from trdkit.interop.fhir_scale_codes import ScaleCode, answers_for
from trdkit.knowledge.instruments import load_instruments
from trdkit.record.scale_models import BIPOLARITY_INDEX_DOMAIN_VALUES, ScaleAdministration
from trdkit.record.vocab import MdqProblem

__all__ = ["Administration"]

_BOOLEAN_EXTRAS = ("same_period", "behaviour_past_3_months")


@dataclass
class Administration:
    """Answers of one instrument on one date, gathered from one or more resources."""

    instrument: str
    date: dt.date
    items: dict[int, int | None] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    total: int | None = None
    notes: list[str] = field(default_factory=list)

    def read(self, reading: ScaleCode, holder: dict[str, Any], label: str) -> None:
        """Read one answer (or Observation value) for ``reading`` into this administration."""
        spec = load_instruments()[self.instrument]
        if reading.part == "item" and reading.index is not None:
            top = spec.item_max[reading.index]
            score, how = read_score(holder, answers_for(reading), top)
            if reading.index in self.items and self.items[reading.index] not in (None, score):
                self.notes.append(f"item {reading.index + 1}: conflicting answers, left missing")
                score = None
            self.items[reading.index] = score
            self.notes.append(f"item {reading.index + 1} ({label}): {how}")
        elif reading.part == "total":
            low, high = spec.total_min or 0, spec.total_max or 0
            score, how = read_score(holder, None, high, low)
            if score is None:
                self.notes.append(f"total ({label}) not imported: {how}")
            else:
                self.total = score
                self.notes.append(f"total ({label}): {how}")
        elif reading.part == "extra" and reading.name is not None:
            self._extra(reading, holder, label)

    def _extra(self, reading: ScaleCode, holder: dict[str, Any], label: str) -> None:
        name = str(reading.name)
        values = answer_values(holder)
        if self.instrument == "mdq" and name == "problem":
            raw = next((v.get("code") if isinstance(v, dict) else v for _, v in values), None)
            if isinstance(raw, str) and raw.strip().lower() in {p.value for p in MdqProblem}:
                self.extras[name] = raw.strip().lower()
                return
            self.notes.append(f"{name} ({label}): {raw!r} is not none/minor/moderate/serious")
            return
        top = 20 if self.instrument == "bipolarity_index" else 3
        score, how = read_score(holder, answers_for(reading), top)
        if score is None:
            self.notes.append(f"{name} ({label}) not imported: {how}")
        elif name in _BOOLEAN_EXTRAS:
            if score in (0, 1):
                self.extras[name] = bool(score)
        elif self.instrument == "bipolarity_index" and score not in BIPOLARITY_INDEX_DOMAIN_VALUES:
            self.notes.append(f"{name} ({label}): {score} is not a Bipolarity Index point value")
        else:
            self.extras[name] = score
            self.notes.append(f"{name} ({label}): {how}")

    def data(self) -> tuple[dict[str, Any] | None, list[str]]:
        """The record's ``scales[]`` entry, or ``None`` and why; plus notes."""
        spec = load_instruments()[self.instrument]
        out: dict[str, Any] = {"instrument": self.instrument, "date": self.date.isoformat()}
        notes = list(self.notes)
        extras = dict(self.extras)
        if self.instrument == "bipolarity_index":
            if len(extras) != 5:
                return None, [*notes, "Bipolarity Index needs all five domains"]
            out["domains"] = extras
        elif self.items:
            items = [self.items.get(i) for i in range(spec.items)]
            out["items"] = items
            if self.total is not None and None not in items and sum(items) != self.total:  # type: ignore[arg-type]
                notes.append(
                    f"the stated total {self.total} differs from the sum of the items "
                    f"{sum(i for i in items if i is not None)}: the items are used"
                )
            out.update(extras)
        elif self.total is not None and spec.accepts_total:
            out["total"] = self.total
            out.update(extras)
        else:
            return None, [*notes, "no usable answers or total"]
        try:
            ScaleAdministration.model_validate(out)
        except ValidationError as exc:
            return None, [*notes, f"invalid administration: {exc.errors()[0]['msg']}"]
        return out, notes
