"""Hypothesis strategies for valid ``trdkit.patient/1`` records with every field in play.

Built for the FHIR round trip: every record field the format holds can appear, with
``unknown`` (None), empty lists and odd-but-valid values. Every date lies before
``assessed_on`` so the record's own date check holds; records are validated by
``PatientRecord.model_validate``.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from hypothesis import strategies as st

from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.knowledge.instruments import load_instruments
from trdkit.record import PatientRecord
from trdkit.record.vocab import (
    Adherence,
    Comorbidity,
    EctLaterality,
    Episode,
    FamilyHistoryBipolar,
    Instrument,
    MdqProblem,
    MedicalCondition,
    Optimised,
    Outcome,
    Procedure,
    PsychoticFeatures,
    Remission,
    Role,
    Severity,
    Sex,
    Specifier,
    Symptom,
)

PAST = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2025, 12, 31))
ASSESSED = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))
TRI = st.none() | st.booleans()
NAME = st.text(string.ascii_letters + string.digits + " -'.", min_size=1, max_size=16).filter(
    lambda s: bool(s.strip())
)
CODE = st.from_regex(r"\A[A-Z0-9][A-Z0-9.]{0,8}\Z")
DRUGS = sorted(load_drug_catalogue().drugs)


def _floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


def _enum(kind: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([v.value for v in kind])


@st.composite
def date_ranges(draw: st.DrawFn) -> dict[str, Any]:
    """A start date and an optional end on or after it."""
    start = draw(PAST)
    out: dict[str, Any] = {"start": start.isoformat()}
    if draw(st.booleans()):
        out["end"] = draw(st.dates(min_value=start, max_value=dt.date(2025, 12, 31))).isoformat()
    return out


@st.composite
def episodes(draw: st.DrawFn) -> dict[str, Any]:
    """A current episode: onset or duration (or neither), symptoms, specifiers ..."""
    out: dict[str, Any] = {"symptoms": {s.value: draw(TRI) for s in Symptom}}
    timing = draw(st.sampled_from(["onset", "duration", "none"]))
    if timing == "onset":
        out["onset"] = draw(PAST).isoformat()
    elif timing == "duration":
        out["duration_months"] = draw(_floats(0, 1200))
    for key in ("functional_impairment", "due_to_substance_or_medical_condition", "catatonia"):
        out[key] = draw(TRI)
    out["psychotic_features"] = draw(st.none() | _enum(PsychoticFeatures))
    out["urgent"] = {"refusing_food_or_fluids": draw(TRI), "need_rapid_response": draw(TRI)}
    out["severity"] = draw(st.none() | _enum(Severity))
    out["remission"] = draw(st.none() | _enum(Remission))
    out["specifiers"] = draw(st.lists(_enum(Specifier), max_size=3))
    return out


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    """The history section, diagnoses in every record code system."""
    diagnoses = st.fixed_dictionaries(
        {
            "system": st.sampled_from(["icd10cm", "icd10", "icd11", "icd9cm", "snomedct", "dsm5"]),
            "code": CODE,
        },
        optional={"display": st.none() | NAME},
    )
    return {
        "prior_episodes": draw(st.lists(date_ranges(), max_size=3)),
        "manic_or_hypomanic_episode": draw(TRI),
        "schizophrenia_spectrum_disorder": draw(TRI),
        "antidepressant_induced_hypomania": draw(TRI),
        "family_history_bipolar": draw(st.none() | _enum(FamilyHistoryBipolar)),
        "age_at_first_episode": draw(st.none() | _floats(0, 120)),
        "chronic_depressed_mood_years": draw(st.none() | _floats(0, 120)),
        "suicide_attempts": draw(st.none() | st.lists(PAST.map(str), max_size=3)),
        "diagnoses": draw(st.lists(diagnoses, max_size=4)),
        "comorbidities": draw(st.lists(_enum(Comorbidity), max_size=3)),
        "medical": draw(st.lists(_enum(MedicalCondition), max_size=3)),
    }


@st.composite
def treatments(draw: st.DrawFn) -> dict[str, Any]:
    """One drug or procedure trial with any combination of optional fields."""
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["drug"] = draw(st.sampled_from(DRUGS))
    else:
        out["procedure"] = draw(_enum(Procedure))
        if out["procedure"] == "ect" and draw(st.booleans()):
            out["laterality"] = draw(_enum(EctLaterality))
    if draw(st.booleans()):
        span = draw(date_ranges())
        out.update(span)
    optional: dict[str, st.SearchStrategy[Any]] = {
        "episode": _enum(Episode),
        "dose_mg_per_day": _floats(0.001, 5000).filter(lambda v: v > 0),
        "weeks_at_dose": _floats(0, 1040),
        "adherence": _enum(Adherence),
        "outcome": _enum(Outcome),
        "improvement_pct": _floats(-500, 100),
        "optimised": _enum(Optimised),
        "sessions": st.integers(1, 500),
        "serum_level_mmol_per_l": _floats(0, 10),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            out[key] = draw(strategy)
    role = draw(_enum(Role))
    out["role"] = role
    if role != "monotherapy":
        out["with"] = draw(st.lists(st.sampled_from(DRUGS), max_size=2))
    return out


@st.composite
def administrations(draw: st.DrawFn) -> dict[str, Any]:
    """One scale administration: items (some missing) or a total, with extra fields."""
    instrument = draw(_enum(Instrument))
    spec = load_instruments()[instrument]
    out: dict[str, Any] = {"instrument": instrument, "date": draw(PAST).isoformat()}
    if instrument == "bipolarity_index":
        points = st.sampled_from([0, 2, 5, 10, 15, 20])
        names = ("episode", "age_at_onset", "course", "response", "family_history")
        out["domains"] = {n: draw(points) for n in names}
        return out
    use_items = spec.items > 0 and (not spec.accepts_total or draw(st.booleans()))
    if use_items:
        out["items"] = [draw(st.none() | st.integers(0, top)) for top in spec.item_max]
    else:
        assert spec.total_min is not None and spec.total_max is not None
        out["total"] = draw(st.integers(spec.total_min, spec.total_max))
    if "difficulty" in spec.extra:
        out["difficulty"] = draw(st.none() | st.integers(0, 3))
    if instrument == "mdq":
        out["same_period"] = draw(TRI)
        out["problem"] = draw(st.none() | _enum(MdqProblem))
    if instrument == "cssrs_screener":
        out["behaviour_past_3_months"] = draw(TRI)
    return out


@st.composite
def genetics(draw: st.DrawFn) -> dict[str, Any]:
    """Diplotypes, research genotypes, a VCF path and 5-HTTLPR."""
    allele = st.from_regex(r"\A\*[0-9][0-9A-Za-z.]{0,4}(x[0-9N])?\Z")
    diplotype = st.tuples(allele, allele).map(lambda pair: f"{pair[0]}/{pair[1]}")
    genes = st.dictionaries(st.sampled_from(["CYP2C19", "CYP2D6", "CYP2B6"]), diplotype)
    rsids = st.from_regex(r"\Ars[0-9]{1,8}\Z")
    genotypes = st.dictionaries(rsids, st.sampled_from(["A", "CT", "GG", "I/D", "DD"]), max_size=3)
    out: dict[str, Any] = {"diplotypes": draw(genes), "genotypes": draw(genotypes)}
    if draw(st.booleans()):
        out["vcf"] = draw(NAME)
        out["sample"] = draw(st.none() | NAME)
    if draw(st.booleans()):
        out["5httlpr"] = draw(st.sampled_from(["L/S", "S/S", "LA/LG", "L/L"]))
    return out


@st.composite
def records(draw: st.DrawFn) -> PatientRecord:
    """A valid patient record using every part of the format."""
    names = st.sampled_from(DRUGS) | NAME
    data: dict[str, Any] = {
        "format": "trdkit.patient/1",
        "id": draw(st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.:/-]{0,30}\Z")),
        "assessed_on": draw(ASSESSED).isoformat(),
        "age": draw(st.none() | st.integers(0, 125)),
        "sex": draw(_enum(Sex)),
        "allergies": draw(st.lists(names, max_size=2)),
        "history": draw(histories()),
        "treatments": draw(st.lists(treatments(), max_size=4)),
        "current_medications": draw(st.lists(names, max_size=3)),
        "scales": draw(st.lists(administrations(), max_size=5)),
    }
    if draw(st.booleans()):
        data["current_episode"] = draw(episodes())
    if draw(st.booleans()):
        data["genetics"] = draw(genetics())
    if draw(st.booleans()):
        data["biomarkers"] = {
            "crp_mg_per_l": draw(st.none() | _floats(0, 200)),
            "il6_pg_per_ml": draw(st.none() | _floats(0, 200)),
            "mirna": draw(st.dictionaries(st.sampled_from(["let-7b", "miR-124"]), _floats(-5, 5))),
        }
    if draw(st.booleans()):
        data["labs"] = {
            "tsh_mu_per_l": draw(st.none() | _floats(0, 50)),
            "qtc_ms": draw(st.none() | _floats(200, 800)),
        }
    return PatientRecord.model_validate(data)
