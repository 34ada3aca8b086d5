"""Observation -> scale administrations: totals, panels with their members, lone item answers.

A total (44261-6, 70274-6, 55758-7, local totals) gives a total-only administration; scores are
read from valueQuantity, valueInteger or a numeric valueString. A panel code with a value (seen
in practice: a PHQ-9 total coded 44249-1) is read as the total and said so; a panel with
``hasMember`` reads its members as items. Item Observations outside a panel are grouped by date;
they are read only when their codes name one instrument (PHQ-2 items are also PHQ-9 items).
Statuses other than final, amended and corrected are not imported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from trdkit.interop.fhir_administrations import Administration
from trdkit.interop.fhir_codes import codings
from trdkit.interop.fhir_read import FhirDocument, FhirItem, as_dicts, parse_date
from trdkit.interop.fhir_report import ImportLog
from trdkit.interop.fhir_scale_codes import ScaleCode, scale_codes_for
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.knowledge.instruments import load_instruments

__all__ = ["ObservationScales", "observation_date", "scale_readings"]


def observation_date(data: dict[str, object]) -> dt.date | None:
    """The clinically relevant date of an Observation (effective, else issued)."""
    for key in ("effectiveDateTime", "effectiveInstant", "issued"):
        parsed = parse_date(data.get(key))
        if parsed is not None:
            return parsed[0]
    period = data.get("effectivePeriod")
    parsed = parse_date(period.get("start")) if isinstance(period, dict) else None
    return parsed[0] if parsed else None


def scale_readings(item: FhirItem) -> tuple[ScaleCode, ...]:
    """Every scale reading of an Observation's codes."""
    found: list[ScaleCode] = []
    for code in codings(item.data.get("code")):
        found += [r for r in scale_codes_for(code.system, code.code) if r not in found]
    return tuple(found)


@dataclass
class ObservationScales:
    """Administrations read from Observations, with the ids of the resources behind each."""

    doc: FhirDocument
    log: ImportLog
    admins: list[tuple[Administration, list[FhirItem]]] = field(default_factory=list)
    lone: dict[dt.date, list[tuple[FhirItem, tuple[ScaleCode, ...]]]] = field(default_factory=dict)
    consumed: set[str] = field(default_factory=set)

    def accept(self, item: FhirItem, readings: tuple[ScaleCode, ...]) -> None:
        """Read one Observation with scale codes."""
        data = item.data
        status = data.get("status")
        day = observation_date(data)
        if status not in load_fhir_codes().import_settings.observation_status:
            self.log.add(
                "Observation", item.rid, "not_imported", [f"{_name(readings)}: status {status}"]
            )
            return
        if day is None:
            self.log.add("Observation", item.rid, "not_imported", [f"{_name(readings)}: no date"])
            return
        parts = {r.part for r in readings}
        if "panel" in parts:
            self._panel(item, readings, day)
        elif "total" in parts:
            reading = next(r for r in readings if r.part == "total")
            admin = Administration(reading.instrument, day)
            admin.read(reading, data, "value")
            for component in as_dicts(data.get("component")):
                for part in codings(component.get("code")):
                    for extra in scale_codes_for(part.system, part.code):
                        if extra.instrument == reading.instrument and extra.part == "extra":
                            admin.read(extra, component, f"component {part.code}")
            self.admins.append((admin, [item]))
        elif "risk" in parts:
            self.log.add(
                "Observation",
                item.rid,
                "not_imported",
                [
                    "C-SSRS risk level alone: the record holds the screener answers, from which "
                    "trdkit computes the risk level"
                ],
            )
        else:
            self.lone.setdefault(day, []).append((item, readings))

    def _panel(self, item: FhirItem, readings: tuple[ScaleCode, ...], day: dt.date) -> None:
        instrument = next(r.instrument for r in readings if r.part == "panel")
        admin = Administration(instrument, day)
        members = [self.doc.resolve(ref, item) for ref in as_dicts(item.data.get("hasMember"))]
        found = [m for m in members if m is not None and m.resource_type == "Observation"]
        for member in found:
            for reading in scale_readings(member):
                if reading.instrument == instrument and reading.part in ("item", "extra"):
                    admin.read(reading, member.data, f"member {member.rid}")
                    self.consumed.add(member.ref)
        missing = len(members) - len(found)
        if missing:
            admin.notes.append(f"{missing} hasMember reference(s) not in the input")
        if any(k.startswith("value") for k in item.data):
            admin.notes.append("a score coded with the panel code: read as the total")
            admin.read(ScaleCode(instrument, "total"), item.data, "panel value")
        self.admins.append((admin, [item, *found]))

    def group_lone(self) -> None:
        """Group lone item Observations by date into administrations of one instrument."""
        for day, entries in self.lone.items():
            entries = [(i, r) for i, r in entries if i.ref not in self.consumed]
            if not entries:
                continue
            candidates = set.intersection(*({r.instrument for r in rs} for _, rs in entries))
            if len(candidates) > 1:
                # PHQ-2 items are PHQ-9 items 1 and 2: both items alone read as a PHQ-2.
                two = [
                    i
                    for i in candidates
                    if load_instruments()[i].items
                    == len({r.index for _, rs in entries for r in rs if r.part == "item"})
                ]
                candidates = set(two)
            if len(candidates) != 1:
                for item, readings in entries:
                    self.log.add(
                        "Observation",
                        item.rid,
                        "not_imported",
                        [
                            f"{_name(readings)} alone on {day}: the instrument is ambiguous or the "
                            "items belong to different instruments"
                        ],
                    )
                continue
            instrument = candidates.pop()
            admin = Administration(instrument, day)
            for item, readings in entries:
                for reading in readings:
                    if reading.instrument == instrument:
                        admin.read(reading, item.data, f"Observation {item.rid}")
            self.admins.append((admin, [i for i, _ in entries]))


def _name(readings: tuple[ScaleCode, ...]) -> str:
    return "/".join(sorted({r.instrument for r in readings}))
