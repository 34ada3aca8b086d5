"""All rating-scale data of a document -> ``scales``, in document order, without duplicates.

QuestionnaireResponses are read first; an Observation derived from one that was imported (a
score computed from those answers) is not read again. A total-only administration from EHR data
is dropped when item answers of the same instrument and date were read. Data dated after the
patient's death is not imported.
"""

from __future__ import annotations

import datetime as dt

from trdkit.interop.fhir_administrations import Administration
from trdkit.interop.fhir_codes import codings
from trdkit.interop.fhir_draft import RecordDraft
from trdkit.interop.fhir_fields import tag_of
from trdkit.interop.fhir_observations import ObservationScales, scale_readings
from trdkit.interop.fhir_questionnaires import read_questionnaire_response
from trdkit.interop.fhir_read import FhirDocument, FhirItem, as_dicts
from trdkit.interop.fhir_report import ImportLog

__all__ = ["read_scales"]


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
    position = {id(item): i for i, item in enumerate(doc.items)}
    found: list[tuple[Administration, list[FhirItem]]] = []
    read_refs: set[str] = set()
    for item in responses:
        admin = read_questionnaire_response(item, log)
        if admin is not None:
            found.append((admin, [item]))
            read_refs |= {item.ref, *([item.full_url] if item.full_url else [])}
    obs = ObservationScales(doc, log)
    for item in observations:
        readings = scale_readings(item)
        if not readings:
            log.ignore("Observation", item.rid, f"code {_code_label(item)} is not used by trdkit")
            continue
        sources = [doc.resolve(ref, item) for ref in as_dicts(item.data.get("derivedFrom"))]
        if any(s is not None and (s.ref in read_refs) for s in sources):
            log.ignore("Observation", item.rid, "derived from a QuestionnaireResponse already read")
            continue
        obs.accept(item, readings)
    obs.group_lone()
    found += obs.admins
    found.sort(key=lambda pair: min(position.get(id(i), 0) for i in pair[1]))
    _add(found, draft, log)


def _add(
    found: list[tuple[Administration, list[FhirItem]]], draft: RecordDraft, log: ImportLog
) -> None:
    with_items = {
        (a.instrument, a.date) for a, _ in found if a.items or a.instrument == "bipolarity_index"
    }
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
            continue
        data, notes = admin.data()
        if data is None:
            for item in items:
                log.add(
                    item.resource_type, item.rid, "not_imported", [f"{admin.instrument}: ", *notes]
                )
            continue
        draft.scales.append(data)
        draft.dated(dt.date.fromisoformat(data["date"]))
        index = len(draft.scales) - 1
        for item in items:
            log.add(
                item.resource_type,
                item.rid,
                "imported",
                [f"{admin.instrument} on {admin.date}", *notes],
                [f"scales[{index}]"],
            )
