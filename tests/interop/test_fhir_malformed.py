"""Malformed documents, bundles and resources give a named error (``FhirImportError``) or an
import-report entry, never a crash; fuzzed with random JSON mutations of real bundles."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, SHARED
from trdkit import assess, load_record
from trdkit.interop import FhirImportError, import_fhir
from trdkit.record import RecordError
from trdkit.render.fhir import render_fhir

FOLDER = SHARED / "data" / "fhir-examples"
PHQ9_TOTAL = {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]}


def _observation(**fields: Any) -> dict[str, Any]:
    return {"resourceType": "Observation", "status": "final", "code": PHQ9_TOTAL, **fields}


@pytest.mark.parametrize("document", [{}, [], "text", 12, None, {"entry": []}, [{"id": "x"}]])
def test_import_fhir__not_fhir_is_a_named_error(document: Any) -> None:
    with pytest.raises(FhirImportError, match="not a FHIR document"):
        import_fhir(document)


def test_import_fhir__named_error_is_a_record_error() -> None:
    with pytest.raises(RecordError):
        import_fhir({"resourceType": 5})


def test_import_fhir__two_patients_is_a_named_error() -> None:
    patients = [{"resourceType": "Patient", "id": "a"}, {"resourceType": "Patient", "id": "b"}]
    with pytest.raises(FhirImportError, match="2 patients"):
        import_fhir(patients)


def test_import_fhir__invalid_resource_is_reported_not_read() -> None:
    result = import_fhir([{"resourceType": "Observation", "status": "final"}])
    (entry,) = [e for e in result.report if e.resource_type == "Observation"]
    assert entry.status == "not_imported"
    assert "not a valid FHIR R4 Observation" in entry.because[0]
    assert result.record.scales == []


def test_import_fhir__broken_bundle_entries_are_reported() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": "urn:x"}, 7, {"resource": {"no": "type"}}],
    }
    result = import_fhir(bundle)
    reasons = [b for e in result.report for b in e.because]
    assert "Bundle entry without a resource" in reasons
    assert "not a FHIR resource (no resourceType)" in reasons
    nested = import_fhir({"resourceType": "Bundle", "type": "collection", "entry": "x"})
    assert nested.report[0].because == ["Bundle.entry is not a list"]


def test_import_fhir__unknown_resource_type_is_reported() -> None:
    result = import_fhir(
        [
            {"resourceType": "NotAType", "id": "z"},
            _observation(effectiveDateTime="2025-01-01", valueInteger=9),
        ]
    )
    assert [s.total for s in result.record.scales] == [9]
    assert any(e.resource_type == "NotAType" and e.status == "ignored" for e in result.report)


def test_import_fhir__odd_but_valid_values_are_reported() -> None:
    resources = [
        _observation(effectiveDateTime="2025-01-01", valueString="twelve"),
        _observation(effectiveDateTime="2025-01-02", valueQuantity={"value": 12.5}),
        _observation(valueInteger=3),
        {
            "resourceType": "MedicationDispense",
            "status": "completed",
            "medicationCodeableConcept": {"text": "sertraline 50 mg"},
            "whenHandedOver": "9999-12-31",
            "daysSupply": {"value": 10**9, "code": "d"},
        },
    ]
    result = import_fhir(resources)
    assert result.record.scales == []
    reasons = " ".join(b for e in result.report for b in e.because)
    assert "'twelve' is not a score" in reasons and "no date" in reasons
    assert [t.drug for t in result.record.treatments] == ["sertraline"]


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "2026-13-45",
            "1900",
            "2025-06-01",
            "LA6570-1",
            "44261-6",
            "http://loinc.org",
            "active",
            "final",
            "Patient/other",
            "urn:uuid:x",
            "#c",
            "-1",
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["resourceType", "valueInteger", "code", "system", "reference", "x"]),
            inner,
            max_size=3,
        )
    ),
    max_leaves=6,
)


def _slots(node: Any) -> list[tuple[Any, Any]]:
    found: list[tuple[Any, Any]] = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in items:
        found.append((node, key))
        found += _slots(value)
    return found


@st.composite
def mutations(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 5))):
        slots = _slots(doc)
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        if draw(st.booleans()):
            container[key] = draw(JSONISH)
        elif isinstance(container, dict):
            del container[key]
        else:
            container.pop(key)
    return doc


def _fuzz(document: dict[str, Any]) -> None:
    try:
        result = import_fhir(document)
    except FhirImportError:
        return
    assessment = assess(result.record)
    assert assessment.patient_id == result.record.id
    assert all(entry.because for entry in result.report)


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FOLDER / name).read_text())
    return data


SMALL = "ecqm_CMS159FHIR-v0.3.000-NUMERPopStrat1Pass-DXandAssessmentsWithinMAP1.json"
MEDS = "bhp_converted_collection_james_wolff.json"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.data())
def test_import_fhir__fuzzed_ecqm_bundle_never_crashes(data: st.DataObject) -> None:
    _fuzz(data.draw(mutations(_load(SMALL))))


@FUZZ
@given(st.data())
def test_import_fhir__fuzzed_medication_bundle_never_crashes(data: st.DataObject) -> None:
    _fuzz(data.draw(mutations(_load(MEDS))))


@FUZZ
@given(st.data())
def test_import_fhir__fuzzed_questionnaire_response_never_crashes(data: st.DataObject) -> None:
    _fuzz(data.draw(mutations(_load("uscore_QuestionnaireResponse-phq-9-example.json"))))


@FUZZ
@given(st.data())
def test_import_fhir__fuzzed_trdkit_export_never_crashes(data: st.DataObject) -> None:
    _fuzz(data.draw(mutations(_exported())))


@functools.cache
def _exported() -> dict[str, Any]:
    record = load_record(next(p for p in EXAMPLES if p.stem == "first-episode"))
    exported: dict[str, Any] = json.loads(render_fhir(assess(record), record))
    return exported


def test_fhir_fuzz_sources__exist(shared_dir: Path) -> None:
    for name in (SMALL, MEDS):
        assert (shared_dir / "data" / "fhir-examples" / name).is_file()
