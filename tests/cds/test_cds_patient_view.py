"""patient-view: suicide risk first, TRD status and stage, false TRD, options, report links."""

from __future__ import annotations

from typing import Any

import pytest
from cds_ehr import MockEhr, assert_cards_valid
from cds_patients import hook_body, patient_resources, prefetch_for, shared_resource, split_bundle

pytest_plugins = ["cds_fixtures", "api_fixtures", "store_fixtures"]

SERVICE = "trdkit-patient-view"


def _cards(ehr: MockEhr, resources: list[dict[str, Any]], patient_id: str) -> list[dict[str, Any]]:
    body = hook_body("patient-view", patient_id, prefetch=prefetch_for(resources))
    response = ehr.call(SERVICE, body)
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = response.json()["cards"]
    assert_cards_valid(cards)
    return cards


def test_patient_view__built_patient_cards(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("phenelzine")
    cards = _cards(ehr, resources, patient_id)
    kinds = [c["source"]["topic"]["code"] for c in cards]
    assert kinds == ["suicide_risk", "trd_status", "false_trd", "options"]
    suicide, trd, false_trd, options = cards
    assert suicide["indicator"] == "critical"
    assert "PHQ-9 item 9" in suicide["detail"] and "attempt" in suicide["detail"]
    assert suicide["overrideReasons"]
    assert "treatment-resistant, 2 adequate failed" in trd["summary"]
    assert trd["indicator"] == "warning"
    assert "Thase-Rush" in trd["detail"]
    assert "metaboliser" in false_trd["summary"] or "metaboliser" in false_trd["detail"]
    assert options["summary"].startswith("Next steps: 1.")
    for card in cards:
        (link,) = card["links"]
        assert link["type"] == "absolute"
        assert link["url"] == f"https://trdkit.test/patients?fhir_patient={patient_id}"


def test_patient_view__genotype_from_real_genomics_example(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("fluoxetine")
    cards = _cards(ehr, resources, patient_id)
    false_trd = next(c for c in cards if c["source"]["topic"]["code"] == "false_trd")
    assert "CYP2C19 Poor Metabolizer" in false_trd["detail"]


@pytest.mark.parametrize(
    "name",
    [
        "bhp_converted_collection_james_wolff.json",
        "ecqm_CMS159FHIR-v0.3.000-DENEXPopStrat1Pass-BipolarDisorderBeforeEndofMAP.json",
        "ecqm_CMS159FHIR-v0.3.000-NUMERPopStrat1Pass-DXandAssessmentsWithinMAP1.json",
        "synthea_r4_Milan_Beatty_e78d0ed2-1b54-4c30-90ae-f7405af1e402.json",
    ],
)
def test_patient_view__real_ehr_bundles(ehr: MockEhr, name: str) -> None:
    resources = split_bundle(shared_resource(name))
    patient_id = next(r["id"] for r in resources if r["resourceType"] == "Patient")
    cards = _cards(ehr, resources, patient_id)
    kinds = [c["source"]["topic"]["code"] for c in cards]
    assert "trd_status" in kinds
    if "suicide_risk" in kinds:
        assert kinds[0] == "suicide_risk"


def test_patient_view__bipolar_patient_gets_false_trd_card(ehr: MockEhr) -> None:
    name = "ecqm_CMS159FHIR-v0.3.000-DENEXPopStrat1Pass-BipolarDisorderBeforeEndofMAP.json"
    resources = split_bundle(shared_resource(name))
    patient_id = next(r["id"] for r in resources if r["resourceType"] == "Patient")
    cards = _cards(ehr, resources, patient_id)
    false_trd = next(c for c in cards if c["source"]["topic"]["code"] == "false_trd")
    assert "ipolar" in false_trd["summary"]


def test_patient_view__hook_mismatch_is_400(ehr: MockEhr) -> None:
    patient_id, resources = patient_resources("phenelzine")
    body = hook_body("order-sign", patient_id, prefetch=prefetch_for(resources), orders=[])
    response = ehr.call(SERVICE, body)
    assert response.status_code == 400
    assert "answers patient-view" in response.json()["detail"]


def test_patient_view__invalid_body_is_422(ehr: MockEhr) -> None:
    response = ehr.call(SERVICE, {"hook": "patient-view"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"hookInstance", "context"} <= fields
