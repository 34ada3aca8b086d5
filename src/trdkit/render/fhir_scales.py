"""Rating scales as FHIR: a QuestionnaireResponse per item-level administration and a score
Observation per administration (LOINC for PHQ-9, PHQ-2, GAD-7 and the C-SSRS screener; trdkit's
local codes otherwise), ``derivedFrom`` the answers it was computed from.

Item answers of LOINC instruments are LOINC answer codes (LA6568-5 ... with the PHQ-9 item-10
order trap respected); other instruments answer with integers. A total-only administration is
record data (tag ``record``); a score computed by trdkit from answers is a ``conclusion``. The
record data carries its place in ``scales`` (a ``position`` record field), so that an import gives
the administrations back in the record's order whatever order a server lists them in.

For a write-back (:func:`add_score_conclusions`) only the computed scores are written, derived
from the EHR's own answers; a total the EHR already holds is referenced, not copied.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from trdkit.interop.fhir_codes import questionnaire_url
from trdkit.interop.fhir_fields import field_extensions, role_extension
from trdkit.interop.fhir_scale_codes import ScaleCode, answers_for, extra_names, scale_code
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.record import ScaleAdministration
from trdkit.render.fhir_builder import BundleBuilder, coding, concept
from trdkit.scales import ScaleResult

__all__ = ["add_scales", "add_score_conclusions"]

_SURVEY = [concept("observation_category", "survey")]


def _link(instrument: str, part: str, index: int | None = None, name: str | None = None) -> str:
    system, code = scale_code(instrument, part, index, name)  # type: ignore[arg-type]
    return f"/{code}" if system == "loinc" else code


def _answer(reading: ScaleCode, value: Any) -> dict[str, Any]:
    answers = answers_for(reading)
    if isinstance(value, bool):
        if answers is not None:
            option = answers.by_score(int(value))
            if option is not None:
                return {"valueCoding": coding("loinc", option.code, option.display)}
        return {"valueBoolean": value}
    if isinstance(value, str):
        return {"valueString": value}
    if answers is not None:
        option = answers.by_score(value)
        if option is not None:
            return {"valueCoding": coding("loinc", option.code, option.display)}
    return {"valueInteger": value}


def _component_value(instrument: str, name: str, value: Any) -> dict[str, Any]:
    # Observation.component has no valueCoding: a coded answer becomes a CodeableConcept.
    answer = _answer(ScaleCode(instrument, "extra", name=name), value)
    if "valueCoding" in answer:
        return {"valueCodeableConcept": {"coding": [answer["valueCoding"]]}}
    return answer


def _questionnaire(instrument: str) -> str:
    loinc = load_fhir_codes().instruments.get(instrument)
    return f"http://loinc.org/q/{loinc.panel}" if loinc else questionnaire_url(instrument)


def _extras(adm: ScaleAdministration) -> list[tuple[str, Any]]:
    instrument = adm.instrument.value
    domains = adm.domains.model_dump() if adm.domains is not None else {}
    found: list[tuple[str, Any]] = []
    for name in extra_names(instrument):
        value = domains.get(name) if instrument == "bipolarity_index" else getattr(adm, name, None)
        if value is not None:
            found.append((name, value.value if isinstance(value, Enum) else value))
    return found


def _response(adm: ScaleAdministration, index: int, b: BundleBuilder) -> str:
    instrument = adm.instrument.value
    items: list[dict[str, Any]] = []
    for i, value in enumerate(adm.items or []):
        item: dict[str, Any] = {"linkId": _link(instrument, "item", i)}
        if value is not None:
            item["answer"] = [_answer(ScaleCode(instrument, "item", i), value)]
        items.append(item)
    for name, value in _extras(adm):
        reading = ScaleCode(instrument, "extra", name=name)
        items.append(
            {"linkId": _link(instrument, "extra", name=name), "answer": [_answer(reading, value)]}
        )
    return b.add(
        f"scale/{index}/answers",
        {
            "resourceType": "QuestionnaireResponse",
            "extension": [role_extension("scale"), *field_extensions({"position": index})],
            "questionnaire": _questionnaire(instrument),
            "status": "completed",
            "subject": b.subject(),
            "authored": adm.date.isoformat(),
            "item": items,
        },
        "record",
    )


def _score(
    adm: ScaleAdministration,
    result: ScaleResult | None,
    index: int,
    answers: list[str] | None,
    b: BundleBuilder,
) -> str:
    instrument = adm.instrument.value
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "extension": [role_extension("scale")],
        "status": "final",
        "category": _SURVEY,
        "subject": b.subject(),
        "effectiveDateTime": adm.date.isoformat(),
    }
    if answers is not None:
        resource["derivedFrom"] = [{"reference": r} for r in answers]
    else:
        resource["extension"] += field_extensions({"position": index})
    if instrument == "cssrs_screener":
        level = result.risk_level if result else None
        resource["code"] = concept(
            *scale_code(instrument, "risk"), text="C-SSRS screener risk level"
        )
        if level is None:
            resource["dataAbsentReason"] = concept("data_absent_reason", "unknown")
        else:
            resource["valueCodeableConcept"] = concept(
                "trdkit", f"cssrs-risk-{level}", text=level.replace("_", " ")
            )
        return b.add(f"scale/{index}/score", resource, "conclusion")
    total = adm.total if adm.total is not None else (result.total if result else None)
    name = result.name if result else instrument
    resource["code"] = concept(*scale_code(instrument, "total"), text=f"{name} total score")
    if total is None:
        resource["dataAbsentReason"] = concept("data_absent_reason", "unknown")
    else:
        resource["valueQuantity"] = {
            "value": total,
            "unit": "{score}",
            "system": "http://unitsofmeasure.org",
            "code": "{score}",
        }
    if result is not None and result.band_label:
        resource["interpretation"] = [{"text": result.band_label}]
    if answers is None and _extras(adm):
        resource["component"] = [
            {
                "code": concept(*scale_code(instrument, "extra", name=name)),
                **_component_value(instrument, name, value),
            }
            for name, value in _extras(adm)
        ]
    return b.add(f"scale/{index}/score", resource, "record" if answers is None else "conclusion")


def _result(results: list[ScaleResult], i: int, adm: ScaleAdministration) -> ScaleResult | None:
    return results[i] if i < len(results) and results[i].date == adm.date else None


def _has_answers(adm: ScaleAdministration) -> bool:
    return adm.items is not None or adm.domains is not None


def add_scales(
    scales: list[ScaleAdministration], results: list[ScaleResult], b: BundleBuilder
) -> list[str]:
    """Add every administration; return the score Observation references in record order."""
    refs: list[str] = []
    for i, adm in enumerate(scales):
        answers = [_response(adm, i, b)] if _has_answers(adm) else None
        refs.append(_score(adm, _result(results, i, adm), i, answers, b))
    return refs


def add_score_conclusions(
    scales: list[ScaleAdministration], results: list[ScaleResult], b: BundleBuilder
) -> list[str]:
    """Write-back: the score references of every administration, adding only computed scores.

    A total-only administration came from an EHR Observation: that Observation is referenced.
    An item-level one gets a trdkit score Observation ``derivedFrom`` the EHR's answers
    (``b.record_refs("scales[i]")``), unless the EHR holds its own total of it
    (``scales[i].total``); the C-SSRS risk level is always trdkit's.
    """
    refs: list[str] = []
    for i, adm in enumerate(scales):
        sources = b.record_refs(f"scales[{i}]")
        stated = b.record_refs(f"scales[{i}].total")
        if not _has_answers(adm):
            refs += [r for r in sources if r.startswith("Observation/")]
        elif stated and adm.instrument.value != "cssrs_screener":
            refs += stated
        else:
            refs.append(_score(adm, _result(results, i, adm), i, sources, b))
    return refs
