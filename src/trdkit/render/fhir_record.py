"""The patient record as FHIR R4 resources (tagged ``record``), so that an export reads back.

Patient (record id as identifier, gender; assessed_on, age, history flags, genetics, biomarkers
and labs as ``record-field`` extensions), Conditions for the current and prior episodes, coded
diagnoses, comorbidities and medical conditions, MedicationStatement / Procedure per treatment
trial, MedicationStatement per current medication, AllergyIntolerance per allergy and a
Genomics Reporting Genotype Observation per lab-reported diplotype.
"""

from __future__ import annotations

from typing import Any

from trdkit.interop.fhir_codes import patient_id_system
from trdkit.interop.fhir_fields import field_extensions, role_extension
from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.record import PatientRecord, Treatment
from trdkit.record.vocab import Outcome
from trdkit.render.fhir_builder import BundleBuilder, coding, concept, record_key, valid_code
from trdkit.resistance.model import TrialVerdict

__all__ = ["add_record", "drug_concept", "genotype_resource", "trial_key"]

_HISTORY_NATIVE = {"prior_episodes", "diagnoses", "comorbidities", "medical"}
_TRIAL_NATIVE = {"drug", "procedure", "start", "end", "dose_mg_per_day"}
_RECORD_SYSTEMS = {"icd10cm", "icd10", "icd11", "icd9cm", "snomedct"}


def trial_key(index: int) -> str:
    """The builder key of the resource for treatment ``index``."""
    return str(record_key(f"treatments[{index}]"))


def drug_concept(name: str) -> dict[str, Any]:
    """A medication CodeableConcept: the RxNorm ingredient when known, and the name as text."""
    drug = load_drug_catalogue().resolve(name)
    rxcui = load_fhir_codes().rxcui_of(drug.id) if drug is not None else None
    out: dict[str, Any] = {"text": name}
    if drug is not None and rxcui is not None:
        out["coding"] = [coding("rxnorm", rxcui, drug.name)]
    return out


def _patient(record: PatientRecord, b: BundleBuilder) -> None:
    values: dict[str, Any] = {"assessed_on": record.assessed_on.isoformat(), "age": record.age}
    values["history"] = record.history.model_dump(mode="json", exclude=_HISTORY_NATIVE)
    if record.genetics is not None:
        values["genetics"] = record.genetics.model_dump(
            mode="json", by_alias=True, exclude={"diplotypes"}
        )
    for section in ("biomarkers", "labs"):
        model = getattr(record, section)
        if model is not None:
            values[section] = model.model_dump(mode="json")
    b.add(
        "Patient",
        {
            "resourceType": "Patient",
            "identifier": [{"system": patient_id_system(), "value": record.id}],
            "gender": record.sex.value,
            "extension": [role_extension("patient"), *field_extensions(values)],
        },
        "record",
    )


def _condition(b: BundleBuilder, key: str, role: str, code: dict[str, Any], **extra: Any) -> None:
    fields = extra.pop("fields", {})
    b.add(
        key,
        {
            "resourceType": "Condition",
            "extension": [role_extension(role), *field_extensions(fields)],
            "code": code,
            "subject": b.subject(),
            **extra,
        },
        "record",
    )


def _clinical(status: str) -> dict[str, Any]:
    return concept("condition_clinical", status)


def _conditions(record: PatientRecord, b: BundleBuilder) -> None:
    episode = record.current_episode
    if episode is not None:
        extra: dict[str, Any] = {
            "clinicalStatus": _clinical(
                "remission" if episode.remission in ("partial", "full") else "active"
            ),
            "fields": episode.model_dump(mode="json", exclude={"onset"}),
        }
        if episode.onset is not None:
            extra["onsetDateTime"] = episode.onset.isoformat()
        if episode.severity is not None:
            severity = load_fhir_codes().severity_code(episode.severity.value)
            extra["severity"] = concept("snomedct", str(severity), text=episode.severity.value)
        _condition(
            b,
            "episode/current",
            "current_episode",
            concept("trdkit", "current-episode", text="Current depressive episode"),
            **extra,
        )
    for i, past in enumerate(record.history.prior_episodes):
        extra = {
            "clinicalStatus": _clinical("resolved" if past.end else "inactive"),
            "onsetDateTime": past.start.isoformat(),
        }
        if past.end is not None:
            extra["abatementDateTime"] = past.end.isoformat()
        _condition(
            b,
            f"episode/{i}",
            "prior_episode",
            concept("trdkit", "prior-episode", text="Prior depressive episode"),
            **extra,
        )
    for i, dx in enumerate(record.history.diagnoses):
        code: dict[str, Any] = {"text": dx.display or dx.code}
        if dx.system in _RECORD_SYSTEMS and valid_code(dx.code):
            code["coding"] = [coding(dx.system, dx.code, dx.display or None)]
        _condition(
            b,
            str(record_key(f"history.diagnoses[{i}]")),
            "diagnosis",
            code,
            fields={"diagnosis": dx.model_dump(mode="json")},
        )
    for role, values in (
        ("comorbidity", record.history.comorbidities),
        ("medical", record.history.medical),
    ):
        for i, value in enumerate(values):
            code = concept("trdkit", f"{role}-{value.value}", text=value.value.replace("_", " "))
            _condition(
                b,
                f"{role}/{i}",
                role,
                code,
                clinicalStatus=_clinical("active"),
                fields={"value": value.value},
            )


