"""Reading and writing patients: create, read, replace, delete, and the record they make up.

Every function works inside the caller's transaction and never commits: the caller (one API
request, one CLI command) commits once, so that the data and its audit event are written together
or not at all. Every write validates first and writes after: a rejected record raises
``RecordError`` before any row is touched. Visits and trials are in :mod:`trdkit.store.entries`,
genotype calls and assessments in :mod:`trdkit.store.results`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from trdkit.record import PatientRecord, Treatment
from trdkit.store.models import EpisodeRow, GenotypeFile, Patient, ScaleRow, TrialRow, utcnow
from trdkit.store.records import assemble_record, dump_part, split_record

__all__ = [
    "DuplicatePatientError",
    "NotFoundError",
    "assemble_patient",
    "count_rows",
    "create_patient",
    "delete_patient",
    "get_patient",
    "list_patients",
    "next_position",
    "patient_record",
    "replace_record",
    "touch",
    "trial_row",
]


class NotFoundError(LookupError):
    """No such resource, or not one the caller may see (the two are not told apart)."""


class DuplicatePatientError(ValueError):
    """The care team already has a patient with this record id."""


def _loaded() -> Any:
    return (
        selectinload(Patient.episodes),
        selectinload(Patient.scales),
        selectinload(Patient.trials),
    )


def get_patient(
    session: Session, patient_id: str, care_team: str | None, *, for_update: bool = False
) -> Patient:
    """The patient with ``patient_id`` in ``care_team`` (``None``: any team), with its parts.

    ``for_update`` locks the row until the transaction ends (PostgreSQL; SQLite transactions
    already hold the database's write lock), so concurrent writes to one patient queue up.

    Raises
    ------
    NotFoundError
        When there is none, or it belongs to another team.
    """
    patient = session.get(Patient, patient_id, options=_loaded(), with_for_update=for_update)
    if patient is None or (care_team is not None and patient.care_team != care_team):
        raise NotFoundError(patient_id)
    return patient


def list_patients(session: Session, care_team: str | None) -> list[Patient]:
    """The patients of ``care_team`` (``None``: all), oldest first, with their parts."""
    query = select(Patient).options(*_loaded()).order_by(Patient.created_at, Patient.id)
    if care_team is not None:
        query = query.where(Patient.care_team == care_team)
    return list(session.scalars(query))


def patient_record(patient: Patient) -> PatientRecord:
    """The patient's whole ``trdkit.patient/1`` record, assembled and validated."""
    return assemble_patient(patient)


def assemble_patient(
    patient: Patient,
    profile: dict[str, Any] | None = None,
    scales: Sequence[dict[str, Any]] | None = None,
    treatments: Sequence[dict[str, Any]] | None = None,
) -> PatientRecord:
    current = next((e.data for e in patient.episodes if e.kind == "current"), None)
    return assemble_record(
        profile if profile is not None else patient.profile,
        current_episode=current,
        prior_episodes=[e.data for e in patient.episodes if e.kind == "prior"],
        scales=list(scales if scales is not None else [s.data for s in patient.scales]),
        treatments=list(treatments if treatments is not None else [t.data for t in patient.trials]),
    )


def _fill(patient: Patient, record: PatientRecord) -> None:
    parts = split_record(record)
    patient.record_id = record.id
    patient.profile = parts.profile
    episodes = []
    if parts.current_episode is not None:
        onset = record.current_episode.onset if record.current_episode else None
        episodes.append(
            EpisodeRow(position=0, kind="current", start=onset, data=parts.current_episode)
        )
    for i, ep in enumerate(parts.prior_episodes, start=1):
        episodes.append(
            EpisodeRow(position=i, kind="prior", start=ep.start, end=ep.end, data=dump_part(ep))
        )
    patient.episodes = episodes
    patient.scales = [
        ScaleRow(position=i, instrument=s.instrument.value, date=s.date, data=dump_part(s))
        for i, s in enumerate(parts.scales)
    ]
    patient.trials = [trial_row(i, t) for i, t in enumerate(parts.treatments)]


def trial_row(position: int, trial: Treatment) -> TrialRow:
    return TrialRow(
        position=position,
        treatment=trial.name,
        start=trial.start,
        end=trial.end,
        data=dump_part(trial),
    )


def _check_unique(session: Session, care_team: str, record_id: str, own_id: str | None) -> None:
    clash = session.scalar(
        select(Patient.id).where(Patient.care_team == care_team, Patient.record_id == record_id)
    )
    if clash is not None and clash != own_id:
        raise DuplicatePatientError(record_id)


def create_patient(session: Session, record: PatientRecord, care_team: str) -> Patient:
    """Store a new patient of ``care_team`` from a validated record."""
    _check_unique(session, care_team, record.id, None)
    patient = Patient(care_team=care_team, record_id=record.id, profile={})
    _fill(patient, record)
    session.add(patient)
    session.flush()
    return patient


def replace_record(session: Session, patient: Patient, record: PatientRecord) -> None:
    """Replace the patient's whole record (its episodes, scales and trials included)."""
    _check_unique(session, patient.care_team, record.id, patient.id)
    _fill(patient, record)
    patient.updated_at = utcnow()
    session.flush()


def delete_patient(session: Session, patient: Patient) -> list[str]:
    """Delete the patient with every part; returns the stored genotype file names to remove."""
    stored = list(
        session.scalars(
            select(GenotypeFile.stored_name).where(GenotypeFile.patient_id == patient.id)
        )
    )
    session.delete(patient)
    session.flush()
    return stored


def next_position(rows: Sequence[ScaleRow] | Sequence[TrialRow]) -> int:
    return max((r.position for r in rows), default=-1) + 1


def touch(patient: Patient, profile: dict[str, Any]) -> None:
    if profile is not patient.profile:
        patient.profile = profile
    patient.updated_at = utcnow()


def count_rows(session: Session, model: type[Any]) -> int:
    """Number of rows of one table (for tests and the health check)."""
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
