"""How a trdkit export carries record fields that FHIR has no element for.

A trdkit bundle marks each resource with a ``meta.tag`` of trdkit's tag system: ``record`` for
resources that carry the patient record (read back on import) and ``conclusion`` for what the
assessment concluded (never read back as input). A ``record-role`` extension says which record
part a resource holds (``diagnosis``, ``trial`` ...). Fields with no FHIR element travel in
``record-field`` extensions: a ``path`` (dotted, relative to the record part) and the value as
JSON text, so booleans, ``unknown``, lists and empty lists survive the round trip exactly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from trdkit.interop.fhir_codes import structure_url, tag_system
from trdkit.interop.fhir_read import as_dicts

__all__ = [
    "Tag",
    "field_extensions",
    "flatten",
    "meta_tag",
    "nest",
    "read_fields",
    "role_extension",
    "role_of",
    "tag_of",
]

Tag = Literal["record", "conclusion"]


def meta_tag(kind: Tag) -> dict[str, Any]:
    """The ``meta`` element that marks a resource as trdkit ``record`` data or ``conclusion``."""
    return {"tag": [{"system": tag_system(), "code": kind}]}


def tag_of(resource: Mapping[str, Any]) -> Tag | None:
    """Return the trdkit tag of a resource, if any."""
    meta = resource.get("meta")
    for tag in as_dicts(meta.get("tag") if isinstance(meta, dict) else None):
        if tag.get("system") == tag_system() and tag.get("code") in ("record", "conclusion"):
            kind: Tag = tag["code"]
            return kind
    return None


def role_extension(role: str) -> dict[str, Any]:
    """The extension naming the record part a resource holds."""
    return {"url": structure_url("record-role"), "valueCode": role}


def role_of(resource: Mapping[str, Any]) -> str | None:
    """Return the ``record-role`` of a resource, if any."""
    for ext in as_dicts(resource.get("extension")):
        if ext.get("url") == structure_url("record-role") and isinstance(ext.get("valueCode"), str):
            role: str = ext["valueCode"]
            return role
    return None


def field_extensions(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Encode ``{path: value}`` as ``record-field`` extensions (``None`` values are skipped)."""
    return [
        {
            "url": structure_url("record-field"),
            "extension": [
                {"url": "path", "valueString": path},
                {"url": "json", "valueString": json.dumps(value, ensure_ascii=False)},
            ],
        }
        for path, value in values.items()
        if value is not None
    ]


def read_fields(resource: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Decode the ``record-field`` extensions of a resource.

    Returns
    -------
    fields, problems
        ``{path: value}``, and a message for every extension that could not be decoded.
    """
    fields: dict[str, Any] = {}
    problems: list[str] = []
    for ext in as_dicts(resource.get("extension")):
        if ext.get("url") != structure_url("record-field"):
            continue
        parts = {e.get("url"): e.get("valueString") for e in as_dicts(ext.get("extension"))}
        path, text = parts.get("path"), parts.get("json")
        if not isinstance(path, str) or not isinstance(text, str):
            problems.append("record-field extension without path or json")
            continue
        try:
            fields[path] = json.loads(text)
        except ValueError:
            problems.append(f"record-field {path}: value is not JSON")
    return fields, problems


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten one level: ``{"history": {"a": 1}}`` with prefix ``""`` -> ``{"history.a": 1}``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        out[f"{prefix}.{key}" if prefix else key] = value
    return out


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Rebuild nested mappings from dotted paths (the inverse of repeated ``flatten``)."""
    root: dict[str, Any] = {}
    for path, value in flat.items():
        node = root
        *parents, leaf = path.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[leaf] = value
    return root
