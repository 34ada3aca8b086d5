"""Group commit: rows appended by concurrent requests share one transaction.

A durable commit waits for the log to reach the disk (SQLite ``synchronous=FULL``: an fsync;
PostgreSQL: a WAL flush), and SQLite commits one writer at a time: with one commit per request
that wait caps the whole server, whatever the CPU. A request whose only write is independent of
everything else (the audit event of a stateless assessment: one new row) can instead hand the
row to :class:`GroupCommit`: the rows waiting at the same time are inserted in one transaction,
one multi-row INSERT per table and one flush, and each caller returns only once the transaction
holding its row has committed.
Nothing is acknowledged earlier than before, and a crash loses only writes whose callers were
still waiting.

One committer thread per process takes the queued rows in arrival order, at most ``max_batch``
at a time, commits them through a plain connection (no ORM session: its bookkeeping would cost
more than the insert) and wakes their callers: a blocking caller through a
:class:`threading.Event` (:meth:`GroupCommit.submit`), a coroutine through its event loop
(:meth:`GroupCommit.submit_async`), so that an ``async`` route waits for its row without
occupying a worker thread. If a shared transaction fails, each of its rows is retried alone, so
that one bad row fails only its own caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Table, insert

from trdkit.store.sqlite_direct import DirectStatements

__all__ = ["MAX_BATCH", "GroupCommit"]

#: Rows per shared transaction at most (bounds the transaction and a caller's extra wait).
MAX_BATCH = 64


@dataclass(eq=False)
class _Job:
    table: Table
    values: dict[str, Any]
    wake: threading.Event | None = None
    loop: asyncio.AbstractEventLoop | None = None
    future: asyncio.Future[None] | None = None
    error: BaseException | None = None

    def finish(self) -> None:
        if self.wake is not None:
            self.wake.set()
        elif self.loop is not None and self.future is not None:
            # A closed loop raises RuntimeError: nobody waits any more.
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(_settle, self.future, self.error)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():  # the waiting request was cancelled meanwhile
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


_STOP = object()


@dataclass(eq=False)
class GroupCommit:
    """Commits the writes of concurrent callers together (see the module's description).

    Parameters
    ----------
    engine
        The store's engine.
    max_batch
        Rows per transaction at most.
    direct
        On SQLite, the driver-level statements (:mod:`trdkit.store.sqlite_direct`) that insert
        a batch of one table's rows.
    """

    engine: Engine
    max_batch: int = MAX_BATCH
    direct: DirectStatements | None = None
    _queue: queue.SimpleQueue[_Job | object] = field(default_factory=queue.SimpleQueue)
    _start: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None
    _pid: int = -1

    def submit(self, table: Table, values: dict[str, Any]) -> None:
        """Insert one row in a transaction, possibly shared; return once it has committed.

        The row must not depend on what other rows are written meanwhile (a new event, not an
        update); it may be inserted twice over (a second time alone when a shared transaction
        failed: the first attempt was rolled back).

        Raises
        ------
        Exception
            Whatever the insert or its commit raised when run alone.
        """
        job = _Job(table, values, wake=threading.Event())
        self._put(job)
        assert job.wake is not None
        job.wake.wait()
        if job.error is not None:
            raise job.error

    async def submit_async(self, table: Table, values: dict[str, Any]) -> None:
        """As :meth:`submit`, awaited in the event loop instead of blocking a thread."""
        loop = asyncio.get_running_loop()
        job = _Job(table, values, loop=loop, future=loop.create_future())
        self._put(job)
        assert job.future is not None
        # Shielded: a cancelled request must not leave its row half-acknowledged; the row
        # still commits, only nobody waits for it.
        await asyncio.shield(job.future)

    def pending(self) -> int:
        """Rows queued and not yet taken by the committer (approximate)."""
        return self._queue.qsize()

    def close(self, timeout: float = 30.0) -> None:
        """Commit what is queued, then stop the committer thread.

        A row submitted while it stops is committed here, or by a new committer thread that a
        later submission starts: none is left waiting.
        """
        thread = self._thread
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            self._queue.put(_STOP)
            thread.join(timeout)
        self._thread = None
        leftovers = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, _Job):
                leftovers.append(item)
        if leftovers:
            self._commit(leftovers)
            for job in leftovers:
                job.finish()

    def _put(self, job: _Job) -> None:
        if self._thread is None or self._pid != os.getpid():
            with self._start:
                if self._pid != os.getpid():
                    # A forked process inherits the queue (maybe with its parent's rows in it)
                    # but not the thread: it starts afresh.
                    self._queue = queue.SimpleQueue()
                    self._pid = os.getpid()
                    self._thread = None
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run_forever, name="trdkit-group-commit", daemon=True
                    )
                    self._thread.start()
        self._queue.put(job)

    def _run_forever(self) -> None:
        source = self._queue
        while True:
            first = source.get()
            if first is _STOP:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    item = source.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                batch.append(item)
            jobs = [job for job in batch if isinstance(job, _Job)]
            try:
                self._commit(jobs)
            except BaseException as exc:  # never leave a caller waiting for a dead thread
                for job in jobs:
                    job.error = job.error or exc
            for job in jobs:
                job.finish()
            if stop:
                return

    def _commit(self, batch: list[_Job]) -> None:
        try:
            self._run(batch)
            return
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
        for job in batch:
            try:
                self._run([job])
            except Exception as exc:
                job.error = exc

    def _run(self, batch: list[_Job]) -> None:
        by_table: dict[Table, list[dict[str, Any]]] = {}
        for job in batch:
            by_table.setdefault(job.table, []).append(job.values)
        if self.direct is not None and len(by_table) == 1:
            [(table, rows)] = by_table.items()
            self.direct.insert_rows(table, rows)
            return
        with self.engine.begin() as connection:
            for table, rows in by_table.items():
                connection.execute(insert(table), rows)
