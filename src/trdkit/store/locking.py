"""Writers to the embedded SQLite database wait in a queue instead of polling for its lock.

SQLite admits one writer at a time. A connection that finds the write lock taken sleeps and
retries (``busy_timeout``) with a growing back-off of up to 100 ms per try, so under load a
waiting writer often sleeps on while the lock is already free again: that sleep, not the work,
made the p99 of the API load benchmark. Here a write transaction first takes its turn on a
:class:`WriteLock` and only then begins ``IMMEDIATE``:

* inside a process, a :class:`threading.Lock` (its wait is bounded: after ``timeout`` seconds the
  transaction fails with "database is locked", as SQLite's own wait would);
* across processes (uvicorn workers, the command line), an exclusive ``fcntl.flock`` on a lock
  file beside the database. The kernel wakes the next waiter as soon as the holder lets go, and
  drops the lock of a process that dies, so a ``kill -9`` leaves no stale lock behind.

The lock is held from just before ``BEGIN IMMEDIATE`` until ``COMMIT`` or ``ROLLBACK`` has
returned (:class:`LockingConnection`). Durability is untouched: SQLite still takes its own locks
and fsyncs every commit; the queue only decides who asks next. Where ``fcntl`` is missing
(Windows) only the in-process lock is used and other processes meet SQLite's own locking.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from types import ModuleType

try:
    import fcntl as _fcntl

    fcntl: ModuleType | None = _fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["LOCK_SUFFIX", "LockingConnection", "WriteLock", "write_lock_for"]

LOCK_SUFFIX = ".lock"


class WriteLock:
    """The turn of one writer to one database file, shared by the threads of a process.

    Parameters
    ----------
    path
        The lock file (created on first use, mode 0600); ``None`` queues the threads of this
        process only.
    timeout
        Seconds a thread waits for the other threads of its process before giving up.
    """

    def __init__(self, path: Path | None, timeout: float = 30.0) -> None:
        self.path = path
        self.timeout = timeout
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = os.getpid()

    def _file(self) -> int | None:
        if self.path is None or fcntl is None:
            return None
        if self._fd is None:
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
            self._fd = os.open(self.path, flags, 0o600)
        return self._fd

    def _after_fork(self) -> None:
        # A forked child shares the parent's open lock file (and so its flock) and a copy of
        # the thread lock in whatever state it was: start afresh with its own.
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._threads = threading.Lock()
            inherited, self._fd = self._fd, None
            if inherited is not None:
                # Closing the child's copy leaves a flock the parent holds in place.
                os.close(inherited)

    def acquire(self) -> None:
        """Wait for this writer's turn.

        Raises
        ------
        sqlite3.OperationalError
            The other threads of this process kept the lock for longer than ``timeout``.
        """
        self._after_fork()
        if not self._threads.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked (waited for the write queue)")
        try:
            fd = self._file()
            if fd is not None and fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        """Hand the turn to the next writer."""
        try:
            if self._fd is not None and fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_registry: dict[str, WriteLock] = {}
_registry_lock = threading.Lock()


def write_lock_for(database: Path, timeout: float = 30.0) -> WriteLock:
    """The process's write lock for the SQLite file ``database`` (one per file, shared).

    Every engine of a process on the same file shares it, so that two stores opened on one
    database queue their writers together.
    """
    path = database.parent.resolve() / (database.name + LOCK_SUFFIX)
    with _registry_lock:
        lock = _registry.get(str(path))
        if lock is None:
            lock = _registry[str(path)] = WriteLock(path, timeout)
        return lock


class LockingConnection(sqlite3.Connection):
    """A pysqlite connection that holds its database's :class:`WriteLock` while writing.

    :meth:`begin_write` takes the lock; ``commit``, ``rollback`` and ``close`` let it go only
    after SQLite has finished, so the next writer never finds SQLite's own lock still taken.
    """

    write_lock: WriteLock | None = None
    _holding: bool = False

    def begin_write(self) -> None:
        """Wait for this connection's turn to write (no-op without a lock or when holding)."""
        if self.write_lock is not None and not self._holding:
            self.write_lock.acquire()
            self._holding = True

    def end_write(self) -> None:
        """Release the turn, if held."""
        if self._holding and self.write_lock is not None:
            self._holding = False
            self.write_lock.release()

    @property
    def holds_write_lock(self) -> bool:
        """Whether this connection holds its database's write turn."""
        return self._holding

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_write()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_write()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_write()
