"""Writers queue for their turn (a thread lock and a lock file), readers take no turn at all."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from trdkit.store import Actor, AuditAction, Store, open_store, record_event
from trdkit.store import locking as locking_module
from trdkit.store.engine import SQLITE_FILE
from trdkit.store.locking import LOCK_SUFFIX, LockingConnection, WriteLock
from trdkit.store.models import AuditEvent
from trdkit.store.session import read_only

pytest_plugins = ["store_fixtures"]

WRITERS = 4
EVENTS_EACH = 5
PATIENCE_S = 20.0  # far below a hang, far above a slow machine's few milliseconds


def _write_event(store: Store, who: str) -> None:
    with store.transaction() as session:
        record_event(session, Actor(id=None, username=who), AuditAction.read, "api")


def _events(store: Store) -> int:
    with store.transaction(read_only=True) as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _in_thread(work: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test to assert on
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def _sqlite_store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "data", f"sqlite:///{tmp_path / 'data' / SQLITE_FILE}")


def test_transaction__concurrent_writers_all_commit(store: Store) -> None:
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> Callable[[], None]:
        def work() -> None:
            start.wait(timeout=PATIENCE_S)
            for i in range(EVENTS_EACH):
                _write_event(store, f"w{n}-{i}")

        return work

    threads = [_in_thread(writer(n)) for n in range(WRITERS)]
    for thread, _ in threads:
        thread.join(PATIENCE_S)
    assert all(not t.is_alive() for t, _ in threads)
    assert [e for _, errors in threads for e in errors] == []
    assert _events(store) == WRITERS * EVENTS_EACH


def test_transaction__two_stores_on_one_file_share_the_write_queue(tmp_path: Path) -> None:
    first, second = _sqlite_store(tmp_path), _sqlite_store(tmp_path)
    try:
        with first.transaction() as session:
            record_event(session, Actor(id=None, username="a"), AuditAction.read, "api")
            session.flush()
            thread, errors = _in_thread(lambda: _write_event(second, "b"))
            time.sleep(0.2)
            assert thread.is_alive()  # queued behind the open write transaction
        thread.join(PATIENCE_S)
        assert not thread.is_alive()
        assert errors == []
        assert _events(first) == 2
    finally:
        first.close()
        second.close()


def test_read_only__reads_while_another_connection_holds_a_write_transaction(
    store: Store,
) -> None:
    _write_event(store, "before")
    with store.transaction() as writer:
        record_event(writer, Actor(id=None, username="open"), AuditAction.read, "api")
        writer.flush()
        seen: list[int] = []
        thread, errors = _in_thread(lambda: seen.append(_events(store)))
        thread.join(PATIENCE_S)
        assert not thread.is_alive()  # it did not wait for the writer
        assert errors == []
        assert seen == [1]  # the committed snapshot, not the writer's open work
    assert _events(store) == 2


def test_read_only__sqlite_begins_deferred_without_a_turn(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    try:
        with store.sessions() as session:
            read_only(session)
            session.execute(text("SELECT 1"))
            dbapi = session.connection().connection.dbapi_connection
            assert isinstance(dbapi, LockingConnection)
            assert dbapi.in_transaction
            assert not dbapi.holds_write_lock
            session.commit()
            session.execute(text("SELECT 1"))  # the next transaction is a writer's again
            dbapi = session.connection().connection.dbapi_connection
            assert isinstance(dbapi, LockingConnection)
            assert dbapi.holds_write_lock
            session.commit()
            assert not dbapi.holds_write_lock
    finally:
        store.close()


def test_read_only__leaves_a_transaction_under_way_as_it_is(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    try:
        with store.sessions() as session:
            session.execute(text("SELECT 1"))
            read_only(session)  # too late for this transaction: ignored, no warning
            dbapi = session.connection().connection.dbapi_connection
            assert isinstance(dbapi, LockingConnection)
            assert dbapi.holds_write_lock
            session.rollback()
            assert not dbapi.holds_write_lock
    finally:
        store.close()


def test_transaction__failed_write_hands_the_turn_on(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    try:
        with pytest.raises(RuntimeError), store.transaction() as session:
            record_event(session, Actor(id=None, username="x"), AuditAction.read, "api")
            session.flush()
            raise RuntimeError("boom")
        thread, errors = _in_thread(lambda: _write_event(store, "next"))
        thread.join(PATIENCE_S)
        assert not thread.is_alive()
        assert errors == []
        assert _events(store) == 1
    finally:
        store.close()


@pytest.mark.skipif(locking_module.fcntl is None, reason="no fcntl: no lock file (Windows)")
def test_transaction__writer_waits_for_the_lock_file(tmp_path: Path) -> None:
    fcntl = locking_module.fcntl
    assert fcntl is not None
    store = _sqlite_store(tmp_path)
    lock_file = tmp_path / "data" / (SQLITE_FILE + LOCK_SUFFIX)
    _write_event(store, "first")  # creates the lock file
    assert lock_file.exists()
    # Another open file description conflicts like another process would.
    fd = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        thread, errors = _in_thread(lambda: _write_event(store, "queued"))
        time.sleep(0.3)
        assert thread.is_alive()
        fcntl.flock(fd, fcntl.LOCK_UN)
        thread.join(PATIENCE_S)
        assert not thread.is_alive()
        assert errors == []
        assert _events(store) == 2
    finally:
        os.close(fd)
        store.close()


def test_transaction__without_fcntl_falls_back_to_sqlite_locking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locking_module, "fcntl", None)
    monkeypatch.setattr(locking_module, "_registry", {})
    store = _sqlite_store(tmp_path)
    try:
        threads = [_in_thread(lambda n=n: _write_event(store, f"w{n}")) for n in range(WRITERS)]
        for thread, _ in threads:
            thread.join(PATIENCE_S)
        assert [e for _, errors in threads for e in errors] == []
        assert _events(store) == WRITERS
        assert not (tmp_path / "data" / (SQLITE_FILE + LOCK_SUFFIX)).exists()
    finally:
        store.close()


def test_write_lock__gives_up_after_its_timeout() -> None:
    lock = WriteLock(None, timeout=0.05)
    lock.acquire()
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            lock.acquire()
    finally:
        lock.release()
    lock.acquire()  # free again after release
    lock.release()


def test_write_lock__released_by_another_thread() -> None:
    # A request may end its transaction on another worker thread than the one that began it.
    lock = WriteLock(None, timeout=1.0)
    lock.acquire()
    thread, errors = _in_thread(lock.release)
    thread.join(PATIENCE_S)
    assert errors == []
    lock.acquire()
    lock.release()


def test_write_lock__starts_afresh_after_a_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = WriteLock(tmp_path / "db.lock", timeout=0.05)
    lock.acquire()
    lock.release()
    # A thread of the parent held the turn when the process forked: the child's copy of the
    # thread lock is taken for good, so the child must not use it.
    assert lock._threads.acquire(timeout=1)
    monkeypatch.setattr(os, "getpid", lambda: -1)
    lock.acquire()
    lock.release()
