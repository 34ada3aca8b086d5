"""Suggestions on a draft order: cancel it, replace the drug, or adjust the dose per CPIC.

A replacement is taken from the assessment's own ranked options: an agent of the same kind
(antidepressant for an antidepressant, augmenting agent for an augmenting agent), not the drug
ordered, without a CPIC action against it, without a washout step, and with an RxNorm code to
write into the order. The updated MedicationRequest keeps the draft's id, status, intent and
subject; its dose becomes the option's dose note as text, for the prescriber to complete.

References
----------
HL7 CDS Hooks 2.0.1, "Suggestion" and "Action" (create, update, delete; resourceId).
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from typing import Any

from trdkit.assessment import Assessment
from trdkit.cdshooks.models import Action, Suggestion
from trdkit.cdshooks.orders import DraftOrder
from trdkit.knowledge.drugs import Drug, load_drug_catalogue
from trdkit.knowledge.fhir_codes import load_fhir_codes

__all__ = ["Alternative", "adjust_dose", "alternatives", "cancel_order", "replace_order"]

_NEUTRAL = (None, "use_standard_dose", "no_recommendation")
# Options whose agents can stand in for a drafted drug (not optimisation, rapid-acting, ...).
_REPLACING = ("switch", "combination", "augmentation")
_MG = ("mg", "milligram", "milligrams")


@dataclass(frozen=True)
class Alternative:
    """A drug to order instead, with the option it comes from and a dose note."""

    drug: Drug
    rxcui: str
    option: str
    rank: int
    dose_note: str | None


def _targets(order: DraftOrder) -> bool:
    return order.ref.startswith("MedicationRequest/")


def alternatives(
    assessment: Assessment, order: DraftOrder, taken: set[str], limit: int = 2
) -> list[Alternative]:
    """Up to ``limit`` replacements for ``order`` from the assessment's ranked options.

    ``taken`` holds the drugs the patient takes now: they are not offered.
    """
    catalogue = load_drug_catalogue().drugs
    codes = load_fhir_codes()
    found: dict[str, Alternative] = {}
    for option in assessment.options:
        if option.washout is not None or option.category not in _REPLACING:
            continue
        for agent in option.agents:
            drug = catalogue.get(agent.drug)
            rxcui = codes.rxcui_of(agent.drug)
            if (
                drug is None
                or rxcui is None
                or drug.kind is not order.drug.kind
                or drug.id == order.drug.id
                or drug.id in taken
                or agent.pgx_action not in _NEUTRAL
                or drug.id in found
            ):
                continue
            found[drug.id] = Alternative(drug, rxcui, option.title, option.rank, agent.dose_note)
            if len(found) == limit:
                return list(found.values())
    return list(found.values())


def cancel_order(order: DraftOrder) -> Suggestion | None:
    """Remove the draft order."""
    if not _targets(order):
        return None
    action = Action(
        type="delete",
        description=f"Remove the draft order for {order.drug.name}",
        resource_id=order.ref,
    )
    return Suggestion(
        label=f"Cancel the {order.drug.name} order", uuid=str(uuid.uuid4()), actions=[action]
    )


def _replaced(order: DraftOrder, alt: Alternative) -> dict[str, Any]:
    resource = copy.deepcopy(order.resource)
    resource.pop("medicationReference", None)
    resource.pop("contained", None)
    resource["medicationCodeableConcept"] = {
        "coding": [
            {"system": load_fhir_codes().uri("rxnorm"), "code": alt.rxcui, "display": alt.drug.name}
        ],
        "text": alt.drug.name,
    }
    note = alt.dose_note or "dose to be set by the prescriber"
    resource["dosageInstruction"] = [{"text": f"{alt.drug.name}: {note}"}]
    return resource


def replace_order(order: DraftOrder, alt: Alternative, *, recommended: bool) -> Suggestion | None:
    """Replace the ordered drug with ``alt`` (an update of the draft MedicationRequest)."""
    if not _targets(order):
        return None
    action = Action(
        type="update",
        description=(
            f"Order {alt.drug.name} instead of {order.drug.name} (trdkit option {alt.rank}: "
            f"{alt.option})"
        ),
        resource=_replaced(order, alt),
    )
    return Suggestion(
        label=f"Order {alt.drug.name} instead",
        uuid=str(uuid.uuid4()),
        is_recommended=recommended,
        actions=[action],
    )


def _scaled(dosage: dict[str, Any], factor: float) -> bool:
    changed = False
    for rate in dosage.get("doseAndRate") or []:
        quantity = rate.get("doseQuantity") if isinstance(rate, dict) else None
        if not isinstance(quantity, dict) or not isinstance(quantity.get("value"), int | float):
            continue
        unit = str(quantity.get("code") or quantity.get("unit") or "").casefold()
        if unit in _MG:
            quantity["value"] = round(float(quantity["value"]) * factor, 2)
            changed = True
    return changed


def adjust_dose(order: DraftOrder, factor: float, why: str) -> Suggestion | None:
    """Scale the ordered mg doses by ``factor`` (e.g. 0.5 for a CPIC 50 % starting dose)."""
    if not _targets(order):
        return None
    resource = copy.deepcopy(order.resource)
    dosages = [d for d in resource.get("dosageInstruction") or [] if isinstance(d, dict)]
    if not any([_scaled(d, factor) for d in dosages]):
        return None
    action = Action(
        type="update",
        description=f"Start {order.drug.name} at {factor:.0%} of the ordered dose ({why})",
        resource=resource,
    )
    return Suggestion(
        label=f"Start at {factor:.0%} of the dose",
        uuid=str(uuid.uuid4()),
        is_recommended=True,
        actions=[action],
    )
