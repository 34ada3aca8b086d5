"""Data and REST helpers of the FHIR-server integration tests (``test_fhir_server_*.py``).

A synthetic TRD work-up as an EHR would hold it, and the steps that write a trdkit export back to
a server that already holds the patient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trdkit.interop.fhir_codes import tag_system

if TYPE_CHECKING:  # the fixtures module is loaded by pytest as a plugin, not imported here
    from fhir_server_fixtures import SekmetServer

SYNTHEA = "data/fhir-examples/synthea_r4_Milan_Beatty_e78d0ed2-1b54-4c30-90ae-f7405af1e402.json"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SURVEY = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}
    ]
}
PHQ9_ITEMS = (
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
)
ANSWERS = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")  # LL358-3: 0..3


def _condition(pid: str, key: str, code: str, display: str, onset: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": f"{pid}-{key}",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {"coding": [{"system": ICD10CM, "code": code, "display": display}]},
        "subject": {"reference": f"Patient/{pid}"},
        "onsetDateTime": onset,
    }


def _order(
    pid: str,
    key: str,
    rxcui: str,
    name: str,
    period: tuple[str, str],
    dose: tuple[int, str],
    status: str,
) -> dict[str, Any]:
    unit = {
        "value": dose[0],
        "unit": dose[1],
        "system": "http://unitsofmeasure.org",
        "code": "mg" if dose[1] == "mg" else "{tbl}",
    }
    timing = {
        "boundsPeriod": {"start": period[0], "end": period[1]},
        "frequency": 1,
        "period": 1,
        "periodUnit": "d",
    }
    return {
        "resourceType": "MedicationRequest",
        "id": f"{pid}-{key}",
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": rxcui, "display": name}]
        },
        "subject": {"reference": f"Patient/{pid}"},
        "authoredOn": period[0],
        "dosageInstruction": [
            {"timing": {"repeat": timing}, "doseAndRate": [{"doseQuantity": unit}]}
        ],
    }


def _phq9_total(pid: str, day: str, total: int) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"{pid}-phq9-{day}",
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [{"system": LOINC, "code": "44261-6"}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": day,
        "valueQuantity": {"value": total, "system": "http://unitsofmeasure.org", "code": "{score}"},
    }


def synthetic_patient(pid: str) -> list[dict[str, Any]]:
    """Patient, conditions, two failed-looking trials, PHQ-9 series, and a CYP2C19 genotype."""
    subject = {"reference": f"Patient/{pid}"}
    scores = (3, 3, 2, 2, 2, 3, 2, 2, 1)
    items = [
        {"linkId": f"/{code}", "answer": [{"valueCoding": {"system": LOINC, "code": ANSWERS[s]}}]}
        for code, s in zip(PHQ9_ITEMS, scores, strict=True)
    ]
    gene = {"coding": [{"system": LOINC, "code": "48018-6"}]}
    hgnc = {"coding": [{"system": "http://www.genenames.org/geneId", "code": "HGNC:2621"}]}
    return [
        {"resourceType": "Patient", "id": pid, "gender": "female", "birthDate": "1979-06-15"},
        _condition(
            pid,
            "mdd",
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            "2023-08-20",
        ),
        _condition(pid, "gad", "F41.1", "Generalized anxiety disorder", "2019-03-01"),
        _order(
            pid,
            "sertraline",
            "36437",
            "sertraline",
            ("2023-09-01", "2023-11-24"),
            (150, "mg"),
            "completed",
        ),
        _order(
            pid,
            "paroxetine",
            "1738483",
            "paroxetine hydrochloride 10 MG Oral Tablet",
            ("2023-12-01", "2024-02-23"),
            (4, "tablet"),
            "stopped",
        ),
        _phq9_total(pid, "2023-08-25", 21),
        _phq9_total(pid, "2023-11-20", 18),
        _phq9_total(pid, "2024-02-20", 19),
        {
            "resourceType": "QuestionnaireResponse",
            "id": f"{pid}-phq9-qr",
            "status": "completed",
            "questionnaire": "http://loinc.org/q/44249-1",
            "subject": subject,
            "authored": "2024-03-05",
            "item": items,
        },
        {
            "resourceType": "Observation",
            "id": f"{pid}-cyp2c19",
            "status": "final",
            "code": {"coding": [{"system": LOINC, "code": "84413-4"}]},
            "subject": subject,
            "effectiveDateTime": "2024-02-01",
            "valueCodeableConcept": {"text": "CYP2C19 *2/*2"},
            "component": [{"code": gene, "valueCodeableConcept": hgnc}],
        },
    ]


def put_all(server: SekmetServer, resources: list[dict[str, Any]]) -> dict[str, Any]:
    """Write resources with their own ids in one transaction (PUT Type/id)."""
    entries = [
        {"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}}
        for r in resources
    ]
    return server.transaction(entries)


def _repoint(node: Any, old: str, new: str) -> Any:
    """``node`` with every reference ``old`` replaced by ``new``."""
    if isinstance(node, list):
        return [_repoint(v, old, new) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _repoint(v, old, new) for k, v in node.items()}
    return {**out, "reference": new} if out.get("reference") == old else out


def _stored_form(node: Any, kinds: dict[str, str]) -> Any:
    """A written resource as the server stores it: ``urn:uuid:X`` references become ``Type/X``."""
    if isinstance(node, list):
        return [_stored_form(v, kinds) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _stored_form(v, kinds) for k, v in node.items()}
    ref = out.get("reference")
    if isinstance(ref, str) and ref in kinds:
        out["reference"] = f"{kinds[ref]}/{ref.removeprefix('urn:uuid:')}"
    return out


def write_back(server: SekmetServer, export: dict[str, Any], pid: str) -> list[dict[str, Any]]:
    """Write an exported bundle to the server's patient ``pid`` in one transaction.

    The server already holds the patient, so the export's own Patient is not written and the
    references to it are pointed at ``Patient/pid``; every other resource is PUT under its id,
    and the server turns the ``urn:uuid`` references between them into ``Type/id``. Returns the
    written resources in the form the server should store.
    """
    patient = next(e for e in export["entry"] if e["resource"]["resourceType"] == "Patient")
    kinds = {e["fullUrl"]: e["resource"]["resourceType"] for e in export["entry"]}
    resources = [
        _repoint(e["resource"], patient["fullUrl"], f"Patient/{pid}")
        for e in export["entry"]
        if e is not patient
    ]
    entries = [
        {"fullUrl": e["fullUrl"], "resource": r, "request": {"method": "PUT", "url": url}}
        for e, r in zip([e for e in export["entry"] if e is not patient], resources, strict=True)
        for url in [f"{r['resourceType']}/{r['id']}"]
    ]
    answer = server.transaction(entries)
    assert {e["response"]["status"] for e in answer["entry"]} == {"201 Created"}
    return [_stored_form(r, kinds) for r in resources]


def without_meta_versions(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource without the ``meta`` fields a server sets (version, last update)."""
    meta = {
        k: v for k, v in resource.get("meta", {}).items() if k not in ("versionId", "lastUpdated")
    }
    return (
        {**resource, "meta": meta} if meta else {k: v for k, v in resource.items() if k != "meta"}
    )


def references(node: Any) -> list[str]:
    """Every ``reference`` string in a resource (nested elements and extensions included)."""
    if isinstance(node, list):
        return [r for v in node for r in references(v)]
    if not isinstance(node, dict):
        return []
    own = [node["reference"]] if isinstance(node.get("reference"), str) else []
    return own + [r for v in node.values() for r in references(v)]


def ids(resources: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """The (type, id) pairs of ``resources``."""
    return {(r["resourceType"], r["id"]) for r in resources}


def tag(resource: dict[str, Any]) -> str | None:
    """The trdkit tag (``record`` or ``conclusion``) of a resource, if any."""
    tags = [
        t["code"] for t in resource.get("meta", {}).get("tag", []) if t["system"] == tag_system()
    ]
    return tags[0] if tags else None
