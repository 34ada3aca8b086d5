"""The intake form: who the patient is, the current episode, its symptoms and prior episodes.

Fields are named by record path. Symptom labels come from the DSM-5-TR criterion A table
(``knowledge/diagnosis/dsm5_criteria.yaml``); the vocabularies (sex, psychotic features, family
history) from the record's closed vocabularies. Saving an existing patient changes only the
fields of this form: everything else in the record (scales, trials, labs, genetics, ...) is kept.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

from trdkit.knowledge.diagnosis_criteria import load_dsm5_criteria
from trdkit.record.vocab import FamilyHistoryBipolar, PsychoticFeatures, Sex, Symptom
from trdkit.web.fields import (
    Choice,
    FormField,
    choices_of,
    convert,
    delete_path,
    flatten,
    get_path,
    set_path,
)

__all__ = [
    "CARE_TEAM_FIELD",
    "EPISODE_FIELDS",
    "HISTORY_FIELDS",
    "PATIENT_FIELDS",
    "SYMPTOM_FIELDS",
    "intake_fields",
    "intake_values",
    "merge_intake",
    "prior_episode_fields",
]

_TRI = (Choice("yes", "yes"), Choice("no", "no"), Choice("", "unknown"))
_EP = "current_episode"

CARE_TEAM_FIELD = FormField(
    "care_team", "Care team", required=True, hint="admins only: the team that follows the patient"
)
PATIENT_FIELDS = (
    FormField(
        "id",
        "Record id",
        required=True,
        hint="the id your service files the patient under; it is never written to the audit trail",
    ),
    FormField("age", "Age (years)", "number", min=0, max=125, step="1"),
    FormField("sex", "Sex", "select", choices_of(Sex)),
    FormField(
        "assessed_on",
        "Record date",
        "date",
        required=True,
        hint="the date the record is current as of; a later visit moves it forward",
    ),
    FormField(
        "current_medications",
        "Current medications",
        "list",
        hint="comma-separated",
        datalist="drug-names",
    ),
    FormField("allergies", "Allergies", "list", hint="comma-separated"),
)
EPISODE_FIELDS = (
    FormField(
        f"{_EP}.onset",
        "Onset of the current episode",
        "date",
        hint="or give its duration below, not both",
    ),
    FormField(
        f"{_EP}.duration_months",
        "Duration of the current episode (months)",
        "number",
        min=0,
        max=1200,
        step="any",
    ),
    FormField(f"{_EP}.functional_impairment", "Functional impairment", "tri", _TRI),
    FormField(
        f"{_EP}.due_to_substance_or_medical_condition",
        "Due to a substance or a medical condition",
        "tri",
        _TRI,
    ),
    FormField(
        f"{_EP}.psychotic_features",
        "Psychotic features",
        "select",
        choices_of(PsychoticFeatures, blank="unknown"),
    ),
)
HISTORY_FIELDS = (
    FormField(
        "history.manic_or_hypomanic_episode", "Ever a manic or hypomanic episode", "tri", _TRI
    ),
    FormField(
        "history.family_history_bipolar",
        "Family history of bipolar disorder",
        "select",
        choices_of(FamilyHistoryBipolar, blank="unknown"),
    ),
)


def _symptom_fields() -> tuple[FormField, ...]:
    rows = {s.record_symptom: s for s in load_dsm5_criteria().criterion_a.symptoms}
    out = []
    for symptom in Symptom:
        row = rows.get(symptom.value)
        label = f"{row.id} {row.label}" if row else symptom.value.replace("_", " ")
        out.append(FormField(f"{_EP}.symptoms.{symptom.value}", label, "tri", _TRI))
    return tuple(out)


SYMPTOM_FIELDS = _symptom_fields()


def prior_episode_fields(count: int) -> tuple[FormField, ...]:
    """Start and end of ``count`` prior episodes."""
    out: list[FormField] = []
    for i in range(count):
        base = f"history.prior_episodes[{i}]"
        out.append(FormField(f"{base}.start", f"Prior episode {i + 1}: start", "date"))
        out.append(FormField(f"{base}.end", f"Prior episode {i + 1}: end", "date"))
    return tuple(out)


def _prior_count(doc: Mapping[str, Any]) -> int:
    stored = get_path(doc, "history.prior_episodes")
    return (len(stored) if isinstance(stored, list) else 0) + 1


def intake_fields(
    doc: Mapping[str, Any] | None = None, *, admin: bool = False
) -> tuple[FormField, ...]:
    """Every field of the intake form for this record (one blank prior-episode row extra)."""
    team = (CARE_TEAM_FIELD,) if admin else ()
    prior = prior_episode_fields(_prior_count(doc or {}))
    return team + PATIENT_FIELDS + EPISODE_FIELDS + SYMPTOM_FIELDS + HISTORY_FIELDS + prior


def intake_values(doc: Mapping[str, Any] | None, today: dt.date) -> dict[str, str]:
    """The form text for a stored record, or a new patient's defaults."""
    if doc is None:
        return {"assessed_on": today.isoformat(), "sex": "unknown"}
    return flatten(doc, intake_fields(doc))


def _prune(doc: dict[str, Any], key: str) -> None:
    value = doc.get(key)
    if isinstance(value, dict) and not any(v not in (None, {}, []) for v in value.values()):
        doc.pop(key)


def merge_intake(
    doc: Mapping[str, Any] | None, values: Mapping[str, str], fields: tuple[FormField, ...]
) -> dict[str, Any]:
    """The record with the form's fields applied (blank or unknown answers remove the key)."""
    out: dict[str, Any] = copy.deepcopy(dict(doc)) if doc else {}
    out.pop("format", None)
    prior: list[dict[str, Any]] = []
    for field in fields:
        if field.name == CARE_TEAM_FIELD.name:
            continue
        value = convert(field, values.get(field.name))
        if field.name.startswith("history.prior_episodes"):
            continue
        if value is None or value == []:
            delete_path(out, field.name)
        else:
            set_path(out, field.name, value)
    # Prior episodes are rebuilt from the rows filled in; an emptied row is a removed episode.
    rows = len([f for f in fields if f.name.startswith("history.prior_episodes")]) // 2
    for row in range(rows):
        start = values.get(f"history.prior_episodes[{row}].start", "").strip()
        end = values.get(f"history.prior_episodes[{row}].end", "").strip()
        if start or end:
            episode: dict[str, Any] = {"start": start or None}
            if end:
                episode["end"] = end
            prior.append(episode)
    history = out.setdefault("history", {})
    if prior:
        history["prior_episodes"] = prior
    else:
        history.pop("prior_episodes", None)
    episode_doc = out.get(_EP)
    if isinstance(episode_doc, dict):
        _prune(episode_doc, "symptoms")
    _prune(out, _EP)
    _prune(out, "history")
    return out
