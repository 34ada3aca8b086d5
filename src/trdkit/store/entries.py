"""Visits and trials: adding, correcting and deleting the entries of a patient's record.

Each entry is validated on its own (field paths as in the request body) and then as part of the
whole record, before any row is written; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from trdkit.record import FieldIssue, RecordError, ScaleAdministration, Treatment
from trdkit.record.errors import issues_from_validation
from trdkit.store.models import Patient, ScaleRow, TrialRow
from trdkit.store.records import dump_part
from trdkit.store.repository import (
    NotFoundError,
    assemble_patient,
    next_position,
    touch,
    trial_row,
)

__all__ = ["add_scale", "add_trial", "delete_entry", "replace_trial"]


def _validated(model: type[ScaleAdministration] | type[Treatment], data: Any) -> Any:
    if not isinstance(data, dict):
        raise RecordError([FieldIssue("", "expected a JSON object")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RecordError(issues_from_validation(exc, model)) from None


def _not_future(path: str, day: dt.date | None) -> None:
    if day is not None and day > dt.date.today():
        raise RecordError([FieldIssue(path, f"{day} is in the future")])


def _advance(profile: dict[str, Any], day: dt.date | None) -> dict[str, Any]:
    # A visit after the record's assessment date makes the record current as of that visit.
    given = profile.get("assessed_on")
    if day is None or given is None or dt.date.fromisoformat(given) >= day:
        return profile
    return {**profile, "assessed_on": day.isoformat()}


def add_scale(session: Session, patient: Patient, data: Any) -> ScaleRow:
    """Validate and add one scale administration (``assessed_on`` moves up to its date)."""
    scale: ScaleAdministration = _validated(ScaleAdministration, data)
    _not_future("date", scale.date)
    profile = _advance(patient.profile, scale.date)
    entry = dump_part(scale)
    assemble_patient(patient, profile=profile, scales=[*(s.data for s in patient.scales), entry])
    row = ScaleRow(
        position=next_position(patient.scales),
        instrument=scale.instrument.value,
        date=scale.date,
        data=entry,
    )
    patient.scales.append(row)
    touch(patient, profile)
    session.flush()
    return row


def add_trial(session: Session, patient: Patient, data: Any) -> TrialRow:
    """Validate and add one treatment trial."""
    trial: Treatment = _validated(Treatment, data)
    _not_future("start", trial.start)
    profile = _advance(patient.profile, trial.start)
    row = trial_row(next_position(patient.trials), trial)
    assemble_patient(
        patient, profile=profile, treatments=[*(t.data for t in patient.trials), row.data]
    )
    patient.trials.append(row)
    touch(patient, profile)
    session.flush()
    return row


def replace_trial(session: Session, patient: Patient, trial_id: str, data: Any) -> TrialRow:
    """Validate and replace one trial (e.g. its outcome once known)."""
    old = next((t for t in patient.trials if t.id == trial_id), None)
    if old is None:
        raise NotFoundError(trial_id)
    trial: Treatment = _validated(Treatment, data)
    _not_future("start", trial.start)
    profile = _advance(patient.profile, trial.start)
    new = trial_row(old.position, trial)
    assemble_patient(
        patient,
        profile=profile,
        treatments=[new.data if t.id == trial_id else t.data for t in patient.trials],
    )
    old.treatment, old.start, old.end, old.data = new.treatment, new.start, new.end, new.data
    touch(patient, profile)
    session.flush()
    return old


def delete_entry(session: Session, patient: Patient, kind: str, entry_id: str) -> None:
    """Delete one scale administration (``kind='scale'``) or trial (``kind='trial'``)."""
    rows: list[Any] = patient.scales if kind == "scale" else patient.trials
    row = next((r for r in rows if r.id == entry_id), None)
    if row is None:
        raise NotFoundError(entry_id)
    rows.remove(row)
    touch(patient, patient.profile)
    session.flush()
