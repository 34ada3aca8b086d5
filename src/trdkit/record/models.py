"""Pydantic models of the patient record, format ``trdkit.patient/1``.

Every field of ``shared/contract/patient-record.md`` is accepted exactly as written there. Unknown
keys are rejected (a typo must not silently change a clinical conclusion); missing optional data
stays ``None`` (``unknown``) and is never assumed ``false``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from trdkit.record._types import PathError, Tri, unknown_to_none
from trdkit.record.drug_names import canonical_or_given
from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.treatment_models import Treatment
from trdkit.record.vocab import (
    Comorbidity,
    FamilyHistoryBipolar,
    MedicalCondition,
    PsychoticFeatures,
    Remission,
    Severity,
    Sex,
    Specifier,
    Symptom,
)

__all__ = [
    "Biomarkers",
    "CodedDiagnosis",
    "CurrentEpisode",
    "DateRange",
    "Genetics",
    "History",
    "Labs",
    "PatientRecord",
    "Symptoms",
    "Urgent",
]

RECORD_FORMAT: Literal["trdkit.patient/1"] = "trdkit.patient/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)


class Symptoms(_Model):
    """DSM-5 criterion A symptoms in the same two-week period; absent keys are unknown."""

    depressed_mood: Tri = None
    anhedonia: Tri = None
    appetite_or_weight_change: Tri = None
    sleep_disturbance: Tri = None
    psychomotor_change: Tri = None
    fatigue: Tri = None
    worthlessness_or_guilt: Tri = None
    poor_concentration: Tri = None
    suicidal_thoughts: Tri = None
    hopelessness: Tri = None

    def value(self, symptom: Symptom) -> bool | None:
        """Return the recorded value of ``symptom`` (``None`` when unknown)."""
        result: bool | None = getattr(self, symptom.value)
        return result


class Urgent(_Model):
    """Reasons for rapid, definitive treatment (ECT ranked first)."""

    refusing_food_or_fluids: Tri = None
    need_rapid_response: Tri = None


class CurrentEpisode(_Model):
    """The episode being assessed."""

    onset: dt.date | None = None
    duration_months: float | None = Field(default=None, ge=0, le=1200)
    symptoms: Symptoms = Field(default_factory=Symptoms)
    functional_impairment: Tri = None
    due_to_substance_or_medical_condition: Tri = None
    psychotic_features: Annotated[PsychoticFeatures | None, BeforeValidator(unknown_to_none)] = None
    catatonia: Tri = None
    urgent: Urgent = Field(default_factory=Urgent)
    severity: Severity | None = None
    remission: Annotated[Remission | None, BeforeValidator(unknown_to_none)] = None
    specifiers: list[Specifier] = Field(default_factory=list)

    @model_validator(mode="after")
    def _onset_or_duration(self) -> CurrentEpisode:
        if self.onset is not None and self.duration_months is not None:
            raise PathError(("duration_months",), "give either onset or duration_months, not both")
        return self


class DateRange(_Model):
    """A dated episode; ``end`` may be unknown."""

    start: dt.date
    end: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end is not None and self.end < self.start:
            raise PathError(("end",), f"end {self.end} is before start {self.start}")
        return self


class CodedDiagnosis(_Model):
    """A coded diagnosis from the chart (informative; never overrides the criteria)."""

    system: Literal["icd10cm", "icd10", "icd11", "icd9cm", "snomedct", "dsm5"]
    code: str = Field(min_length=1, max_length=32)
    display: str | None = None


class History(_Model):
    """Lifetime history relevant to diagnosis, bipolarity and risk."""

    prior_episodes: list[DateRange] = Field(default_factory=list)
    manic_or_hypomanic_episode: Tri = None
    schizophrenia_spectrum_disorder: Tri = None
    antidepressant_induced_hypomania: Tri = None
    family_history_bipolar: Annotated[
        FamilyHistoryBipolar | None, BeforeValidator(unknown_to_none)
    ] = None
    age_at_first_episode: float | None = Field(default=None, ge=0, le=120)
    chronic_depressed_mood_years: float | None = Field(default=None, ge=0, le=120)
    suicide_attempts: list[dt.date] | None = None
    diagnoses: list[CodedDiagnosis] = Field(default_factory=list)
    comorbidities: list[Comorbidity] = Field(default_factory=list)
    medical: list[MedicalCondition] = Field(default_factory=list)


Genotype = Annotated[str, Field(pattern=r"^[ACGT]{1,2}$|^[ACGTID]/[ACGTID]$|^(I|D){2}$")]
# A star allele, optionally with copies (*2x2, *1xN) or in tandem (*36x2+*10, *13+*2).
_STAR = r"\*[0-9A-Za-z.]+(x[0-9N]+)?"
_HAPLO = rf"{_STAR}(\s*\+\s*{_STAR})*"
_DIPLOTYPE = re.compile(rf"^{_HAPLO}/{_HAPLO}$")


def _diplotype(value: str) -> str:
    if not _DIPLOTYPE.match(value):
        raise ValueError(
            "a diplotype is two star alleles separated by '/', e.g. *1/*17 "
            "(copies as *2x2, tandems as *36x2+*10)"
        )
    return value


Diplotype = Annotated[str, AfterValidator(_diplotype)]


class Genetics(_Model):
    """Genotype sources: a VCF, lab-reported diplotypes, research-marker genotypes."""

    vcf: str | None = None
    sample: str | None = None
    diplotypes: dict[Literal["CYP2C19", "CYP2D6", "CYP2B6"], Diplotype] = Field(
        default_factory=dict
    )
    genotypes: dict[Annotated[str, Field(pattern=r"^rs[0-9]+$")], Genotype] = Field(
        default_factory=dict
    )
    httlpr5: str | None = Field(default=None, alias="5httlpr", pattern=r"^(L|S|LA|LG)/(L|S|LA|LG)$")


class Biomarkers(_Model):
    """Research-tier biomarkers; never drive a recommendation on their own."""

    crp_mg_per_l: float | None = Field(default=None, ge=0)
    il6_pg_per_ml: float | None = Field(default=None, ge=0)
    tnf_pg_per_ml: float | None = Field(default=None, ge=0)
    stnfr2_pg_per_ml: float | None = Field(default=None, ge=0)
    bdnf_exon1_promoter_methylation_pct: float | None = Field(default=None, ge=0, le=100)
    mirna: dict[str, float] = Field(default_factory=dict)


class Labs(_Model):
    """Clinical laboratory values."""

    tsh_mu_per_l: float | None = Field(default=None, ge=0)
    lithium_mmol_per_l: float | None = Field(default=None, ge=0, le=10)
    egfr_ml_per_min: float | None = Field(default=None, ge=0, le=250)
    qtc_ms: float | None = Field(default=None, ge=200, le=800)


class PatientRecord(_Model):
    """One patient at one assessment date (``trdkit.patient/1``)."""

    format: Literal["trdkit.patient/1"] = RECORD_FORMAT
    id: str = Field(min_length=1, max_length=128)
    assessed_on: dt.date = Field(default_factory=dt.date.today)
    age: Annotated[int | None, BeforeValidator(unknown_to_none)] = Field(default=None, ge=0, le=125)
    sex: Sex = Sex.unknown
    allergies: list[str] = Field(default_factory=list)
    current_episode: CurrentEpisode | None = None
    history: History = Field(default_factory=History)
    treatments: list[Treatment] = Field(default_factory=list)
    current_medications: list[str] = Field(default_factory=list)
    scales: list[ScaleAdministration] = Field(default_factory=list)
    genetics: Genetics | None = None
    biomarkers: Biomarkers | None = None
    labs: Labs | None = None

    @field_validator("current_medications", "allergies")
    @classmethod
    def _canonical_names(cls, value: list[str]) -> list[str]:
        # Unknown names are kept: an unknown medication is a warning and the
        # `interaction_check_incomplete` flag (assessment-output.md), not an error.
        return [canonical_or_given(name) for name in value if name.strip()]

    @field_validator("id")
    @classmethod
    def _opaque_id(cls, value: str) -> str:
        if value != value.strip() or any(c in value for c in "\n\r\t"):
            raise ValueError("id must be a single token without surrounding spaces")
        return value

    @model_validator(mode="after")
    def _dates_not_after_assessment(self) -> PatientRecord:
        limit = self.assessed_on
        checks: list[tuple[tuple[str | int, ...], dt.date | None]] = []
        if self.current_episode is not None:
            checks.append((("current_episode", "onset"), self.current_episode.onset))
        for i, ep in enumerate(self.history.prior_episodes):
            checks.append((("history", "prior_episodes", i, "start"), ep.start))
        for i, day in enumerate(self.history.suicide_attempts or []):
            checks.append((("history", "suicide_attempts", i), day))
        for i, trial in enumerate(self.treatments):
            checks.append((("treatments", i, "start"), trial.start))
        for i, adm in enumerate(self.scales):
            checks.append((("scales", i, "date"), adm.date))
        for path, when in checks:
            if when is not None and when > limit:
                raise PathError(path, f"{when} is after assessed_on ({limit})")
        return self

    @property
    def symptoms(self) -> Symptoms:
        """Criterion A symptoms of the current episode (all unknown without an episode)."""
        return self.current_episode.symptoms if self.current_episode else Symptoms()
