"""No write is half done: a rejected record writes nothing, and a writer killed with SIGKILL
mid-transaction loses nothing it had acknowledged and leaves no partial patient."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from store_records import example_data

from trdkit.record import RecordError, validate_record
from trdkit.store import Store, open_store
from trdkit.store import repository as repo
from trdkit.store.models import AuditEvent, EpisodeRow, Patient, ScaleRow, TrialRow

pytest_plugins = ["store_fixtures"]

WRITER = Path(__file__).with_name("store_writer.py")
ACKS_BEFORE_KILL = 25


def _counts(store: Store) -> dict[str, int]:
    with store.transaction() as session:
        return {
            m.__tablename__: repo.count_rows(session, m)
            for m in (Patient, EpisodeRow, ScaleRow, TrialRow, AuditEvent)
        }


def test_create_patient__invalid_record_writes_nothing(store: Store) -> None:
    data = example_data()
    data["scales"][0]["items"][2] = 4
    before = _counts(store)
    with pytest.raises(RecordError), store.transaction() as session:
        repo.create_patient(session, validate_record(data), "t")
    assert _counts(store) == before


def test_transaction__failure_after_writes_rolls_back_everything(store: Store) -> None:
    before = _counts(store)
    with pytest.raises(RuntimeError), store.transaction() as session:
        repo.create_patient(session, validate_record(example_data()), "t")
        session.flush()  # the rows are in the database, inside the transaction
        raise RuntimeError("crash before commit")
    assert _counts(store) == before


def test_writer__kill_9_loses_no_acknowledged_write(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(WRITER.parent), *sys.path])}
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), db_url, str(tmp_path / "data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    acked: dict[str, int] = {}
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            _, n, patient_id = line.split()
            acked[patient_id] = int(n)
            if len(acked) >= ACKS_BEFORE_KILL:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    assert len(acked) >= ACKS_BEFORE_KILL, err[-2000:]
    assert proc.returncode == -signal.SIGKILL

    store = open_store(tmp_path / "data", db_url, upgrade=False)
    try:
        with store.transaction() as session:
            if session.bind is not None and session.bind.dialect.name == "sqlite":
                assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            stored = set(session.scalars(select(Patient.id)))
            visits = dict(
                session.execute(
                    select(ScaleRow.patient_id, func.count()).group_by(ScaleRow.patient_id)
                ).all()
            )
            audited = set(session.scalars(select(AuditEvent.resource_id)))
    finally:
        store.close()
    assert set(acked) <= stored  # nothing acknowledged is lost
    assert all(visits.get(p) == 5 for p in stored)  # no patient is half written
    assert stored <= audited  # and none without its audit event