def _trial(index: int, trial: Treatment, verdict: TrialVerdict | None, b: BundleBuilder) -> None:
    fields = trial.model_dump(mode="json", by_alias=True, exclude=_TRIAL_NATIVE)
    if trial.procedure is not None:
        # A Procedure has no dosage element (e.g. an esketamine course with its dose).
        fields["dose_mg_per_day"] = trial.dose_mg_per_day
    ongoing = trial.outcome is Outcome.ongoing
    resource: dict[str, Any] = {
        "extension": [role_extension("trial"), *field_extensions(fields)],
        "subject": b.subject(),
    }
    period = {k: getattr(trial, k).isoformat() for k in ("start", "end") if getattr(trial, k)}
    if verdict is not None:
        resource["note"] = [
            {"text": f"trdkit verdict {verdict.verdict.value}: " + "; ".join(verdict.because)}
        ]
    if trial.procedure is not None:
        resource |= {
            "resourceType": "Procedure",
            "status": "in-progress" if ongoing else "completed",
            "code": concept(
                "trdkit", f"procedure-{trial.procedure.value}", text=trial.procedure.value
            ),
        }
        if period:
            resource["performedPeriod"] = period
    else:
        status = (
            "active"
            if ongoing
            else "stopped"
            if trial.outcome is Outcome.intolerance
            else "completed"
        )
        resource |= {
            "resourceType": "MedicationStatement",
            "status": status,
            "medicationCodeableConcept": drug_concept(str(trial.drug)),
        }
        if period:
            resource["effectivePeriod"] = period
        if trial.dose_mg_per_day is not None:
            dose = {
                "value": trial.dose_mg_per_day,
                "unit": "mg",
                "system": "http://unitsofmeasure.org",
                "code": "mg",
            }
            resource["dosage"] = [
                {
                    "text": f"{trial.dose_mg_per_day:g} mg/day",
                    "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                    "doseAndRate": [{"doseQuantity": dose}],
                }
            ]
    b.add(trial_key(index), resource, "record")


def _medications(record: PatientRecord, b: BundleBuilder) -> None:
    for i, name in enumerate(record.current_medications):
        b.add(
            f"medication/{i}",
            {
                "resourceType": "MedicationStatement",
                "extension": [
                    role_extension("current_medication"),
                    *field_extensions({"name": name}),
                ],
                "status": "active",
                "medicationCodeableConcept": drug_concept(name),
                "subject": b.subject(),
            },
            "record",
        )
    for i, name in enumerate(record.allergies):
        b.add(
            f"allergy/{i}",
            {
                "resourceType": "AllergyIntolerance",
                "extension": [role_extension("allergy"), *field_extensions({"name": name})],
                "clinicalStatus": concept("allergy_clinical", "active"),
                "category": ["medication"],
                "code": drug_concept(name),
                "patient": b.subject(),
            },
            "record",
        )


def genotype_resource(gene: str, diplotype: str, b: BundleBuilder) -> dict[str, Any]:
    """A Genomics Reporting Genotype Observation (without the trdkit tag)."""
    genomics = load_fhir_codes().genomics
    hgnc = genomics.hgnc(gene)
    gene_coding = coding("hgnc", hgnc, gene) if hgnc else {"display": gene}
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [concept("observation_category", "laboratory"), concept("v2_0074", "GE")],
        "code": concept("loinc", genomics.genotype, "Genotype display name"),
        "subject": b.subject(),
        "valueCodeableConcept": {"text": f"{gene} {diplotype}"},
        "component": [
            {
                "code": concept("loinc", genomics.gene_studied, "Gene studied [ID]"),
                "valueCodeableConcept": {"coding": [gene_coding]},
            }
        ],
    }


def add_record(record: PatientRecord, verdicts: list[TrialVerdict], b: BundleBuilder) -> None:
    """Add every record part except the scales (see ``fhir_scales``) to ``b``."""
    _patient(record, b)
    _conditions(record, b)
    by_index = {v.index: v for v in verdicts}
    for i, trial in enumerate(record.treatments):
        _trial(i, trial, by_index.get(i), b)
    _medications(record, b)
    diplotypes = record.genetics.diplotypes if record.genetics else {}
    for gene, diplotype in diplotypes.items():
        resource = genotype_resource(gene, diplotype, b)
        resource["extension"] = [
            role_extension("diplotype"),
            *field_extensions({"gene": gene, "diplotype": diplotype}),
        ]
        b.add(str(record_key(f"genetics.diplotypes.{gene}")), resource, "record")
