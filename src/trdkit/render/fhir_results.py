"""What the assessment concluded, as FHIR R4 resources (tagged ``conclusion``).

* a provisional Condition with the DSM-5-TR ICD-10-CM code when MDD is met, ``evidence`` ->
  the score Observations;
* a TRD status Observation (trdkit code system): status, policy, failed-trial counts and every
  staging model as components; the failed trials are linked by a ``failed-trial`` extension
  (Observation.hasMember may only point to Observations in R4) and, when the status is ``trd``,
  by the ``evidence`` of a provisional TRD Condition (no verified SNOMED CT concept exists for
  treatment-resistant depression; reference notes trap 9);
* Genomics Reporting (STU2+) TherapeuticImplication Observations: one per gene (metabolizer
  phenotype, LOINC LA answers) and one per drug with CPIC guidance (``tbd-codes-cs``
  ``therapeutic-implication``, medication assessed 51963-7, evidence level 93044-6), ``derivedFrom``
  the Genotype; not the STU1 code 53040-2 (trap 8);
* Genotype Observations for genes called from a VCF or outside calls rather than the record.
"""

from __future__ import annotations

from typing import Any

from trdkit.assessment import Assessment
from trdkit.interop.fhir_codes import structure_url
from trdkit.knowledge.fhir_codes import load_fhir_codes
from trdkit.record import PatientRecord
from trdkit.render.fhir_builder import BundleBuilder, concept
from trdkit.render.fhir_record import drug_concept, genotype_resource

__all__ = ["add_diagnosis", "add_pgx", "add_trd"]


def _note(lines: list[str]) -> list[dict[str, str]]:
    return [{"text": "\n".join(lines)}] if lines else []


def add_diagnosis(a: Assessment, scores: list[str], b: BundleBuilder) -> str | None:
    """The MDD Condition (ICD-10-CM) when criteria are met; return its reference."""
    mdd = a.diagnosis.mdd
    if not mdd.met or not mdd.icd10cm:
        return None
    remission = mdd.remission in ("partial", "full")
    return b.add(
        "conclusion/mdd",
        {
            "resourceType": "Condition",
            "clinicalStatus": concept("condition_clinical", "remission" if remission else "active"),
            "verificationStatus": concept("condition_ver_status", "provisional"),
            "category": [concept("condition_category", "encounter-diagnosis")],
            "code": concept("icd10cm", mdd.icd10cm, mdd.label, text=mdd.label),
            "subject": b.subject(),
            "recordedDate": a.assessed_on.isoformat(),
            "evidence": [{"detail": [{"reference": r} for r in scores]}] if scores else [],
            "note": _note([*a.diagnosis.mde.because, *mdd.because]),
        },
        "conclusion",
    )


def _component(code: str, text: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"code": concept("trdkit", code, text=text), **value}


def add_trd(a: Assessment, scores: list[str], b: BundleBuilder) -> list[str]:
    """The TRD status Observation (and TRD Condition when the status is ``trd``)."""
    trd = a.trd
    failed = [
        ref
        for v in trd.trials
        if v.counts_as_failure
        for ref in b.record_refs(f"treatments[{v.index}]")
    ]
    stages = trd.stages
    parts = [
        _component("trd-policy", "TRD policy", {"valueString": trd.definition}),
        _component(
            "adequate-failed-trials",
            "Adequate failed trials",
            {"valueInteger": trd.adequate_failed_trials},
        ),
        _component(
            "naive-failed-trials",
            "Failed trials (naive count)",
            {"valueInteger": trd.naive_failed_trials},
        ),
    ]
    if stages.thase_rush is not None:
        parts.append(
            _component("stage-thase-rush", "Thase-Rush stage", {"valueInteger": stages.thase_rush})
        )
    if stages.european is not None:
        parts.append(
            _component("stage-european", "European staging", {"valueString": stages.european})
        )
    if stages.mgh_s is not None:
        parts.append(
            _component("stage-mgh-s", "MGH-S score", {"valueQuantity": {"value": stages.mgh_s}})
        )
    if stages.maudsley is not None:
        maudsley = stages.maudsley
        parts.append(
            _component(
                "stage-maudsley",
                f"Maudsley Staging Method ({maudsley.band})",
                {"valueInteger": maudsley.score},
            )
        )
    observation = b.add(
        "conclusion/trd-status",
        {
            "resourceType": "Observation",
            "extension": [
                {"url": structure_url("failed-trial"), "valueReference": {"reference": r}}
                for r in failed
            ],
            "status": "final",
            "code": concept(
                "trdkit", "trd-status", text="Treatment-resistant depression status (trdkit)"
            ),
            "subject": b.subject(),
            "effectiveDateTime": a.assessed_on.isoformat(),
            "valueCodeableConcept": concept(
                "trdkit", f"trd-status-{trd.status.value}", text=trd.status.value.replace("_", " ")
            ),
            "component": parts,
            "derivedFrom": [{"reference": r} for r in scores],
            "note": _note([*trd.because, *trd.missing]),
        },
        "conclusion",
    )
    refs = [observation]
    if trd.status.value == "trd":
        refs.append(
            b.add(
                "conclusion/trd",
                {
                    "resourceType": "Condition",
                    "clinicalStatus": concept("condition_clinical", "active"),
                    "verificationStatus": concept("condition_ver_status", "provisional"),
                    "code": concept(
                        "trdkit", "trd", text=f"Treatment-resistant depression ({trd.definition})"
                    ),
                    "subject": b.subject(),
                    "evidence": [{"detail": [{"reference": r} for r in [*failed, observation]]}],
                    "note": _note(trd.because),
                },
                "conclusion",
            )
        )
    return refs


