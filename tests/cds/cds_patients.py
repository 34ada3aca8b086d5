"""Patients as an EHR holds them (FHIR R4 resources), prefetch objects and draft orders.

The built patient: recurrent severe MDD, epilepsy, PHQ-9 item 9 positive three days ago and an
earlier suicide attempt, two adequate failed SSRIs (sertraline, paroxetine), one current drug
(phenelzine or fluoxetine), and the real HL7 Genomics Reporting example genotype
Observation "CYP2C19*2/*2" (a poor metaboliser) re-pointed at this patient. The record is written
as FHIR by trdkit's own exporter, so outcomes and doses survive the trip.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from typing import Any

from conftest import SHARED
from trdkit.assessment import assess
from trdkit.record import validate_record
from trdkit.render.fhir import render_fhir

SHARED_FHIR = SHARED / "data" / "fhir-examples"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
PREFETCH_TYPES = {
    "conditions": "Condition",
    "medication_requests": "MedicationRequest",
    "medication_statements": "MedicationStatement",
    "observations": "Observation",
    "questionnaire_responses": "QuestionnaireResponse",
}
RXCUI = {
    "citalopram": "2556",
    "escitalopram": "321988",
    "bupropion": "42347",
    "sertraline": "36437",
}


def _day(days_ago: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days_ago)).isoformat()


def record_data(current: str = "phenelzine") -> dict[str, Any]:
    """The built patient's record (see the module docstring)."""
    return {
        "format": "trdkit.patient/1",
        "id": f"cds-{current}",
        "assessed_on": dt.date.today().isoformat(),
        "age": 52,
        "sex": "female",
        "allergies": [],
        "current_episode": {
            "onset": _day(420),
            "symptoms": {
                "depressed_mood": True,
                "anhedonia": True,
                "sleep_disturbance": True,
                "fatigue": True,
                "worthlessness_or_guilt": True,
                "poor_concentration": True,
                "suicidal_thoughts": True,
            },
            "functional_impairment": True,
            "severity": "severe",
        },
        "history": {
            "diagnoses": [{"system": "icd10cm", "code": "F33.2"}],
            "medical": ["epilepsy"],
            "suicide_attempts": ["2018-05-01"],
            "prior_episodes": [{"start": "2015-01-01", "end": "2015-09-01"}],
        },
        "treatments": [
            {
                "drug": "sertraline",
                "dose_mg_per_day": 150,
                "start": _day(400),
                "end": _day(320),
                "adherence": "good",
                "outcome": "no_response",
            },
            {
                "drug": "paroxetine",
                "dose_mg_per_day": 40,
                "start": _day(300),
                "end": _day(210),
                "adherence": "good",
                "outcome": "no_response",
            },
            {
                "drug": current,
                "dose_mg_per_day": 60 if current == "phenelzine" else 40,
                "start": _day(150),
                "adherence": "good",
                "outcome": "ongoing",
            },
        ],
        "current_medications": [current],
        "scales": [{"instrument": "phq9", "date": _day(3), "items": [3, 3, 2, 2, 2, 3, 2, 1, 2]}],
    }


def shared_resource(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHARED_FHIR / name).read_text(encoding="utf-8"))
    return data


@functools.cache
def _resources(current: str) -> tuple[str, str]:
    record = validate_record(record_data(current))
    bundle = json.loads(render_fhir(assess(record), record))
    # Only the record's own resources: an EHR holds data, not trdkit's conclusions.
    resources = [
        e["resource"]
        for e in bundle["entry"]
        if "conclusion" not in json.dumps(e["resource"].get("meta", {}))
    ]
    patient_id = next(r["id"] for r in resources if r["resourceType"] == "Patient")
    genotype = shared_resource("genomics_Observation-Pgx-geno-1001.json")
    genotype["subject"] = {"reference": f"Patient/{patient_id}"}
    genotype["effectiveDateTime"] = _day(30)
    resources.append(genotype)
    return patient_id, json.dumps(resources)


def patient_resources(current: str = "phenelzine") -> tuple[str, list[dict[str, Any]]]:
    """The built patient's id and FHIR resources (a fresh copy)."""
    patient_id, text = _resources(current)
    return patient_id, json.loads(text)


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources],
    }


def prefetch_for(
    resources: list[dict[str, Any]], *, leave_out: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The prefetch object an EHR would send for these resources."""
    found: dict[str, Any] = {}
    patient = next((r for r in resources if r["resourceType"] == "Patient"), None)
    if "patient" not in leave_out:
        found["patient"] = patient
    for key, kind in PREFETCH_TYPES.items():
        if key not in leave_out:
            found[key] = searchset([r for r in resources if r["resourceType"] == kind])
    return found


def split_bundle(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [copy.deepcopy(e["resource"]) for e in bundle.get("entry", []) if "resource" in e]


def draft_order(order_id: str, patient_id: str, drug: str, mg: float) -> dict[str, Any]:
    """A draft MedicationRequest as an EHR sends it in draftOrders."""
    return {
        "resourceType": "MedicationRequest",
        "id": order_id,
        "status": "draft",
        "intent": "order",
        "subject": {"reference": f"Patient/{patient_id}"},
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": RXCUI[drug], "display": drug}],
            "text": drug,
        },
        "dosageInstruction": [
            {
                "text": f"{mg:g} mg once daily",
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": mg,
                            "unit": "mg",
                            "system": "http://unitsofmeasure.org",
                            "code": "mg",
                        }
                    }
                ],
            }
        ],
    }


def draft_orders(*orders: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": o} for o in orders],
    }


def hook_body(
    hook: str,
    patient_id: str,
    *,
    prefetch: dict[str, Any] | None = None,
    orders: list[dict[str, Any]] | None = None,
    selections: list[str] | None = None,
    fhir_server: str | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """A hook request body."""
    context: dict[str, Any] = {"userId": "Practitioner/dr-1", "patientId": patient_id}
    if orders is not None:
        context["draftOrders"] = draft_orders(*orders)
    if selections is not None:
        context["selections"] = selections
    body: dict[str, Any] = {
        "hook": hook,
        "hookInstance": f"hook-{hook}-{dt.datetime.now().timestamp()}",
        "context": context,
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    if fhir_server is not None:
        body["fhirServer"] = fhir_server
    if token is not None:
        body["fhirAuthorization"] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/*.read",
            "subject": "trdkit-cds",
        }
    return body
