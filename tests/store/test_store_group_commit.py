"""Group commit: concurrent appends share a transaction, fail alone, and are durable when acked."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from trdkit.store import Actor, AuditAction, Store, open_store
from trdkit.store.audit import AUDIT_TABLE, event_values
from trdkit.store.engine import SQLITE_FILE
from trdkit.store.group_commit import GroupCommit
from trdkit.store.models import AuditEvent

pytest_plugins = ["store_fixtures"]

PATIENCE_S = 20.0
FOLLOWERS = 5
ACKS_BEFORE_KILL = 60

_WRITER = """
import sys, threading
from pathlib import Path
from trdkit.store import Actor, AuditAction, open_store
from trdkit.store.audit import AUDIT_TABLE, event_values

store = open_store(Path(sys.argv[1]), upgrade=False)
lock = threading.Lock()

def work(n):
    i = 0
    while True:
        rid = f"t{n}-{i}"
        store.append(AUDIT_TABLE, event_values(Actor(None, "w"), AuditAction.read, "api", rid))
        with lock:
            print("ACK", rid, flush=True)
        i += 1

for n in range(8):
    threading.Thread(target=work, args=(n,), daemon=True).start()
threading.Event().wait()
"""


def _row(who: str) -> dict[str, Any]:
    return event_values(Actor(id=None, username=who), AuditAction.read, "api", who)


def _bad_row() -> dict[str, Any]:
    return {**_row("bad"), "actor": None}  # the column is NOT NULL


def _stored(store: Store) -> list[str]:
    with store.transaction(read_only=True) as session:
        return sorted(x or "" for x in session.scalars(select(AuditEvent.resource_id)))


def _sqlite_store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "data", f"sqlite:///{tmp_path / 'data' / SQLITE_FILE}")


@contextmanager
def _writer_busy(store: Store) -> Iterator[None]:
    """Hold the database's write turn, so that the committer waits inside its first batch."""
    with store.transaction() as session:
        session.connection()  # a session begins (and takes the turn) only when first used
        yield


def _wait_until(condition: Any) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert condition()


def _batched(store: Store, last: dict[str, Any]) -> tuple[int, list[BaseException | None]]:
    """The first row's commit waits until five more rows queue behind it, ``last`` among them.

    Returns the number of commits and each caller's error (first row first).
    """
    group = GroupCommit(store.engine)
    commits: list[str] = []
    event.listen(
        store.engine, "commit", lambda _conn: commits.append(threading.current_thread().name)
    )
    rows = [_row("first")] + [_row(f"f{n}") for n in range(FOLLOWERS - 1)] + [last]
    errors: list[BaseException | None] = [None] * (FOLLOWERS + 1)

    def call(n: int) -> None:
        try:
            group.submit(AUDIT_TABLE, rows[n])
        except Exception as exc:
            errors[n] = exc

    threads = [threading.Thread(target=call, args=(n,), daemon=True) for n in range(len(rows))]
    with _writer_busy(store):
        taken = threading.Event()
        event.listen(store.engine, "checkout", lambda *_: taken.set())
        threads[0].start()
        assert taken.wait(PATIENCE_S)  # the committer took the first row and waits its turn
        for thread in threads[1:]:
            thread.start()
        _wait_until(lambda: group.pending() == FOLLOWERS)
    for thread in threads:
        thread.join(PATIENCE_S)
    assert not any(t.is_alive() for t in threads)
    group.close()
    return commits.count("trdkit-group-commit"), errors


def test_group_commit__rows_queued_meanwhile_share_one_commit(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    try:
        commits, errors = _batched(store, _row("last"))
        assert errors == [None] * (FOLLOWERS + 1)
        assert commits == 2  # the first alone, then the five that queued behind it
        expected = sorted(["first", "last", *(f"f{n}" for n in range(FOLLOWERS - 1))])
        assert _stored(store) == expected
    finally:
        store.close()


def test_group_commit__a_failing_row_fails_only_its_caller(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    try:
        _, errors = _batched(store, _bad_row())
        assert all(e is None for e in errors[:-1])
        assert errors[-1] is not None
        assert "actor" in str(errors[-1]).lower()
        assert len(_stored(store)) == FOLLOWERS  # the first and the four good followers
    finally:
        store.close()


def test_append__commits_on_each_back_end(store: Store) -> None:
    threads = [
        threading.Thread(target=store.append, args=(AUDIT_TABLE, _row(f"e{n}")), daemon=True)
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE_S)
    with store.transaction(read_only=True) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 8
        times = list(session.scalars(select(AuditEvent.at)))
    assert all(t is not None and t.tzinfo is not None for t in times)  # the column's default


def test_append__kill_9_loses_no_acknowledged_event(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _sqlite_store(tmp_path).close()  # migrated
    env = {**os.environ, "TRDKIT_DATABASE_URL": ""}
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    acked: set[str] = set()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            acked.add(line.split()[1])
            if len(acked) >= ACKS_BEFORE_KILL:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    assert len(acked) >= ACKS_BEFORE_KILL, err[-2000:]
    store = _sqlite_store(tmp_path)
    try:
        with store.transaction() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert acked <= set(_stored(store))
    finally:
        store.close()


@pytest.mark.parametrize("size", [1, 3])
def test_group_commit__max_batch_bounds_a_transaction(tmp_path: Path, size: int) -> None:
    store = _sqlite_store(tmp_path)
    try:
        group = GroupCommit(store.engine, max_batch=size)
        commits: list[int] = []
        event.listen(store.engine, "commit", lambda _conn: commits.append(1))
        threads = [
            threading.Thread(target=group.submit, args=(AUDIT_TABLE, _row(f"e{n}")), daemon=True)
            for n in range(7)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(PATIENCE_S)
        assert len(_stored(store)) == 7
        assert len(commits) >= -(-7 // size)  # no transaction held more than `size` rows
        assert group.pending() == 0
        group.close()
    finally:
        store.close()


def test_group_commit__async_callers_share_commits_and_get_their_own_errors(
    tmp_path: Path,
) -> None:
    store = _sqlite_store(tmp_path)

    async def main() -> list[BaseException | None]:
        rows = [_row(f"a{n}") for n in range(20)] + [_bad_row()]
        results = await asyncio.gather(
            *(store.append_async(AUDIT_TABLE, r) for r in rows), return_exceptions=True
        )
        return [r if isinstance(r, BaseException) else None for r in results]

    try:
        errors = asyncio.run(main())
        assert errors[:-1] == [None] * 20
        assert "actor" in str(errors[-1]).lower()
        assert _stored(store) == sorted(f"a{n}" for n in range(20))
    finally:
        store.close()


def test_group_commit__a_cancelled_waiter_still_commits_its_row(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)

    async def main() -> None:
        with _writer_busy(store):
            task = asyncio.ensure_future(store.append_async(AUDIT_TABLE, _row("slow")))
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        await store.append_async(AUDIT_TABLE, _row("after"))

    try:
        asyncio.run(main())
        assert _stored(store) == ["after", "slow"]  # the cancelled caller's row is kept
    finally:
        store.close()


def test_group_commit__close_commits_what_is_queued_and_a_later_row_restarts_it(
    tmp_path: Path,
) -> None:
    store = _sqlite_store(tmp_path)
    group = GroupCommit(store.engine)
    try:
        group.submit(AUDIT_TABLE, _row("one"))
        group.close()
        assert group.pending() == 0
        group.submit(AUDIT_TABLE, _row("two"))  # a new committer thread
        group.close()
        assert _stored(store) == ["one", "two"]
    finally:
        store.close()
