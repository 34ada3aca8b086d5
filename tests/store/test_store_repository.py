"""Patients stored in parts and assembled again: the record survives the round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_records import EXAMPLES, example_data, phq9

from trdkit.record import PatientRecord, RecordError, load_record, validate_record
from trdkit.store import Store
from trdkit.store import repository as repo
from trdkit.store.entries import add_scale, add_trial, delete_entry, replace_trial
from trdkit.store.models import ScaleRow
from trdkit.store.records import record_document, split_record

pytest_plugins = ["store_fixtures"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_repository__every_example_round_trips(store: Store, path: Path) -> None:
    record = load_record(path)
    with store.transaction() as session:
        patient_id = repo.create_patient(session, record, "team-a").id
    with store.transaction() as session:
        again = repo.patient_record(repo.get_patient(session, patient_id, "team-a"))
    assert again == record
    assert record_document(again) == record_document(record)


def test_repository__other_team_cannot_get_patient(store: Store) -> None:
    record = validate_record(example_data())
    with store.transaction() as session:
        patient_id = repo.create_patient(session, record, "team-a").id
    with store.transaction() as session, pytest.raises(repo.NotFoundError):
        repo.get_patient(session, patient_id, "team-b")
    with store.transaction() as session:
        assert repo.get_patient(session, patient_id, None).care_team == "team-a"
        assert repo.list_patients(session, "team-b") == []
        assert len(repo.list_patients(session, None)) == 1


def test_repository__duplicate_record_id_in_team_is_refused(store: Store) -> None:
    record = validate_record(example_data())
    with store.transaction() as session:
        repo.create_patient(session, record, "team-a")
    with store.transaction() as session, pytest.raises(repo.DuplicatePatientError):
        repo.create_patient(session, record, "team-a")
    with store.transaction() as session:
        repo.create_patient(session, record, "team-b")  # another team's own numbering
        assert len(repo.list_patients(session, None)) == 2


def test_entries__scale_added_after_assessed_on_moves_it(store: Store) -> None:
    record = validate_record(example_data())  # assessed_on 2026-11-02
    later = min(dt.date.today(), dt.date(2026, 11, 20))
    with store.transaction() as session:
        patient = repo.create_patient(session, record, "t")
        add_scale(session, patient, phq9(later.isoformat()))
    with store.transaction() as session:
        again = repo.patient_record(repo.get_patient(session, patient.id, "t"))
    assert again.assessed_on == later
    assert again.scales[-1].date == later


def test_entries__future_scale_is_refused_naming_the_field(store: Store) -> None:
    record = validate_record(example_data())
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with store.transaction() as session:
        patient = repo.create_patient(session, record, "t")
        with pytest.raises(RecordError) as caught:
            add_scale(session, patient, phq9(tomorrow.isoformat()))
    assert [i.path for i in caught.value.issues] == ["date"]


def test_entries__invalid_item_names_the_item(store: Store) -> None:
    record = validate_record(example_data())
    with store.transaction() as session:
        patient = repo.create_patient(session, record, "t")
        with pytest.raises(RecordError) as caught:
            add_scale(session, patient, phq9("2026-10-01", [1, 1, 7, 1, 1, 1, 1, 1, 0]))
    assert caught.value.issues[0].path == "items[2]"
    assert "0-3" in caught.value.issues[0].message


def test_entries__trial_replace_and_delete_keep_order(store: Store) -> None:
    record = validate_record(example_data())
    n = len(record.treatments)
    with store.transaction() as session:
        patient = repo.create_patient(session, record, "t")
        row = add_trial(session, patient, {"drug": "Zoloft", "dose_mg_per_day": 50})
        assert row.data["drug"] == "sertraline"
        first = patient.trials[0]
        data = {**first.data, "outcome": "response"}
        replace_trial(session, patient, first.id, data)
        delete_entry(session, patient, "trial", row.id)
    with store.transaction() as session:
        again = repo.patient_record(repo.get_patient(session, patient.id, "t"))
    assert len(again.treatments) == n
    assert again.treatments[0].outcome.value == "response"


def test_repository__delete_patient_removes_every_part(store: Store) -> None:
    record = validate_record(example_data())
    with store.transaction() as session:
        patient = repo.create_patient(session, record, "t")
    with store.transaction() as session:
        repo.delete_patient(session, repo.get_patient(session, patient.id, "t"))
    with store.transaction() as session:
        assert repo.count_rows(session, ScaleRow) == 0
        assert repo.list_patients(session, None) == []


def test_split_record__parts_hold_no_repeated_lists() -> None:
    record = validate_record(example_data())
    parts = split_record(record)
    assert "scales" not in parts.profile and "treatments" not in parts.profile
    assert "prior_episodes" not in parts.profile.get("history", {})
    assert len(parts.scales) == len(record.scales)


_days = st.integers(min_value=0, max_value=400)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offsets=st.lists(_days, min_size=1, max_size=6))
def test_entries__any_visit_order_assembles_a_valid_record(offsets: list[int]) -> None:
    # In-memory SQLite: the property is about the assembly, not the back end.
    from trdkit.store import open_store

    base = validate_record({"id": "p", "assessed_on": "2026-06-01"})
    store = open_store(Path("/nonexistent-unused"), "sqlite://")
    try:
        with store.transaction() as session:
            patient = repo.create_patient(session, base, "t")
            for days in offsets:
                add_scale(
                    session, patient, phq9((dt.date(2025, 1, 1) + dt.timedelta(days)).isoformat())
                )
            record: PatientRecord = repo.patient_record(patient)
        assert [s.date for s in record.scales] == [
            dt.date(2025, 1, 1) + dt.timedelta(d) for d in offsets
        ]
        assert record.assessed_on == max(dt.date(2026, 6, 1), *(s.date for s in record.scales))
    finally:
        store.close()
