"""order-select / order-sign: CPIC, MAOI washouts and combinations, contraindications, dedupe."""

from __future__ import annotations

from typing import Any

from cds_ehr import MockEhr, assert_cards_valid
from cds_patients import RXCUI, draft_order, hook_body, patient_resources, prefetch_for

pytest_plugins = ["cds_fixtures", "api_fixtures", "store_fixtures"]

SELECT = "trdkit-order-select"
SIGN = "trdkit-order-sign"


def _order_cards(
    ehr: MockEhr,
    current: str,
    orders: list[dict[str, Any]],
    *,
    service: str = SELECT,
    selections: list[str] | None = None,
) -> list[dict[str, Any]]:
    patient_id, resources = patient_resources(current)
    hook = "order-select" if service == SELECT else "order-sign"
    picked = [f"MedicationRequest/{o['id']}" for o in orders] if selections is None else selections
    body = hook_body(
        hook,
        patient_id,
        prefetch=prefetch_for(resources),
        orders=orders,
        selections=picked if hook == "order-select" else None,
    )
    response = ehr.call(service, body)
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = response.json()["cards"]
    assert_cards_valid(cards)
    return cards


def _kind(cards: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [c for c in cards if c["source"]["topic"]["code"] == kind]


def _order(current: str, drug: str, mg: float, order_id: str = "mr-1") -> dict[str, Any]:
    patient_id, _ = patient_resources(current)
    return draft_order(order_id, patient_id, drug, mg)


def test_order_select__cpic_card_for_citalopram_in_cyp2c19_pm(ehr: MockEhr) -> None:
    cards = _order_cards(ehr, "fluoxetine", [_order("fluoxetine", "citalopram", 20)])
    (pgx,) = _kind(cards, "pgx")
    assert pgx["indicator"] == "warning"
    assert "Citalopram: consider an alternative" in pgx["summary"]
    assert "CYP2C19 Poor Metabolizer" in pgx["summary"]
    assert pgx["source"]["url"] == "https://cpicpgx.org/guidelines/"
    assert pgx["selectionBehavior"] == "at-most-one"
    first = pgx["suggestions"][0]
    assert first["isRecommended"] is True
    (action,) = first["actions"]
    assert action["type"] == "update"
    resource = action["resource"]
    assert resource["id"] == "mr-1" and resource["status"] == "draft"
    (coding,) = resource["medicationCodeableConcept"]["coding"]
    assert coding["system"] == "http://www.nlm.nih.gov/research/umls/rxnorm"
    assert coding["code"] != RXCUI["citalopram"]
    assert coding["display"].lower() not in ("citalopram", "escitalopram", "fluoxetine")


def test_order_select__escitalopram_also_cpic(ehr: MockEhr) -> None:
    cards = _order_cards(ehr, "fluoxetine", [_order("fluoxetine", "escitalopram", 10)])
    (pgx,) = _kind(cards, "pgx")
    assert pgx["summary"].startswith("Escitalopram: consider an alternative")


def test_order_select__ssri_on_maoi_is_critical_washout(ehr: MockEhr) -> None:
    cards = _order_cards(ehr, "phenelzine", [_order("phenelzine", "citalopram", 20)])
    (card,) = _kind(cards, "interaction")
    assert cards[0] is card or cards[0]["indicator"] == "critical"
    assert card["indicator"] == "critical"
    assert "phenelzine: dangerous combination" in card["summary"]
    assert "wait 14 days" in card["summary"]
    assert "maoi_combination_reverse" in card["detail"] and "earliest start" in card["detail"]
    (cancel,) = card["suggestions"]
    assert cancel["actions"] == [
        {
            "type": "delete",
            "description": "Remove the draft order for Citalopram",
            "resourceId": "MedicationRequest/mr-1",
        }
    ]
    assert card["overrideReasons"]


def test_order_select__ssri_with_ssri_is_serotonergic_caution(ehr: MockEhr) -> None:
    cards = _order_cards(ehr, "fluoxetine", [_order("fluoxetine", "citalopram", 20)])
    (card,) = _kind(cards, "interaction")
    assert card["indicator"] == "warning"
    assert "fluoxetine" in card["summary"]
    assert "serotonergic_combination" in card["detail"]


def test_order_select__contraindication_card(ehr: MockEhr) -> None:
    cards = _order_cards(ehr, "fluoxetine", [_order("fluoxetine", "bupropion", 150)])
    (card,) = _kind(cards, "contraindication")
    assert card["indicator"] == "critical"
    assert "seizure disorder" in card["summary"]
    assert card["suggestions"][0]["actions"][0]["type"] == "delete"


def test_order_select__prior_failure_card(ehr: MockEhr) -> None:
    cards = _order_cards(ehr, "fluoxetine", [_order("fluoxetine", "sertraline", 100)])
    (card,) = _kind(cards, "prior_trial")
    assert "already failed adequately" in card["summary"]


def test_order_select__only_selected_orders_checked(ehr: MockEhr) -> None:
    orders = [
        _order("phenelzine", "citalopram", 20, "a"),
        _order("phenelzine", "bupropion", 150, "b"),
    ]
    cards = _order_cards(ehr, "phenelzine", orders, selections=["MedicationRequest/b"])
    assert cards and all("Bupropion" in c["summary"] for c in cards)


def test_order_select__cards_most_urgent_first(ehr: MockEhr) -> None:
    orders = [
        _order("phenelzine", "citalopram", 20, "a"),
        _order("phenelzine", "bupropion", 150, "b"),
    ]
    cards = _order_cards(ehr, "phenelzine", orders)
    levels = ["critical", "warning", "info"]
    ranks = [levels.index(c["indicator"]) for c in cards]
    assert ranks == sorted(ranks)


def test_order_sign__repeats_no_card_shown_at_select(ehr: MockEhr) -> None:
    orders = [_order("phenelzine", "citalopram", 20)]
    selected = _order_cards(ehr, "phenelzine", orders)
    assert selected
    assert _order_cards(ehr, "phenelzine", orders, service=SIGN) == []


def test_order_sign__without_select_shows_cards(ehr: MockEhr) -> None:
    orders = [_order("phenelzine", "citalopram", 20)]
    signed = _order_cards(ehr, "phenelzine", orders, service=SIGN)
    assert _kind(signed, "interaction")


def test_order_sign__another_order_is_not_deduplicated(ehr: MockEhr) -> None:
    _order_cards(ehr, "phenelzine", [_order("phenelzine", "citalopram", 20, "first")])
    signed = _order_cards(
        ehr, "phenelzine", [_order("phenelzine", "citalopram", 20, "second")], service=SIGN
    )
    assert _kind(signed, "interaction")


def test_order_select__non_psychiatric_order_gives_no_card(ehr: MockEhr) -> None:
    patient_id, _ = patient_resources("fluoxetine")
    order = draft_order("mr-9", patient_id, "citalopram", 20)
    order["medicationCodeableConcept"] = {"text": "amoxicillin 500 MG Oral Capsule"}
    assert _order_cards(ehr, "fluoxetine", [order]) == []


def test_order_select__other_draft_orders_count_as_partners(ehr: MockEhr) -> None:
    patient_id, _ = patient_resources("fluoxetine")
    tramadol = draft_order("mr-t", patient_id, "citalopram", 50)
    tramadol["medicationCodeableConcept"] = {"text": "tramadol hydrochloride 50 MG Oral Tablet"}
    orders = [_order("fluoxetine", "citalopram", 20), tramadol]
    cards = _order_cards(ehr, "fluoxetine", orders, selections=["MedicationRequest/mr-1"])
    (card,) = _kind(cards, "interaction")
    assert "tramadol" in card["detail"] and "fluoxetine" in card["detail"]
    assert all("Tramadol" not in c["summary"] for c in cards)
