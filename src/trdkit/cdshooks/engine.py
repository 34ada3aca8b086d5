"""Answering one hook call: gather the patient's data, assess, and build the cards.

1. The request must match the service's hook and name ``context.patientId`` (and, for the order
   hooks, carry ``draftOrders``): otherwise :class:`HookRequestError`.
2. The prefetched resources are read; when a required prefetch key is missing, the patient is
   read from ``fhirServer`` with the ``fhirAuthorization`` token (only an https server allowed
   for the calling EHR). If that fails too, cards are still made from what was sent, with a
   ``data_gap`` card saying what is missing; only when no patient data at all is available is
   the answer :class:`DataUnavailable` (HTTP 412, as the specification asks).
3. The record is assessed under the configured policy and the hook's cards are built. At
   order-sign, cards already shown at order-select for the same patient and order are dropped
   (:mod:`trdkit.cdshooks.dedupe`).

References
----------
HL7 CDS Hooks 2.0.1, "Prefetch" (fallback to FHIR queries or 412), "CDS Service Response".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trdkit.assessment import assess
from trdkit.cdshooks.cards import DraftCard, LinkMaker, bullets, new_card
from trdkit.cdshooks.config import CdsConfig
from trdkit.cdshooks.dedupe import TtlStore, card_key
from trdkit.cdshooks.models import CardsResponse, HookRequest, Indicator, Link
from trdkit.cdshooks.order_cards import order_cards
from trdkit.cdshooks.orders import read_draft_orders
from trdkit.cdshooks.patient import build_record
from trdkit.cdshooks.patient_cards import patient_view_cards
from trdkit.cdshooks.prefetch import PatientData, merge_resources, read_prefetch
from trdkit.cdshooks.security import VerifiedClient
from trdkit.interop import FhirImportError
from trdkit.interop.fhir_client import FhirClientError
from trdkit.knowledge.cds_hooks import ServiceRow
from trdkit.treatment.context import build_context

__all__ = ["DataUnavailable", "Fetcher", "HookRequestError", "HookResult", "run_hook"]

Fetcher = Callable[[str, str, str | None], list[dict[str, Any]]]
"""``fetch(fhir_server, patient_id, access_token)`` -> the patient's resources."""

_ORDER_HOOKS = ("order-select", "order-sign")


class HookRequestError(ValueError):
    """The request does not fit the service (wrong hook, missing context)."""


class DataUnavailable(RuntimeError):
    """No patient data could be prefetched or fetched (HTTP 412)."""


@dataclass
class HookResult:
    """The response, the cards with their kinds, and how the data was gathered."""

    response: CardsResponse
    cards: list[DraftCard]
    patient_id: str
    fetched: bool = False
    gaps: list[str] = field(default_factory=list)


def _check(request: HookRequest, service: ServiceRow) -> str:
    if request.hook != service.hook:
        raise HookRequestError(f"service {service.id} answers {service.hook}, not {request.hook}")
    patient_id = request.patient_id()
    if patient_id is None:
        raise HookRequestError("context.patientId is required")
    if service.hook in _ORDER_HOOKS:
        orders = request.context.get("draftOrders")
        if not isinstance(orders, dict) or orders.get("resourceType") != "Bundle":
            raise HookRequestError("context.draftOrders must be a Bundle")
    return patient_id


def _fetch_missing(
    request: HookRequest,
    data: PatientData,
    patient_id: str,
    client: VerifiedClient,
    config: CdsConfig,
    fetch: Fetcher,
) -> tuple[bool, list[str]]:
    """Fill unmet prefetch keys from fhirServer; return whether it worked and the gaps left."""
    unmet = ", ".join(data.unmet)
    server = request.fhir_server
    if not server:
        return False, [f"prefetch not sent for {unmet}, and no fhirServer to read it from"]
    if config.require_https_fhir and not server.lower().startswith("https://"):
        return False, [f"prefetch not sent for {unmet}; fhirServer is not https: not read"]
    if client.issuer is not None and not client.issuer.allows_fhir_server(server):
        return False, [f"prefetch not sent for {unmet}; fhirServer is not allowed for this EHR"]
    token = request.fhir_authorization.access_token if request.fhir_authorization else None
    try:
        fetched = fetch(server, patient_id, token)
    except (FhirClientError, ValueError) as exc:
        return False, [f"prefetch not sent for {unmet}, and fhirServer could not be read: {exc}"]
    data.resources = merge_resources(data.resources, fetched)
    data.unmet = []
    return True, []


def _gap_card(gaps: list[str], link: Link | None, hook: str) -> DraftCard:
    level: Indicator = "warning" if hook in _ORDER_HOOKS else "info"
    return new_card(
        "data_gap",
        "trdkit could not read all of this patient's data: cards may be incomplete",
        level,
        bullets(gaps),
        link=link,
    )


def _dedupe(
    cards: list[DraftCard], hook: str, client: VerifiedClient, patient_id: str, shown: TtlStore
) -> list[DraftCard]:
    if hook == "order-select":
        for drafted in cards:
            if drafted.order_ref is not None:
                shown.put(card_key(client.key, patient_id, drafted))
        return cards
    if hook == "order-sign":
        return [
            c
            for c in cards
            if c.order_ref is None or card_key(client.key, patient_id, c) not in shown
        ]
    return cards


def run_hook(
    request: HookRequest,
    service: ServiceRow,
    *,
    client: VerifiedClient,
    config: CdsConfig,
    fetch: Fetcher,
    shown: TtlStore,
    links: LinkMaker,
    today: dt.date,
) -> HookResult:
    """Answer one hook call with cards (see the module docstring).

    Raises
    ------
    HookRequestError
        The request does not fit the service.
    DataUnavailable
        No patient data was sent and none could be read from ``fhirServer``.
    """
    patient_id = _check(request, service)
    link = links.report(patient_id, request.hook_instance)
    data = read_prefetch(request.prefetch)
    gaps = list(data.notes)
    fetched = False
    if data.unmet:
        fetched, more = _fetch_missing(request, data, patient_id, client, config, fetch)
        gaps += more
        if not fetched and not data.resources:
            raise DataUnavailable("; ".join(more))
    if not data.resources:
        return HookResult(CardsResponse(cards=[]), [], patient_id, fetched, gaps)
    try:
        record, _ = build_record(data.resources, today)
    except FhirImportError as exc:
        gaps.append(f"the patient's data could not be read as a record: {exc}")
        cards = [_gap_card(gaps, link, request.hook)]
        return HookResult(
            CardsResponse(cards=[c.card for c in cards]), cards, patient_id, fetched, gaps
        )
    assessment = assess(record, config.policy)
    if service.hook == "patient-view":
        cards = patient_view_cards(assessment, link)
    else:
        ctx = build_context(
            record, assessment.diagnosis, assessment.trd, assessment.flags, assessment.pgx
        )
        orders = read_draft_orders(request.context, service.hook)
        cards = order_cards(assessment, ctx, orders, link)
    cards = _dedupe(cards, service.hook, client, patient_id, shown)
    if gaps:
        cards.append(_gap_card(gaps, link, request.hook))
    response = CardsResponse(cards=[c.card for c in cards])
    return HookResult(response, cards, patient_id, fetched, gaps)
