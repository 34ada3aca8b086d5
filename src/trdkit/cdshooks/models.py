"""The CDS Hooks 2.0 wire format: discovery, hook requests, cards and feedback.

Field names follow the specification (camelCase on the wire, snake_case in Python); serialise
with :func:`wire` (aliases, no ``None`` values). A card's summary must stay under 140 characters,
so the model rejects a longer one; :func:`trdkit.cdshooks.cards.fit_summary` shortens text to fit.

References
----------
HL7 CDS Hooks 2.0.1, "Discovery", "Calling a CDS Service", "CDS Service Response" (Card,
Suggestion, Action, Link, Source, overrideReasons) and "Feedback";
https://cds-hooks.hl7.org/2.0/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

__all__ = [
    "SUMMARY_MAX",
    "AcceptedSuggestion",
    "Action",
    "Card",
    "CardsResponse",
    "Coding",
    "Discovery",
    "FeedbackItem",
    "FeedbackRequest",
    "FhirAuthorization",
    "HookRequest",
    "Indicator",
    "Link",
    "OverrideReasonGiven",
    "ServiceDefinition",
    "Source",
    "Suggestion",
    "wire",
]

SUMMARY_MAX = 139
"""Longest card summary: the specification asks for fewer than 140 characters."""

Indicator = Literal["info", "warning", "critical"]


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class _Open(BaseModel):
    # Requests come from EHRs: unknown fields are allowed (the spec lets clients add them).
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


def wire(model: BaseModel) -> dict[str, Any]:
    """The JSON form of a model as the specification names its fields."""
    data: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


class Coding(_Open):
    """A FHIR Coding (system, code, display)."""

    system: str | None = None
    code: str
    display: str | None = None


class Source(_Wire):
    """Where a card's advice comes from."""

    label: str = Field(min_length=1)
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None


class Action(_Wire):
    """One change a suggestion makes to the EHR's data."""

    type: Literal["create", "update", "delete"]
    description: str = Field(min_length=1)
    resource: dict[str, Any] | None = None
    resource_id: str | None = Field(default=None, description="'Type/id'; for delete.")

    @model_validator(mode="after")
    def _target(self) -> Action:
        if self.type in ("create", "update") and self.resource is None:
            raise ValueError(f"a {self.type} action needs a resource")
        if self.type == "delete" and self.resource_id is None:
            raise ValueError("a delete action needs a resourceId")
        return self


class Suggestion(_Wire):
    """A set of actions the clinician can accept with one click."""

    label: str = Field(min_length=1)
    uuid: str
    is_recommended: bool | None = None
    actions: list[Action] = Field(default_factory=list)


class Link(_Wire):
    """A link to more information or to an app."""

    label: str = Field(min_length=1)
    url: str = Field(min_length=1)
    type: Literal["absolute", "smart"]
    app_context: str | None = None
    autolaunchable: bool | None = None


class Card(_Wire):
    """One card of a CDS service response."""

    uuid: str
    summary: str = Field(min_length=1, max_length=SUMMARY_MAX)
    detail: str | None = None
    indicator: Indicator
    source: Source
    suggestions: list[Suggestion] | None = None
    selection_behavior: Literal["at-most-one", "any"] | None = None
    override_reasons: list[Coding] | None = None
    links: list[Link] | None = None

    @model_validator(mode="after")
    def _selection(self) -> Card:
        if self.suggestions and self.selection_behavior is None:
            raise ValueError("selectionBehavior is required when suggestions are given")
        return self


class CardsResponse(_Wire):
    """The body of a service's answer: cards (possibly none) and system actions."""

    cards: list[Card] = Field(default_factory=list)
    system_actions: list[Action] | None = None


class ServiceDefinition(_Wire):
    """One service of the discovery document."""

    hook: str
    id: str
    title: str | None = None
    description: str
    prefetch: dict[str, str] | None = None
    usage_requirements: str | None = None


class Discovery(_Wire):
    """``GET /cds-services``."""

    services: list[ServiceDefinition]


class FhirAuthorization(_Open):
    """The access token the EHR lends the service for its FHIR server."""

    access_token: str = Field(min_length=1)
    token_type: str = "Bearer"
    expires_in: int | None = None
    scope: str | None = None
    subject: str | None = None
    patient: str | None = None


class HookRequest(_Open):
    """The body of ``POST /cds-services/{id}``."""

    hook: str = Field(min_length=1)
    hook_instance: str = Field(min_length=1, max_length=128)
    fhir_server: str | None = None
    fhir_authorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _server_with_token(self) -> HookRequest:
        if self.fhir_authorization is not None and not self.fhir_server:
            raise ValueError("fhirServer is required when fhirAuthorization is sent")
        return self

    def patient_id(self) -> str | None:
        """``context.patientId`` when it is a non-empty string."""
        value = self.context.get("patientId")
        return value if isinstance(value, str) and value.strip() else None


class AcceptedSuggestion(_Open):
    """A suggestion the clinician accepted."""

    id: str = Field(min_length=1, max_length=128)


class OverrideReasonGiven(_Open):
    """Why a card was overridden: a coded reason and an optional comment."""

    reason: Coding | None = None
    user_comment: str | None = Field(default=None, max_length=2000)


class FeedbackItem(_Open):
    """What happened to one card."""

    card: str = Field(min_length=1, max_length=64)
    outcome: Literal["accepted", "overridden"]
    accepted_suggestions: list[AcceptedSuggestion] | None = None
    override_reason: OverrideReasonGiven | None = None
    outcome_timestamp: dt.datetime

    @model_validator(mode="after")
    def _consistent(self) -> FeedbackItem:
        if self.outcome == "accepted" and not self.accepted_suggestions:
            raise ValueError("acceptedSuggestions is required when the outcome is accepted")
        if self.outcome == "accepted" and self.override_reason is not None:
            raise ValueError("overrideReason is only for an overridden card")
        return self


class FeedbackRequest(_Open):
    """The body of ``POST /cds-services/{id}/feedback``."""

    feedback: list[FeedbackItem] = Field(min_length=1, max_length=100)
