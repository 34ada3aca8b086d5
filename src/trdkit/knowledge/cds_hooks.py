"""Loader for ``cds_hooks.yaml``: the CDS Hooks services, prefetch templates and card metadata.

The table says which services trdkit offers an EHR (one per hook), the prefetch templates they
ask for, the source (label and URL) of each kind of card, the override reasons a clinician can
choose, the flags grouped on the false-TRD card and how many options a card lists. Loading fails
(``KnowledgeError``) on an unknown source key, flag id or card kind.

References
----------
HL7 CDS Hooks 2.0.1 (https://cds-hooks.hl7.org/2.0/); hook definitions patient-view,
order-select and order-sign v1.0 (https://cds-hooks.org/hooks/).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trdkit.knowledge._table import KnowledgeError, TableHeader, read_yaml_table
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.knowledge.flags import load_flag_table

__all__ = [
    "CARD_KINDS",
    "CardKind",
    "CardSource",
    "CdsHooksTable",
    "OverrideReason",
    "PrefetchTemplate",
    "ServiceRow",
    "load_cds_hooks",
]

_TABLE = "cds_hooks.yaml"

CardKind = Literal[
    "suicide_risk",
    "trd_status",
    "false_trd",
    "options",
    "pgx",
    "interaction",
    "contraindication",
    "caution",
    "prior_trial",
    "data_gap",
]
CARD_KINDS: tuple[str, ...] = CardKind.__args__  # type: ignore[attr-defined]
Hook = Literal["patient-view", "order-select", "order-sign"]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrefetchTemplate(_Row):
    """One prefetch query; a required one left out by the EHR is read from ``fhirServer``."""

    template: str = Field(min_length=1)
    required: bool
    sources: tuple[str, ...] = Field(min_length=1)


class ServiceRow(_Row):
    """One CDS service of the discovery document."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    hook: Hook
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)


class CardSource(_Row):
    """The ``source`` of a kind of card: label, public URL, and the table sources behind it."""

    label: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://")
    sources: tuple[str, ...] = Field(min_length=1)


class OverrideReason(_Row):
    """A reason a clinician may give for overriding a card (code in trdkit's code system)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    display: str = Field(min_length=1)


class CdsHooksTable(_Row):
    """The validated ``cds_hooks.yaml``."""

    header: TableHeader
    code_systems: Mapping[Literal["override_reason", "card_topic"], str]
    prefetch: Mapping[str, PrefetchTemplate]
    services: tuple[ServiceRow, ...]
    card_sources: Mapping[CardKind, CardSource]
    overridable: tuple[CardKind, ...]
    override_reasons: tuple[OverrideReason, ...] = Field(min_length=1)
    false_trd_flags: tuple[str, ...]
    top_options: int = Field(ge=1, le=10)

    def system(self, name: Literal["override_reason", "card_topic"]) -> str:
        """The URI of one of trdkit's CDS code systems."""
        return f"{load_fhir_codes().namespace}/{self.code_systems[name]}"

    def service(self, service_id: str) -> ServiceRow | None:
        """The service with ``service_id``, if offered."""
        return next((s for s in self.services if s.id == service_id), None)


def _check(table: CdsHooksTable) -> None:
    keys = table.header.source_keys()
    cited: list[tuple[str, tuple[str, ...]]] = [
        *((f"prefetch {k}", p.sources) for k, p in table.prefetch.items()),
        *((f"service {s.id}", s.sources) for s in table.services),
        *((f"card source {k}", c.sources) for k, c in table.card_sources.items()),
    ]
    for row, sources in cited:
        if missing := sorted(set(sources) - keys):
            raise KnowledgeError(f"{_TABLE}: {row} cites unknown sources {missing}")
    if missing_kinds := sorted(set(CARD_KINDS) - set(table.card_sources)):
        raise KnowledgeError(f"{_TABLE}: card_sources lacks {missing_kinds}")
    if unknown := sorted(set(table.false_trd_flags) - set(load_flag_table().flags)):
        raise KnowledgeError(f"{_TABLE}: false_trd_flags names unknown flags {unknown}")
    if len({s.id for s in table.services}) != len(table.services):
        raise KnowledgeError(f"{_TABLE}: duplicate service id")


@cache
def load_cds_hooks() -> CdsHooksTable:
    """Load and validate ``cds_hooks.yaml`` (once per process).

    Raises
    ------
    KnowledgeError
        If a row is invalid or cites an unknown source, flag or card kind.
    """
    header, body = read_yaml_table(_TABLE)
    try:
        table = CdsHooksTable.model_validate({"header": header, **body})
    except ValidationError as exc:
        raise KnowledgeError(f"{_TABLE}: invalid table: {exc}") from exc
    _check(table)
    return table
