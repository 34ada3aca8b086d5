"""QuestionnaireResponse -> one scale administration (PHQ-9, PHQ-2, GAD-7, C-SSRS, local forms).

The instrument is found from the questionnaire canonical (``http://loinc.org/q/44249-1``, a
keyword such as ``PHQ9`` in a local URL, or trdkit's own questionnaire) or from the LOINC codes
used as linkIds (``/44250-9``). Items are matched by LOINC code or trdkit local code; in a local
form whose instrument is known, by a trailing ``Q<n>`` in the linkId. Nested groups are read.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from trdkit.interop.fhir_administrations import Administration
from trdkit.interop.fhir_codes import questionnaire_url
from trdkit.interop.fhir_read import FhirItem, as_dicts, parse_date
from trdkit.interop.fhir_report import ImportLog
from trdkit.interop.fhir_scale_codes import ScaleCode, instrument_from_text, scale_codes_for
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.knowledge.instruments import load_instruments
from trdkit.record.vocab import Instrument

__all__ = ["read_questionnaire_response"]

_POSITION = re.compile(r"(?:^|[^a-z])q(\d+)$", re.IGNORECASE)


def _leaves(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in items:
        if as_dicts(item.get("answer")) or not as_dicts(item.get("item")):
            found.append(item)
        found += _leaves(as_dicts(item.get("item")))
        for answer in as_dicts(item.get("answer")):
            found += _leaves(as_dicts(answer.get("item")))
    return found


def _key(link_id: Any) -> str:
    return str(link_id or "").rstrip("/").rsplit("/", 1)[-1].strip()


def _readings(key: str) -> tuple[ScaleCode, ...]:
    return scale_codes_for("loinc", key) + scale_codes_for("trdkit", key)


def _instrument(data: dict[str, Any], leaves: list[dict[str, Any]]) -> tuple[str | None, bool]:
    canonical = str(data.get("questionnaire") or "")
    for instrument in Instrument:
        if canonical == questionnaire_url(instrument.value):
            return instrument.value, True
    named = instrument_from_text(canonical)
    if named is not None:
        return named, True
    votes = Counter(r.instrument for leaf in leaves for r in _readings(_key(leaf.get("linkId"))))
    if not votes:
        return None, False
    sizes = {i: load_instruments()[i].items for i in votes}
    best = max(votes.values())
    return min((i for i, n in votes.items() if n == best), key=lambda i: sizes[i]), False


def _reading(instrument: str, leaf: dict[str, Any], by_name: bool) -> ScaleCode | None:
    key = _key(leaf.get("linkId"))
    matches = [r for r in _readings(key) if r.instrument == instrument and r.part != "panel"]
    if matches:
        return matches[0]
    spec = load_instruments()[instrument]
    position = _POSITION.search(key)
    if by_name and position and 1 <= int(position.group(1)) <= spec.items:
        return ScaleCode(instrument, "item", int(position.group(1)) - 1)
    if "total" in str(leaf.get("text", "")).casefold():
        return ScaleCode(instrument, "total")
    return None


def read_questionnaire_response(item: FhirItem, log: ImportLog) -> Administration | None:
    """Read a QuestionnaireResponse into an administration (``None``, reported, if unusable)."""
    data = item.data
    settings = load_fhir_codes().import_settings
    status = data.get("status")
    if status not in settings.questionnaire_status:
        log.add("QuestionnaireResponse", item.rid, "not_imported", [f"status {status}"])
        return None
    authored = parse_date(data.get("authored"))
    leaves = _leaves(as_dicts(data.get("item")))
    instrument, by_name = _instrument(data, leaves)
    if instrument is None:
        log.ignore("QuestionnaireResponse", item.rid, "not a rating scale trdkit knows")
        return None
    if authored is None:
        log.add(
            "QuestionnaireResponse", item.rid, "not_imported", [f"{instrument}: no authored date"]
        )
        return None
    admin = Administration(instrument, authored[0])
    for leaf in leaves:
        reading = _reading(instrument, leaf, by_name)
        label = str(leaf.get("linkId"))
        if reading is None:
            admin.notes.append(f"item {label} not recognised")
            continue
        if reading.part == "risk":
            admin.notes.append(f"{label}: the risk level is computed by trdkit from the answers")
            continue
        answers = as_dicts(leaf.get("answer"))
        if not answers and reading.part == "item" and reading.index is not None:
            admin.items.setdefault(reading.index, None)
            admin.notes.append(f"item {reading.index + 1} ({label}): not answered")
        for answer in answers[:1]:
            admin.read(reading, answer, label)
    if by_name and not any(_readings(_key(leaf.get("linkId"))) for leaf in leaves):
        admin.notes.insert(
            0,
            f"{instrument} named by the questionnaire {data.get('questionnaire')}; "
            "items by position",
        )
    return admin
