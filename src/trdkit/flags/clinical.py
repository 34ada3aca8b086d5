"""Flags that come straight from the record and the diagnosis.

``psychotic_features``, ``catatonia`` and ``bipolar_disorder`` follow DSM-5-TR (psychotic and
catatonia specifiers; criterion E). ``substance_or_medical_cause`` follows DSM-5-TR criterion C
and CANMAT 2023 Table 7.1 (medical causes to exclude before calling depression resistant).
``interaction_check_incomplete`` is the contract's rule for medications the catalogue does not
know.
"""

from __future__ import annotations

from trdkit.diagnosis import Diagnosis
from trdkit.flags.model import Flag, FlagId, make_flag
from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.flags import load_flag_table
from trdkit.record import PatientRecord
from trdkit.record.vocab import PsychoticFeatures

__all__ = ["clinical_flags", "unknown_medications"]

# Chart codes that are themselves a substance or medical cause (ICD-10-CM F06.3x: mood disorder
# due to a known physiological condition; F1x.x4: substance-induced mood disorder).
_CAUSE_CODE_PREFIXES = ("F06.3",)


def unknown_medications(record: PatientRecord) -> list[str]:
    """Current medications the drug catalogue does not know."""
    catalogue = load_drug_catalogue()
    return [name for name in record.current_medications if catalogue.resolve(name) is None]


def _substance_or_medical(record: PatientRecord, diagnosis: Diagnosis) -> list[str]:
    settings = load_flag_table().settings
    reasons: list[str] = []
    episode = record.current_episode
    if episode is not None and episode.due_to_substance_or_medical_condition:
        reasons.append(
            "episode recorded as due to a substance or medical condition: "
            "MDE criterion C not met (DSM-5-TR)"
        )
    causes = [c.value for c in record.history.comorbidities]
    for cause in settings.medical_cause_comorbidities:
        if cause in causes:
            reasons.append(
                f"comorbidity {cause}: treat or exclude as a cause before calling the "
                "depression resistant (CANMAT 2023 Table 7.1)"
            )
    tsh = record.labs.tsh_mu_per_l if record.labs else None
    if tsh is not None and tsh > settings.tsh_upper_mu_per_l:
        reasons.append(
            f"TSH {tsh} mU/L > {settings.tsh_upper_mu_per_l}: exclude hypothyroidism "
            "(Garber 2012; CANMAT 2023 Table 7.1)"
        )
    for dx in record.history.diagnoses:
        if dx.system == "icd10cm" and dx.code.upper().startswith(_CAUSE_CODE_PREFIXES):
            reasons.append(f"chart diagnosis {dx.code}: depressive disorder due to a medical cause")
    return reasons


def clinical_flags(record: PatientRecord, diagnosis: Diagnosis) -> list[Flag]:
    """Raise the record- and diagnosis-derived flags of the spine.

    Parameters
    ----------
    record
        The patient record.
    diagnosis
        Its DSM-5-TR / ICD diagnosis (criterion E decides ``bipolar_disorder``).

    Returns
    -------
    list of Flag
    """
    flags: list[Flag] = []
    episode = record.current_episode
    if episode is not None and episode.psychotic_features not in (None, PsychoticFeatures.none):
        assert episode.psychotic_features is not None
        kind = episode.psychotic_features.value.replace("_", "-")
        flags.append(
            make_flag(
                FlagId.psychotic_features,
                [
                    f"{kind} psychotic features in the current episode "
                    "(DSM-5-TR specifier; coded .3)"
                ],
            )
        )
    if episode is not None and episode.catatonia:
        flags.append(
            make_flag(
                FlagId.catatonia,
                ["catatonia recorded (DSM-5-TR 'with catatonia'; code F06.1 added)"],
            )
        )
    if diagnosis.mdd.criteria.get("E") is False:
        flags.append(
            make_flag(
                FlagId.bipolar_disorder,
                [
                    *[r for r in diagnosis.mdd.because if "criterion E" in r],
                    "MDD criterion E fails: antidepressant monotherapy is excluded (DSM-5-TR; "
                    "ISBD task force, Pacchiarotti 2013)",
                ],
            )
        )
    if reasons := _substance_or_medical(record, diagnosis):
        flags.append(make_flag(FlagId.substance_or_medical_cause, reasons))
    if unknown := unknown_medications(record):
        flags.append(
            make_flag(
                FlagId.interaction_check_incomplete,
                [
                    f"not in the drug catalogue: {', '.join(unknown)}; interaction and "
                    "phenoconversion checks do not cover them"
                ],
            )
        )
    return flags
