"""All rating-scale data of a document -> ``scales``, in date order, without duplicates.

QuestionnaireResponses are read first; an Observation derived from one that was imported (a
score computed from those answers) is not read again. A total-only administration from EHR data
is dropped when item answers of the same instrument and date were read. Data dated after the
patient's death is not imported. Both kinds of EHR total are kept in ``draft.related`` under
``scales[i].total``, so that a write-back export references them rather than adding its own.

Administrations are sorted by date, then instrument, then content: a record read from a server
does not depend on the order in which the server lists the resources. A trdkit export states each
administration's place in the record (a ``position`` record field): those come first, in that
order, so that an export reads back exactly as the record was.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from trdkit.interop.fhir_administrations import Administration
from trdkit.interop.fhir_codes import codings
from trdkit.interop.fhir_draft import RecordDraft
from trdkit.interop.fhir_fields import read_fields, tag_of
from trdkit.interop.fhir_observations import ObservationScales, scale_readings
from trdkit.interop.fhir_questionnaires import read_questionnaire_response
from trdkit.interop.fhir_read import FhirDocument, FhirItem, as_dicts
from trdkit.interop.fhir_report import ImportLog

__all__ = ["read_scales"]


@dataclass
class _Read:
    """An administration that passed every check, before it gets its place in ``scales``."""

    data: dict[str, Any]
    admin: Administration
    items: list[FhirItem]
    notes: list[str]

    def order(self) -> tuple[int, str, str, str]:
        first = self.items[0].data
        position = read_fields(first)[0].get("position") if tag_of(first) == "record" else None
        place = position if isinstance(position, int) and not isinstance(position, bool) else -1
        # Unplaced (EHR) administrations after the placed ones (a trdkit export), by date.
        rank = place if place >= 0 else 1 << 30
        data = self.data
        return (rank, data["date"], data["instrument"], json.dumps(data, sort_keys=True))


def _code_label(item: FhirItem) -> str:
    codes = codings(item.data.get("code"))
    if not codes:
        return "no code"
    first = codes[0]
    return f"{first.system or first.uri} {first.code}" + (
        f" ({first.display})" if first.display else ""
    )


def read_scales(
    doc: FhirDocument,
    responses: list[FhirItem],
    observations: list[FhirItem],
    draft: RecordDraft,
    log: ImportLog,
) -> None:
    """Read QuestionnaireResponses and scale Observations into ``draft.scales``."""
    found: list[tuple[Administration, list[FhirItem]]] = []
    read_refs: dict[str, Administration] = {}
    for item in responses:
        admin = read_questionnaire_response(item, log)
        if admin is not None:
            found.append((admin, [item]))
            read_refs |= {ref: admin for ref in (item.ref, item.full_url) if ref}
    derived: list[tuple[FhirItem, Administration]] = []
    obs = ObservationScales(doc, log)
    for item in observations:
        readings = scale_readings(item)
        if not readings:
            log.ignore("Observation", item.rid, f"code {_code_label(item)} is not used by trdkit")
            continue
        sources = [doc.resolve(ref, item) for ref in as_dicts(item.data.get("derivedFrom"))]
        origin = next((read_refs[s.ref] for s in sources if s and s.ref in read_refs), None)
        if origin is not None:
            log.ignore("Observation", item.rid, "derived from a QuestionnaireResponse already read")
            derived.append((item, origin))
            continue
        obs.accept(item, readings)
    obs.group_lone()
    found += obs.admins
    index_of = _add(found, draft, log)
    for item, origin in derived:
        if id(origin) in index_of:
            draft.related.setdefault(f"scales[{index_of[id(origin)]}].total", []).append(item)


def _add(
    found: list[tuple[Administration, list[FhirItem]]], draft: RecordDraft, log: ImportLog
) -> dict[int, int]:
    """Add the usable administrations in date order; return ``id(admin) -> index``."""
    with_items = {
        (a.instrument, a.date) for a, _ in found if a.items or a.instrument == "bipolarity_index"
    }
    accepted: list[_Read] = []
    dropped: list[tuple[Administration, list[FhirItem]]] = []
    for admin, items in found:
        kind = items[0].resource_type
        trdkit = tag_of(items[0].data) == "record"
        if draft.deceased_on is not None and admin.date > draft.deceased_on:
            for item in items:
                log.add(
                    kind,
                    item.rid,
                    "not_imported",
                    [
                        f"{admin.instrument} dated {admin.date}, "
                        f"after the death on {draft.deceased_on}"
                    ],
                )
            continue
        if not trdkit and not admin.items and (admin.instrument, admin.date) in with_items:
            for item in items:
                log.add(
                    kind,
                    item.rid,
                    "not_imported",
                    [
                        f"{admin.instrument} total on {admin.date}: "
                        "item answers of the same date were read"
                    ],
                )
            dropped.append((admin, items))
            continue
        data, notes = admin.data()
        if data is None:
            for item in items:
                log.add(
                    item.resource_type, item.rid, "not_imported", [f"{admin.instrument}: ", *notes]
                )
            continue
        accepted.append(_Read(data, admin, items, notes))
    index_of: dict[int, int] = {}
    for read in sorted(accepted, key=_Read.order):
        draft.scales.append(read.data)
        draft.dated(dt.date.fromisoformat(read.data["date"]))
        index = len(draft.scales) - 1
        index_of[id(read.admin)] = index
        for item in read.items:
            log.add(
                item.resource_type,
                item.rid,
                "imported",
                [f"{read.admin.instrument} on {read.admin.date}", *read.notes],
                [f"scales[{index}]"],
            )
    for admin, items in dropped:
        for read in accepted:
            same = (read.admin.instrument, read.admin.date) == (admin.instrument, admin.date)
            if same and read.admin.items:
                path = f"scales[{index_of[id(read.admin)]}].total"
                draft.related.setdefault(path, []).extend(items)
    return index_of
