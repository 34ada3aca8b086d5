"""Closed vocabularies of the patient record ``trdkit.patient/1``.

Values are exactly those of ``shared/contract/patient-record.md``; they are a stable interface.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "Adherence",
    "Comorbidity",
    "EctLaterality",
    "Episode",
    "FamilyHistoryBipolar",
    "Instrument",
    "MdqProblem",
    "MedicalCondition",
    "Optimised",
    "Outcome",
    "Procedure",
    "PsychoticFeatures",
    "Remission",
    "Role",
    "Severity",
    "Sex",
    "Specifier",
    "Symptom",
]


class Sex(StrEnum):
    female = "female"
    male = "male"
    other = "other"
    unknown = "unknown"


class Symptom(StrEnum):
    """DSM-5-TR criterion A symptoms (A1-A9) plus ICD-11's hopelessness, in DSM order."""

    depressed_mood = "depressed_mood"
    anhedonia = "anhedonia"
    appetite_or_weight_change = "appetite_or_weight_change"
    sleep_disturbance = "sleep_disturbance"
    psychomotor_change = "psychomotor_change"
    fatigue = "fatigue"
    worthlessness_or_guilt = "worthlessness_or_guilt"
    poor_concentration = "poor_concentration"
    suicidal_thoughts = "suicidal_thoughts"
    hopelessness = "hopelessness"


class PsychoticFeatures(StrEnum):
    none = "none"
    mood_congruent = "mood_congruent"
    mood_incongruent = "mood_incongruent"


class Severity(StrEnum):
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


class Remission(StrEnum):
    none = "none"
    partial = "partial"
    full = "full"


class Specifier(StrEnum):
    """Uncoded DSM-5-TR specifiers, declared in DSM recording order."""

    anxious_distress = "anxious_distress"
    mixed_features = "mixed_features"
    melancholic = "melancholic"
    atypical = "atypical"
    peripartum_onset = "peripartum_onset"
    seasonal_pattern = "seasonal_pattern"


class FamilyHistoryBipolar(StrEnum):
    none = "none"
    second_degree = "second_degree"
    first_degree = "first_degree"


class Comorbidity(StrEnum):
    anxiety_disorder = "anxiety_disorder"
    ptsd = "ptsd"
    substance_use_disorder = "substance_use_disorder"
    personality_disorder = "personality_disorder"
    adhd = "adhd"
    eating_disorder = "eating_disorder"
    hypothyroidism = "hypothyroidism"
    sleep_apnoea = "sleep_apnoea"
    chronic_pain = "chronic_pain"
    dementia = "dementia"


class MedicalCondition(StrEnum):
    uncontrolled_hypertension = "uncontrolled_hypertension"
    aneurysmal_vascular_disease = "aneurysmal_vascular_disease"
    arteriovenous_malformation = "arteriovenous_malformation"
    intracerebral_haemorrhage = "intracerebral_haemorrhage"
    epilepsy = "epilepsy"
    long_qt = "long_qt"
    renal_impairment = "renal_impairment"
    hepatic_impairment = "hepatic_impairment"
    pregnancy = "pregnancy"
    breastfeeding = "breastfeeding"
    cardiac_disease = "cardiac_disease"


class Episode(StrEnum):
    current = "current"
    prior = "prior"


class Adherence(StrEnum):
    good = "good"
    partial = "partial"
    poor = "poor"
    unknown = "unknown"


class Outcome(StrEnum):
    remission = "remission"
    response = "response"
    response_lost = "response_lost"
    partial_response = "partial_response"
    no_response = "no_response"
    intolerance = "intolerance"
    ongoing = "ongoing"
    unknown = "unknown"


class Optimised(StrEnum):
    none = "none"
    dose = "dose"
    duration = "duration"
    both = "both"


class Role(StrEnum):
    monotherapy = "monotherapy"
    augmentation = "augmentation"
    combination = "combination"


class Procedure(StrEnum):
    ect = "ect"
    rtms = "rtms"
    itbs = "itbs"
    vns = "vns"
    dbs = "dbs"
    esketamine = "esketamine"
    ketamine_iv = "ketamine_iv"
    psychotherapy_cbt = "psychotherapy_cbt"
    psychotherapy_other = "psychotherapy_other"
    light_therapy = "light_therapy"


class EctLaterality(StrEnum):
    bilateral = "bilateral"
    right_unilateral = "right_unilateral"


class Instrument(StrEnum):
    phq9 = "phq9"
    phq2 = "phq2"
    gad7 = "gad7"
    qids_sr16 = "qids_sr16"
    hamd17 = "hamd17"
    madrs = "madrs"
    mdq = "mdq"
    hcl32 = "hcl32"
    cssrs_screener = "cssrs_screener"
    cgi_s = "cgi_s"
    cgi_i = "cgi_i"
    bipolarity_index = "bipolarity_index"


class MdqProblem(StrEnum):
    none = "none"
    minor = "minor"
    moderate = "moderate"
    serious = "serious"
