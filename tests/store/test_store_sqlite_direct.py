"""Driver-level statements on SQLite write and read exactly what SQLAlchemy does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from trdkit.store import Actor, AuditAction, Store, open_store, record_event
from trdkit.store.accounts import create_user, issue_token, lookup_token
from trdkit.store.audit import AUDIT_TABLE, AuditDetail, AuditOutcome, event_values
from trdkit.store.engine import SQLITE_FILE
from trdkit.store.models import AuditEvent
from trdkit.store.sqlite_direct import DirectStatements

_COLUMNS = ("actor_id", "actor", "action", "resource_type", "resource_id", "outcome")


def _store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "data", f"sqlite:///{tmp_path / 'data' / SQLITE_FILE}")


def _values() -> dict[str, object]:
    return event_values(
        Actor(id=7, username="alice", role="clinician"),
        AuditAction.assess,
        "record",
        outcome=AuditOutcome.invalid,
        request_id="req-1",
        detail=AuditDetail(policy="ema_2013", reason="validation"),
    )


def test_sqlite_direct__inserted_row_reads_back_as_an_orm_flushed_one(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        assert store.direct is not None
        before = dt.datetime.now(dt.UTC)
        store.direct.insert_rows(AUDIT_TABLE, [_values()])
        with store.transaction() as session:
            record_event(
                session,
                Actor(id=7, username="alice", role="clinician"),
                AuditAction.assess,
                "record",
                outcome=AuditOutcome.invalid,
                request_id="req-1",
                detail=AuditDetail(policy="ema_2013", reason="validation"),
            )
        with store.transaction(read_only=True) as session:
            direct, orm = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        for name in (*_COLUMNS, "request_id", "detail"):
            assert getattr(direct, name) == getattr(orm, name), name
        assert direct.detail == {"policy": "ema_2013", "reason": "validation"}
        assert direct.at.tzinfo is not None and before <= direct.at <= orm.at  # default filled
    finally:
        store.close()


def test_sqlite_direct__token_read_equals_the_sqlalchemy_read(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        with store.transaction() as session:
            user = create_user(session, "alice", "password-123", "clinician", "team-a")
            secret, _ = issue_token(session, user, "session", dt.timedelta(hours=1))
        through_core = lookup_token(store.engine, secret, "session")
        through_driver = lookup_token(store.engine, secret, "session", store.direct)
        assert through_core is not None and through_driver is not None
        for name in ("id", "kind", "user_id", "csrf_token", "created_at", "expires_at", "revoked"):
            core_value, driver_value = getattr(through_core, name), getattr(through_driver, name)
            assert (core_value, type(core_value)) == (driver_value, type(driver_value)), name
        for name in ("id", "username", "role", "care_team", "is_active", "created_at"):
            core_value = getattr(through_core.user, name)
            driver_value = getattr(through_driver.user, name)
            assert (core_value, type(core_value)) == (driver_value, type(driver_value)), name
        assert lookup_token(store.engine, "not-a-secret", "session", store.direct) is None
        assert lookup_token(store.engine, secret, "bearer", store.direct) is None  # other kind
    finally:
        store.close()


def test_sqlite_direct__a_failed_insert_writes_nothing_and_frees_the_writer_turn(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    try:
        assert store.direct is not None
        good, bad = _values(), {**_values(), "actor": None}  # NOT NULL
        with pytest.raises(Exception, match=r"(?i)not null"):
            store.direct.insert_rows(AUDIT_TABLE, [good, bad])
        with store.transaction() as session:  # would wait 30 s if the turn were still held
            assert session.scalars(select(AuditEvent)).all() == []
        store.direct.insert_rows(AUDIT_TABLE, [good])
        with store.transaction(read_only=True) as session:
            assert len(session.scalars(select(AuditEvent)).all()) == 1
    finally:
        store.close()


def test_sqlite_direct__refuses_other_databases() -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(ValueError, match="SQLite"):
        DirectStatements(engine)
