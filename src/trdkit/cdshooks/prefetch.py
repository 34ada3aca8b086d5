"""Prefetch: the templates a service asks for, and the resources an EHR sent with a call.

Each prefetch value is a resource, a searchset Bundle, ``null`` (the EHR has no such data) or an
OperationOutcome (the EHR's query failed). A key that is missing, or answered with an
OperationOutcome, or answered with only the first page of a search (a ``next`` link), was not
satisfied: when it is a required key (``cds_hooks.yaml``), the service reads the patient from
``fhirServer`` instead (:mod:`trdkit.interop.fhir_client`).

References
----------
HL7 CDS Hooks 2.0.1, "Prefetch Template", "Prefetch tokens" and "Providing FHIR Resources to a
CDS Service" (a key is omitted when the client could not satisfy it; null means no data).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from trdkit.knowledge.cds_hooks import PrefetchTemplate, load_cds_hooks

__all__ = ["PatientData", "merge_resources", "read_prefetch", "render_template", "templates"]

_TOKEN = re.compile(r"\{\{\s*context\.([A-Za-z]+)\s*\}\}")


def templates() -> dict[str, str]:
    """Prefetch key -> FHIR query template, as the discovery document lists them."""
    return {key: row.template for key, row in load_cds_hooks().prefetch.items()}


def render_template(template: str, context: Mapping[str, Any]) -> str | None:
    """Fill ``{{context.x}}`` tokens from primitive context fields (``None`` if one is absent)."""
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        value = context.get(match.group(1))
        if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
            missing = True
            return ""
        return str(value)

    rendered = _TOKEN.sub(fill, template)
    return None if missing else rendered


@dataclass
class PatientData:
    """The resources gathered for one call, and which required prefetch keys were not met."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _resources(value: dict[str, Any]) -> list[dict[str, Any]]:
    if value.get("resourceType") != "Bundle":
        return [value]
    found = []
    for entry in value.get("entry") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            continue
        if (entry.get("search") or {}).get("mode") == "outcome":
            continue
        found.append(entry["resource"])
    return found


def _paged(value: dict[str, Any]) -> bool:
    links = value.get("link") if value.get("resourceType") == "Bundle" else None
    return any(isinstance(x, dict) and x.get("relation") == "next" for x in links or [])


def merge_resources(*groups: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The resources of ``groups`` in order, each ``Type/id`` once (id-less ones all kept)."""
    seen: set[tuple[Any, Any]] = set()
    merged: list[dict[str, Any]] = []
    for group in groups:
        for resource in group:
            key = (resource.get("resourceType"), resource.get("id"))
            if key[1] is not None and key in seen:
                continue
            seen.add(key)
            merged.append(resource)
    return merged


def read_prefetch(
    prefetch: Mapping[str, Any] | None,
    wanted: Mapping[str, PrefetchTemplate] | None = None,
) -> PatientData:
    """Collect the prefetched resources and the required keys the EHR did not satisfy.

    Parameters
    ----------
    prefetch
        The request's ``prefetch`` object (``None`` when the EHR sent none).
    wanted
        The templates asked for; default those of ``cds_hooks.yaml``.
    """
    rows = wanted if wanted is not None else load_cds_hooks().prefetch
    given = prefetch or {}
    data = PatientData()
    groups: list[list[dict[str, Any]]] = []
    for key, row in rows.items():
        if key not in given:
            if row.required:
                data.unmet.append(key)
            continue
        value = given[key]
        if value is None:
            continue
        if not isinstance(value, dict) or value.get("resourceType") == "OperationOutcome":
            data.notes.append(f"prefetch {key}: the EHR's query failed")
            if row.required:
                data.unmet.append(key)
            continue
        groups.append(_resources(value))
        if _paged(value):
            # Only the first page came: the rest is read from fhirServer like a missing key.
            data.notes.append(f"prefetch {key}: only the first page of the search was sent")
            if row.required:
                data.unmet.append(key)
    data.resources = merge_resources(*groups)
    return data
