"""Group commit: small independent writes of concurrent requests share one transaction.

A durable commit waits for the log to reach the disk (SQLite ``synchronous=FULL``: an fsync;
PostgreSQL: a WAL flush), and SQLite commits one writer at a time: with one commit per request
that wait caps the whole server, whatever the CPU. A request whose only write is independent of
everything else (the audit event of a stateless assessment) can instead hand its write to
:class:`GroupCommit`: the writes waiting at the same time go into one transaction with one
flush, and each caller returns only once the transaction holding its write has committed.
Nothing is acknowledged earlier than before, and a crash loses only writes whose callers were
still waiting.

One committer thread per process takes the queued writes in arrival order, at most
``max_batch`` at a time, commits them and wakes their callers: a blocking caller through a
:class:`threading.Event` (:meth:`GroupCommit.submit`), a coroutine through its event loop
(:meth:`GroupCommit.submit_async`), so that an ``async`` route waits for its write without
occupying a worker thread. If a shared transaction fails, each of its writes is retried alone,
so that one bad write fails only its own caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

__all__ = ["MAX_BATCH", "GroupCommit"]

#: Writes per shared transaction at most (bounds the transaction and a caller's extra wait).
MAX_BATCH = 64

Write = Callable[[Session], object]


@dataclass(eq=False)
class _Job:
    write: Write
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
    sessions
        The store's session factory.
    max_batch
        Writes per transaction at most.
    """

    sessions: sessionmaker[Session]
    max_batch: int = MAX_BATCH
    _queue: queue.SimpleQueue[_Job | object] = field(default_factory=queue.SimpleQueue)
    _start: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None
    _pid: int = -1

    def submit(self, write: Write) -> None:
        """Run ``write`` in a transaction, possibly shared; return once it has committed.

        ``write`` adds rows to the session it is given and must not depend on what other
        writes do; it may run twice (a second time alone when a shared transaction failed).

        Raises
        ------
        Exception
            Whatever ``write`` or its commit raised when run alone.
        """
        job = _Job(write, wake=threading.Event())
        self._put(job)
        assert job.wake is not None
        job.wake.wait()
        if job.error is not None:
            raise job.error

    async def submit_async(self, write: Write) -> None:
        """As :meth:`submit`, awaited in the event loop instead of blocking a thread."""
        loop = asyncio.get_running_loop()
        job = _Job(write, loop=loop, future=loop.create_future())
        self._put(job)
        assert job.future is not None
        # Shielded: a cancelled request must not leave its write half-acknowledged; the write
        # still commits, only nobody waits for it.
        await asyncio.shield(job.future)

    def pending(self) -> int:
        """Writes queued and not yet taken by the committer (approximate)."""
        return self._queue.qsize()

    def close(self, timeout: float = 30.0) -> None:
        """Commit what is queued, then stop the committer thread."""
        thread = self._thread
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            self._queue.put(_STOP)
            thread.join(timeout)
        self._thread = None

    def _put(self, job: _Job) -> None:
        # A process forked from one that had a committer has the queue but not the thread.
        if self._thread is None or self._pid != os.getpid():
            with self._start:
                if self._thread is None or self._pid != os.getpid():
                    self._queue = queue.SimpleQueue()
                    self._pid = os.getpid()
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
        with self.sessions() as session, session.begin():
            for job in batch:
                job.write(session)
