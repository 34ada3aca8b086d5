"""Reading back the record parts of a trdkit export exactly.

Resources tagged ``record`` carry a ``record-role``; their standard elements (codes, dates,
dosage) and ``record-field`` extensions give the record part as it was, without the inferences
the importer makes for other EHR data (no trial merging, no fields derived from codes).
Questionnaire responses, score Observations, genotypes and the Patient are read by the general
readers, which already read them exactly.
"""

from __future__ import annotations

from typing import Any

from trdkit.interop.fhir_codes import cc_text, codings
from trdkit.interop.fhir_draft import RecordDraft
from trdkit.interop.fhir_drugs import match_medication
from trdkit.interop.fhir_fields import read_fields, role_of
from trdkit.interop.fhir_read import FhirItem, as_dicts, parse_date
from trdkit.interop.fhir_report import ImportLog, ImportStatus

__all__ = ["TRDKIT_ROLES", "read_trdkit"]

TRDKIT_ROLES = (
    "current_episode",
    "prior_episode",
    "diagnosis",
    "comorbidity",
    "medical",
    "trial",
    "current_medication",
    "allergy",
    "diplotype",
)


def _iso(value: Any) -> str | None:
    parsed = parse_date(value)
    return parsed[0].isoformat() if parsed else None


def _trial(item: FhirItem, fields: dict[str, Any]) -> dict[str, Any]:
    data = item.data
    trial: dict[str, Any] = dict(fields)
    if item.resource_type == "Procedure":
        code = next((c.code for c in codings(data.get("code")) if c.system == "trdkit"), "")
        trial["procedure"] = code.removeprefix("procedure-")
        period = data.get("performedPeriod", {})
    else:
        match = match_medication(data.get("medicationCodeableConcept"))
        trial["drug"] = (
            match.drugs[0]
            if len(match.drugs) == 1
            else cc_text(data.get("medicationCodeableConcept"))
        )
        period = data.get("effectivePeriod", {})
        for dosage in as_dicts(data.get("dosage"))[:1]:
            for rate in as_dicts(dosage.get("doseAndRate"))[:1]:
                quantity = rate.get("doseQuantity")
                if isinstance(quantity, dict) and "value" in quantity:
                    trial["dose_mg_per_day"] = quantity["value"]
    for key in ("start", "end"):
        day = _iso(period.get(key)) if isinstance(period, dict) else None
        if day:
            trial[key] = day
    return trial


def read_trdkit(item: FhirItem, draft: RecordDraft, log: ImportLog) -> bool:
    """Read a ``record``-tagged resource with a record role; return whether it was one."""
    role = role_of(item.data)
    if role not in TRDKIT_ROLES:
        return False
    data = item.data
    fields, problems = read_fields(data)
    because = [f"trdkit record part: {role}", *problems]
    written: list[str] = []
    if role == "diagnosis" and isinstance(fields.get("diagnosis"), dict):
        draft.diagnoses.append(fields["diagnosis"])
        written.append(f"history.diagnoses[{len(draft.diagnoses) - 1}]")
    elif role in ("comorbidity", "medical") and isinstance(fields.get("value"), str):
        target = draft.comorbidities if role == "comorbidity" else draft.medical
        target.append(fields["value"])
        written.append(f"history.{'comorbidities' if role == 'comorbidity' else 'medical'}")
    elif role == "prior_episode":
        episode = {"start": _iso(data.get("onsetDateTime"))}
        if "abatementDateTime" in data:
            episode["end"] = _iso(data["abatementDateTime"])
        draft.prior_episodes.append(episode)
        written.append(f"history.prior_episodes[{len(draft.prior_episodes) - 1}]")
    elif role == "current_episode":
        episode = dict(fields)
        onset = _iso(data.get("onsetDateTime"))
        if onset:
            episode["onset"] = onset
        draft.episode = episode
        written.append("current_episode")
    elif role == "trial":
        draft.treatments.append(_trial(item, fields))
        written.append(f"treatments[{len(draft.treatments) - 1}]")
    elif role in ("current_medication", "allergy"):
        name = fields.get("name") or cc_text(
            data.get("medicationCodeableConcept") or data.get("code")
        )
        target = draft.current_medications if role == "current_medication" else draft.allergies
        if isinstance(name, str):
            target.append(name)
            written.append("current_medications" if role == "current_medication" else "allergies")
    elif role == "diplotype":
        gene, diplotype = fields.get("gene"), fields.get("diplotype")
        if isinstance(gene, str) and isinstance(diplotype, str):
            draft.diplotypes[gene] = diplotype
            written.append(f"genetics.diplotypes.{gene}")
    status: ImportStatus = "imported" if written else "not_imported"
    log.add(
        item.resource_type,
        item.rid,
        status,
        because if written else [*because, "record part unreadable"],
        written,
    )
    return True
