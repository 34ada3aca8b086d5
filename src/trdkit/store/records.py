"""A ``trdkit.patient/1`` record taken apart into stored rows, and put back together.

Each part is kept as the record's own JSON (``exclude_unset``: what was given, canonicalised by
the models), so that a record exported after import says what the imported one said, and the
assembled record goes through the very validation a record file does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from trdkit.record import PatientRecord, ScaleAdministration, Treatment, validate_record
from trdkit.record.models import RECORD_FORMAT, DateRange

__all__ = ["RecordParts", "assemble_record", "dump_part", "latest_entry_date", "split_record"]


def dump_part(model: Any) -> dict[str, Any]:
    """The JSON form of one validated part, keys as the contract names them."""
    data: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return data


@dataclass
class RecordParts:
    """A record's fixed fields and its repeated parts, in record order."""

    profile: dict[str, Any]
    current_episode: dict[str, Any] | None = None
    prior_episodes: list[DateRange] = field(default_factory=list)
    scales: list[ScaleAdministration] = field(default_factory=list)
    treatments: list[Treatment] = field(default_factory=list)


def split_record(record: PatientRecord) -> RecordParts:
    """Take a validated record apart."""
    profile = dump_part(record)
    profile.pop("format", None)
    # A list given empty stays in the profile, so the record comes back as it was written.
    for key in ("scales", "treatments", "current_episode"):
        if profile.get(key):
            profile.pop(key)
    history = profile.get("history")
    if isinstance(history, dict) and history.get("prior_episodes"):
        history.pop("prior_episodes")
    return RecordParts(
        profile=profile,
        current_episode=(
            dump_part(record.current_episode)
            if "current_episode" in record.model_fields_set and record.current_episode
            else None
        ),
        prior_episodes=list(record.history.prior_episodes),
        scales=list(record.scales),
        treatments=list(record.treatments),
    )


def assemble_record(
    profile: dict[str, Any],
    *,
    current_episode: dict[str, Any] | None,
    prior_episodes: list[dict[str, Any]],
    scales: list[dict[str, Any]],
    treatments: list[dict[str, Any]],
    source: str | None = None,
) -> PatientRecord:
    """Build and validate the whole record from its stored parts.

    Raises
    ------
    RecordError
        When the parts do not make a valid record (field paths as in a record file).
    """
    data: dict[str, Any] = {"format": RECORD_FORMAT, **profile}
    if current_episode is not None:
        data["current_episode"] = current_episode
    if prior_episodes:
        data["history"] = {**data.get("history", {}), "prior_episodes": prior_episodes}
    if treatments:
        data["treatments"] = treatments
    if scales:
        data["scales"] = scales
    return validate_record(data, source)


def record_document(record: PatientRecord) -> dict[str, Any]:
    """The record as an exportable ``trdkit.patient/1`` document (``format`` first)."""
    data = dump_part(record)
    data.pop("format", None)
    return {"format": RECORD_FORMAT, **data}


def latest_entry_date(*days: dt.date | None) -> dt.date | None:
    """The latest of the given dates, ignoring unknown ones."""
    known = [d for d in days if d is not None]
    return max(known) if known else None