def _phenotype_part(gene: str, phenotype: str) -> dict[str, Any]:
    genomics = load_fhir_codes().genomics
    code = next((p.code for p in genomics.phenotypes if p.phenotype == phenotype), None)
    value: dict[str, Any] = {"text": f"{gene} {phenotype}"}
    if code is not None:
        value["coding"] = [
            {"system": load_fhir_codes().uri("loinc"), "code": code, "display": phenotype}
        ]
    return {
        "code": concept("genomics_tbd", genomics.therapeutic_implication),
        "valueCodeableConcept": value,
    }


def add_pgx(a: Assessment, record: PatientRecord, b: BundleBuilder) -> list[str]:
    """Genotypes called outside the record and TherapeuticImplications per gene and drug."""
    genomics = load_fhir_codes().genomics
    reported = record.genetics.diplotypes if record.genetics else {}
    genotypes: dict[str, list[str]] = {}
    refs: list[str] = []
    for gene, call in a.pgx.genes.items():
        if not call.called or call.diplotype is None:
            continue
        if reported.get(gene) == call.diplotype:  # type: ignore[call-overload]
            genotypes[gene] = b.record_refs(f"genetics.diplotypes.{gene}")
        else:
            called = b.add(
                f"conclusion/genotype/{gene}",
                genotype_resource(gene, call.diplotype, b),
                "conclusion",
            )
            genotypes[gene] = [called]
            refs.append(called)
        phenotype = call.phenotype
        parts = [_phenotype_part(gene, phenotype)] if phenotype else []
        if phenotype and call.functional_phenotype and call.functional_phenotype != phenotype:
            # Phenoconversion: the drugs taken now change what the genotype predicts.
            text = f"{gene} {call.functional_phenotype} while taking the current drugs"
            parts.append(
                _component(
                    "functional-phenotype",
                    "Functional phenotype",
                    {"valueCodeableConcept": {"text": text}},
                )
            )
        if phenotype:
            refs.append(
                b.add(
                    f"conclusion/phenotype/{gene}",
                    {
                        "resourceType": "Observation",
                        "status": "final",
                        "category": [
                            concept("observation_category", "laboratory"),
                            concept("v2_0074", "GE"),
                        ],
                        "code": concept(
                            "genomics_tbd",
                            genomics.therapeutic_implication,
                            "Therapeutic Implication",
                        ),
                        "subject": b.subject(),
                        "derivedFrom": [{"reference": r} for r in genotypes[gene]],
                        "component": parts,
                        "note": _note(call.because + call.warnings),
                    },
                    "conclusion",
                )
            )
    for drug, guidance in a.pgx.drugs.items():
        parts = [
            _phenotype_part(g, a.pgx.genes[g].phenotype or p)
            if g in a.pgx.genes
            else _phenotype_part(g, p)
            for g, p in guidance.lookup.items()
        ]
        parts.append(
            {
                "code": concept("loinc", genomics.medication_assessed, "Medication assessed"),
                "valueCodeableConcept": drug_concept(drug),
            }
        )
        if guidance.strength:
            parts.append(
                {
                    "code": concept("loinc", genomics.evidence_level, "Level of evidence"),
                    "valueCodeableConcept": {"text": guidance.strength},
                }
            )
        parts.append(
            _component(
                "pgx-action",
                "CPIC action",
                {
                    "valueCodeableConcept": concept(
                        "trdkit",
                        f"pgx-action-{guidance.action}",
                        text=guidance.action.replace("_", " "),
                    )
                },
            )
        )
        refs.append(
            b.add(
                f"conclusion/pgx/{drug}",
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [
                        concept("observation_category", "laboratory"),
                        concept("v2_0074", "GE"),
                    ],
                    "code": concept(
                        "genomics_tbd", genomics.therapeutic_implication, "Therapeutic Implication"
                    ),
                    "subject": b.subject(),
                    "derivedFrom": [
                        {"reference": r} for g in guidance.lookup for r in genotypes.get(g, [])
                    ],
                    "component": parts,
                    "note": _note([f"{guidance.guideline}: {guidance.summary}", guidance.source]),
                },
                "conclusion",
            )
        )
    return refs
