"""The import report: what a FHIR import read, into which record field, and what it left out.

Nothing in the input is dropped silently. Every resource the importer looked at gets an entry:
``imported`` (read into the record), ``partial`` (read, but some of it could not be mapped),
``not_imported`` (relevant, but unusable, with the reason) or ``ignored`` (a resource type or code
trdkit does not use; grouped, one entry per reason, listing the resource ids).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ImportEntry", "ImportLog", "ImportStatus", "label_of"]

ImportStatus = Literal["imported", "partial", "not_imported", "ignored"]


class ImportEntry(BaseModel):
    """One line of the import report (``import_report`` of ``trdkit.assessment/1``)."""

    model_config = ConfigDict(extra="forbid")

    resource_type: str = Field(description="FHIR resource type, e.g. 'Observation'.")
    ids: list[str] = Field(
        default_factory=list,
        description="Resource ids (several when like resources are grouped); '?' without id.",
    )
    status: ImportStatus
    fields: list[str] = Field(
        default_factory=list, description="Record fields written, e.g. 'scales[0]'."
    )
    because: list[str] = Field(
        min_length=1, description="What was read, what could not be mapped, and why."
    )


def label_of(resource: dict[str, Any]) -> str:
    """Return the id of a resource for the report (``'?'`` when it has none)."""
    rid = resource.get("id")
    return rid if isinstance(rid, str) and rid else "?"


class ImportLog:
    """Collects report entries while an import runs; ignored resources are grouped by reason."""

    def __init__(self) -> None:
        self._entries: list[ImportEntry] = []
        self._ignored: dict[tuple[str, str], list[str]] = {}

    def add(
        self,
        resource_type: str,
        rid: str,
        status: ImportStatus,
        because: Iterable[str],
        fields: Iterable[str] = (),
    ) -> None:
        """Record one entry for one resource."""
        reasons = [b for b in because if b] or [status.replace("_", " ")]
        self._entries.append(
            ImportEntry(
                resource_type=resource_type,
                ids=[rid],
                status=status,
                fields=list(dict.fromkeys(fields)),
                because=reasons,
            )
        )

    def ignore(self, resource_type: str, rid: str, reason: str) -> None:
        """Record a resource trdkit does not use, grouped with others ignored for ``reason``."""
        self._ignored.setdefault((resource_type, reason), []).append(rid)

    def entries(self) -> list[ImportEntry]:
        """Return every entry: per-resource entries first, then the grouped ignored ones."""
        grouped = [
            ImportEntry(resource_type=rtype, ids=ids, status="ignored", because=[reason])
            for (rtype, reason), ids in self._ignored.items()
        ]
        return [*self._entries, *grouped]
