"""The codes of rating-scale panels, totals, items and extra items, in both directions.

Instruments with LOINC codes (PHQ-9, PHQ-2, GAD-7, C-SSRS screener; ``fhir_codes.yaml``) use
them; the others use trdkit's local codes (``{instrument}-total``, ``{instrument}-item-{n}``,
``{instrument}-{name}``). One LOINC item code can belong to two instruments (PHQ-2 items are PHQ-9
items 1 and 2), so a lookup returns every reading.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from trdkit.knowledge.fhir_codes import AnswerList, load_fhir_codes
from trdkit.knowledge.instruments import load_instruments
from trdkit.record.vocab import Instrument

__all__ = [
    "BIPOLARITY_DOMAINS",
    "ScaleCode",
    "answers_for",
    "extra_names",
    "instrument_from_text",
    "scale_code",
    "scale_codes_for",
]

Part = Literal["item", "total", "panel", "extra", "risk"]
BIPOLARITY_DOMAINS = ("episode", "age_at_onset", "course", "response", "family_history")
_LOCAL_EXTRAS = {"mdq": ("same_period", "problem"), "bipolarity_index": BIPOLARITY_DOMAINS}


@dataclass(frozen=True)
class ScaleCode:
    """What a code means for a scale: ``part`` of ``instrument`` (item ``index`` 0-based)."""

    instrument: str
    part: Part
    index: int | None = None
    name: str | None = None


def extra_names(instrument: str) -> tuple[str, ...]:
    """The extra (unscored or domain) items of an instrument, in export order."""
    loinc = load_fhir_codes().instruments.get(instrument)
    return tuple(loinc.extra) if loinc else _LOCAL_EXTRAS.get(instrument, ())


def scale_code(
    instrument: str, part: Part, index: int | None = None, name: str | None = None
) -> tuple[str, str]:
    """The ``(system id, code)`` of a part of an instrument (``loinc`` or ``trdkit``)."""
    table = load_fhir_codes()
    loinc = table.instruments.get(instrument)
    if loinc is not None:
        if part == "item" and index is not None:
            return "loinc", loinc.items[index]
        if part == "panel":
            return "loinc", loinc.panel
        if part == "total" and loinc.total:
            return "loinc", loinc.total
        if part == "risk" and loinc.risk:
            return "loinc", loinc.risk
        if part == "extra" and name in loinc.extra:
            return "loinc", loinc.extra[name].code
    patterns = table.local_codes
    if part == "item" and index is not None:
        return "trdkit", patterns["item"].format(instrument=instrument, n=index + 1)
    if part == "extra" and name:
        return "trdkit", patterns["extra"].format(instrument=instrument, name=name)
    return "trdkit", patterns["total"].format(instrument=instrument)


@functools.cache
def _index() -> dict[tuple[str, str], tuple[ScaleCode, ...]]:
    found: dict[tuple[str, str], list[ScaleCode]] = {}
    for instrument in Instrument:
        spec = load_instruments()[instrument.value]
        readings = [ScaleCode(instrument.value, "item", i) for i in range(spec.items)]
        readings += [
            ScaleCode(instrument.value, "extra", name=n) for n in extra_names(instrument.value)
        ]
        readings.append(ScaleCode(instrument.value, "total"))
        if instrument.value in load_fhir_codes().instruments:
            # Only LOINC instruments have a panel code; local ones have a total code only.
            readings.append(ScaleCode(instrument.value, "panel"))
        if instrument is Instrument.cssrs_screener:
            readings.append(ScaleCode(instrument.value, "risk"))
        for reading in readings:
            key = scale_code(reading.instrument, reading.part, reading.index, reading.name)
            if reading not in found.setdefault(key, []):
                found[key].append(reading)
    return {k: tuple(v) for k, v in found.items()}


def scale_codes_for(system: str | None, code: str) -> tuple[ScaleCode, ...]:
    """Every scale reading of a code (``system`` is a trdkit system id)."""
    if system not in ("loinc", "trdkit"):
        return ()
    return _index().get((system, code.strip()), ())


def answers_for(reading: ScaleCode) -> AnswerList | None:
    """The LOINC answer list of an item or extra item, if the instrument has one."""
    table = load_fhir_codes()
    loinc = table.instruments.get(reading.instrument)
    if loinc is None:
        return None
    if reading.part == "extra" and reading.name in loinc.extra:
        return table.answer_lists[loinc.extra[reading.name].answers]
    return table.answer_lists[loinc.answers] if reading.part == "item" else None


def instrument_from_text(text: str | None) -> str | None:
    """The instrument a questionnaire URL or title names by keyword (``PHQ9``, ``gad-7`` ...)."""
    if not text:
        return None
    low = text.casefold()
    for instrument, loinc in load_fhir_codes().instruments.items():
        if any(re.search(rf"(?<![a-z0-9]){re.escape(k)}(?![0-9])", low) for k in loinc.keywords):
            return instrument
    return None
