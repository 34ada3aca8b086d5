"""The draft orders of ``order-select`` and ``order-sign``: which catalogue drug each one starts.

``context.draftOrders`` is a Bundle of draft orders. Each MedicationRequest is matched to the drug
catalogue by the importer's own medication mapping (RxNorm ingredient, product table, then the
coded or written name; a ``medicationReference`` to a contained Medication is followed), and its
daily dose computed from ``dosageInstruction``. Only antidepressants and augmenting agents are
checked; the other draft orders still count as drugs about to be taken (interaction partners).
At order-select the checked orders are those in ``context.selections``; at order-sign, all.

References
----------
CDS Hooks hook definitions order-select v1.0 (``selections``, ``draftOrders``) and order-sign
v1.0 (``draftOrders``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trdkit.interop.fhir_drugs import DrugMatch, daily_dose, match_medication
from trdkit.knowledge.drugs import Drug, DrugKind, load_drug_catalogue

__all__ = ["CHECKED_KINDS", "DraftOrder", "OrderSet", "read_draft_orders"]

CHECKED_KINDS = (DrugKind.ANTIDEPRESSANT, DrugKind.AUGMENTING_AGENT)


@dataclass(frozen=True)
class DraftOrder:
    """One catalogue drug of one draft MedicationRequest."""

    ref: str
    resource: dict[str, Any]
    drug: Drug
    name: str
    dose_mg_per_day: float | None
    strength_mg: float | None
    how: str


@dataclass
class OrderSet:
    """The orders to check, the other drugs being ordered, and what could not be read."""

    checked: list[DraftOrder]
    others: list[Drug]
    notes: list[str]


def _concept(resource: dict[str, Any]) -> Any:
    concept = resource.get("medicationCodeableConcept")
    if concept is not None:
        return concept
    ref = (resource.get("medicationReference") or {}).get("reference")
    if isinstance(ref, str) and ref.startswith("#"):
        for contained in resource.get("contained") or []:
            if isinstance(contained, dict) and contained.get("id") == ref[1:]:
                return contained.get("code")
    return None


def _ref(resource: dict[str, Any], position: int) -> str:
    rid = resource.get("id")
    return f"MedicationRequest/{rid}" if isinstance(rid, str) and rid else f"#draft-{position}"


def _resources(bundle: Any) -> list[dict[str, Any]]:
    if isinstance(bundle, dict) and bundle.get("resourceType") == "Bundle":
        entries = bundle.get("entry") or []
        return [
            e["resource"]
            for e in entries
            if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        ]
    return []


def _orders_of(resource: dict[str, Any], position: int) -> tuple[list[DraftOrder], str | None]:
    match: DrugMatch = match_medication(_concept(resource))
    if not match.drugs:
        return [], match.how
    drugs = load_drug_catalogue().drugs
    dosages = [d for d in resource.get("dosageInstruction") or [] if isinstance(d, dict)]
    # A combination product has no per-drug strength; its dose is then unknown.
    strength = match.strength_mg if len(match.drugs) == 1 else None
    dose, _ = daily_dose(dosages, strength) if len(match.drugs) == 1 else (None, "")
    name = match.name or drugs[match.drugs[0]].name
    orders = [
        DraftOrder(_ref(resource, position), resource, drugs[d], name, dose, strength, match.how)
        for d in match.drugs
    ]
    return orders, None


def read_draft_orders(context: dict[str, Any], hook: str) -> OrderSet:
    """Read ``context.draftOrders`` (and ``selections`` at order-select).

    Parameters
    ----------
    context
        The hook request's context.
    hook
        ``order-select`` or ``order-sign``.

    Returns
    -------
    OrderSet
        The antidepressant and augmenting-agent orders to check, the catalogue drugs of the
        other draft orders, and notes on orders that could not be matched.
    """
    selections = context.get("selections")
    selected = (
        {s for s in selections if isinstance(s, str)} if isinstance(selections, list) else set()
    )
    result = OrderSet([], [], [])
    for position, resource in enumerate(_resources(context.get("draftOrders"))):
        if resource.get("resourceType") != "MedicationRequest":
            continue
        orders, unmatched = _orders_of(resource, position)
        if unmatched is not None:
            result.notes.append(f"{_ref(resource, position)}: {unmatched}")
            continue
        chosen = hook != "order-select" or orders[0].ref in selected
        for order in orders:
            if chosen and order.drug.kind in CHECKED_KINDS:
                result.checked.append(order)
            else:
                result.others.append(order.drug)
    return result
