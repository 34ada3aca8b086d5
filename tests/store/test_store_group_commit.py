"""Group commit: concurrent appends share a transaction, fail alone, and are durable when acked."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from trdkit.store import Actor, AuditAction, Store, open_store, record_event
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
from trdkit.store import Actor, AuditAction, open_store, record_event

store = open_store(Path(sys.argv[1]), upgrade=False)
lock = threading.Lock()

def work(n):
    i = 0
    while True:
        rid = f"t{n}-{i}"
        store.append(lambda s: record_event(s, Actor(None, "w"), AuditAction.read, "api", rid))
        with lock:
            print("ACK", rid, flush=True)
        i += 1

for n in range(8):
    threading.Thread(target=work, args=(n,), daemon=True).start()
threading.Event().wait()
"""


def _event(who: str) -> Callable[[Session], object]:
    return lambda s: record_event(s, Actor(id=None, username=who), AuditAction.read, "api", who)


def _stored(store: Store) -> list[str]:
    with store.transaction(read_only=True) as session:
        return sorted(x or "" for x in session.scalars(select(AuditEvent.resource_id)))


def _sqlite_store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "data", f"sqlite:///{tmp_path / 'data' / SQLITE_FILE}")


def _batched(
    store: Store, last: Callable[[Session], object]
) -> tuple[int, list[BaseException | None]]:
    """The first write holds the committer until five more writes queue behind it, ``last`` among
    them.

    Returns the number of commits and each caller's error (first write first).
    """
    group = GroupCommit(store.sessions)
    commits: list[int] = []
    event.listen(store.engine, "commit", lambda _conn: commits.append(1))
    started, release = threading.Event(), threading.Event()
    errors: list[BaseException | None] = [None] * (FOLLOWERS + 1)

    def first_write(session: Session) -> None:
        started.set()
        release.wait(PATIENCE_S)
        _event("first")(session)

    writes = [first_write] + [_event(f"f{n}") for n in range(FOLLOWERS - 1)] + [last]

    def call(n: int) -> None:
        try:
            group.submit(writes[n])
        except Exception as exc:
            errors[n] = exc

    threads = [threading.Thread(target=call, args=(0,), daemon=True)]
    threads[0].start()
    assert started.wait(PATIENCE_S)
    for n in range(1, FOLLOWERS + 1):
        threads.append(threading.Thread(target=call, args=(n,), daemon=True))
        threads[-1].start()
    deadline = time.monotonic() + PATIENCE_S
    while group.pending() < FOLLOWERS and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(PATIENCE_S)
    assert not any(t.is_alive() for t in threads)
    group.close()
    return len(commits), errors


def test_group_commit__writes_queued_meanwhile_share_one_commit(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    try:
        commits, errors = _batched(store, _event("last"))
        assert errors == [None] * (FOLLOWERS + 1)
        assert commits == 2  # the first alone, then the five that queued behind it
        expected = sorted(["first", "last", *(f"f{n}" for n in range(FOLLOWERS - 1))])
        assert _stored(store) == expected
    finally:
        store.close()


def test_group_commit__a_failing_write_fails_only_its_caller(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)

    def bad(session: Session) -> None:
        session.execute(text("INSERT INTO no_such_table VALUES (1)"))

    try:
        _, errors = _batched(store, bad)
        assert all(e is None for e in errors[:-1])
        assert errors[-1] is not None
        assert "no_such_table" in str(errors[-1])
        assert len(_stored(store)) == FOLLOWERS  # the first and the four good followers
    finally:
        store.close()


def test_append__commits_on_each_back_end(store: Store) -> None:
    threads = [
        threading.Thread(target=store.append, args=(_event(f"e{n}"),), daemon=True)
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE_S)
    with store.transaction(read_only=True) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 8


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
        group = GroupCommit(store.sessions, max_batch=size)
        commits: list[int] = []
        event.listen(store.engine, "commit", lambda _conn: commits.append(1))
        threads = [
            threading.Thread(target=group.submit, args=(_event(f"e{n}"),), daemon=True)
            for n in range(7)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(PATIENCE_S)
        assert len(_stored(store)) == 7
        assert len(commits) >= -(-7 // size)  # no transaction held more than `size` writes
        assert group.pending() == 0
        group.close()
    finally:
        store.close()


def test_group_commit__async_callers_share_commits_and_get_their_own_errors(
    tmp_path: Path,
) -> None:
    store = _sqlite_store(tmp_path)

    def bad(session: Session) -> None:
        session.execute(text("INSERT INTO no_such_table VALUES (1)"))

    async def main() -> list[BaseException | None]:
        writes = [_event(f"a{n}") for n in range(20)] + [bad]
        results = await asyncio.gather(
            *(store.append_async(w) for w in writes), return_exceptions=True
        )
        return [r if isinstance(r, BaseException) else None for r in results]

    try:
        errors = asyncio.run(main())
        assert errors[:-1] == [None] * 20
        assert "no_such_table" in str(errors[-1])
        assert _stored(store) == sorted(f"a{n}" for n in range(20))
    finally:
        store.close()


def test_group_commit__a_cancelled_waiter_still_commits_its_write(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    release = threading.Event()

    def slow(session: Session) -> None:
        release.wait(PATIENCE_S)
        _event("slow")(session)

    async def main() -> None:
        task = asyncio.ensure_future(store.append_async(slow))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        await store.append_async(_event("after"))

    try:
        asyncio.run(main())
        assert _stored(store) == ["after", "slow"]
    finally:
        store.close()


def test_group_commit__close_commits_what_is_queued_and_a_later_write_restarts_it(
    tmp_path: Path,
) -> None:
    store = _sqlite_store(tmp_path)
    group = GroupCommit(store.sessions)
    try:
        group.submit(_event("one"))
        group.close()
        assert group.pending() == 0
        group.submit(_event("two"))  # a new committer thread
        group.close()
        assert _stored(store) == ["one", "two"]
    finally:
        store.close()
