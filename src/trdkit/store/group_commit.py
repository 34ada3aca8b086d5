"""Group commit: small independent writes of concurrent requests share one transaction.

A durable SQLite commit waits for an fsync of the log (``synchronous=FULL``), a few
milliseconds on an ordinary disk, and SQLite commits one writer at a time: with one commit per
request that fsync caps the whole server at a few hundred requests per second, whatever the
CPU. A request whose only write is independent of everything else (the audit event of a
stateless assessment) can instead hand its write to :class:`GroupCommit`: the writes waiting at
the same time go into one transaction with one fsync, and each caller returns only once the
transaction holding its write has committed. Nothing is acknowledged earlier than before, and a
crash loses only writes whose callers were still waiting.

The first caller to find no batch under way leads: it commits everything queued by then (its own
write first), wakes the callers it committed for and hands the lead to the oldest caller still
waiting. There is no background thread. If a shared transaction fails, each of its writes is
retried alone, so that one bad write fails only its own caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

__all__ = ["MAX_BATCH", "GroupCommit"]

#: Writes per shared transaction at most (bounds the transaction and the leader's extra wait).
MAX_BATCH = 64

Write = Callable[[Session], object]


@dataclass(eq=False)
class _Job:
    write: Write
    wake: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    done: bool = False
    error: BaseException | None = None


class GroupCommit:
    """Commits the writes of concurrent callers together (see the module's description).

    Parameters
    ----------
    sessions
        The store's session factory.
    max_batch
        Writes per transaction at most.
    """

    def __init__(self, sessions: sessionmaker[Session], max_batch: int = MAX_BATCH) -> None:
        self._sessions = sessions
        self._max_batch = max_batch
        self._mutex = threading.Lock()
        self._queue: list[_Job] = []
        self._busy = False

    def submit(self, write: Write) -> None:
        """Run ``write`` in a transaction, possibly shared; return once it has committed.

        ``write`` adds rows to the session it is given and must not depend on what other
        writes do; it may run twice (a second time alone when a shared transaction failed).

        Raises
        ------
        Exception
            Whatever ``write`` or its commit raised when run alone.
        """
        job = _Job(write)
        with self._mutex:
            self._queue.append(job)
            if not self._busy:
                self._busy = True
                job.lead = True
        while not job.done:
            if job.lead:
                self._lead()
            else:
                job.wake.wait()
        if job.error is not None:
            raise job.error

    def _lead(self) -> None:
        with self._mutex:
            batch = self._queue[: self._max_batch]
            del self._queue[: len(batch)]
        completed = False
        try:
            self._commit(batch)
            completed = True
        finally:
            with self._mutex:
                successor = self._queue[0] if self._queue else None
                if successor is None:
                    self._busy = False
                else:
                    successor.lead = True
            for job in batch:
                if not completed and job.error is None:
                    # Never let a caller take an interrupted commit for a durable one.
                    job.error = RuntimeError("the shared commit was interrupted")
                job.done = True
                job.wake.set()
            if successor is not None:
                successor.wake.set()

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
        with self._sessions() as session, session.begin():
            for job in batch:
                job.write(session)
