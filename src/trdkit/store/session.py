"""The ``Store``: one database (engine and session factory) and one data directory.

Every unit of work is one transaction: :meth:`Store.transaction` commits when the block ends and
rolls everything back when it raises, so a rejected request writes nothing. A unit of work that
only reads says so (``store.transaction(read_only=True)`` or :func:`read_only`): on SQLite it
then neither waits for nor blocks the writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table
from sqlalchemy.orm import Session, sessionmaker

from trdkit.store.engine import (
    READ_ONLY,
    database_url,
    default_data_dir,
    make_engine,
    make_sessionmaker,
)
from trdkit.store.group_commit import GroupCommit
from trdkit.store.migrate import migrate
from trdkit.store.sqlite_direct import DirectStatements

__all__ = ["Store", "open_store", "read_only"]

# PostgreSQL is told too: there a write in a read-only transaction fails loudly, which keeps
# SQLite's deferred transactions honest (CI runs the tests on both).
_READ_ONLY_OPTIONS = {READ_ONLY: True, "postgresql_readonly": True}


def read_only(session: Session) -> None:
    """Begin the session's next transaction as read-only, if none is under way.

    On SQLite it begins ``DEFERRED`` and takes no turn in the writers' queue, so it neither waits
    for a writer nor makes one wait; on PostgreSQL it is a ``READ ONLY`` transaction. The
    transaction must not write; end it (commit or rollback) before writing, and the next one
    begins as a writer again. A session already in a transaction is left as it is.
    """
    if not session.in_transaction():
        session.connection(execution_options=_READ_ONLY_OPTIONS)


@dataclass
class Store:
    """An open database with its data directory (uploaded files live under it)."""

    engine: Engine
    sessions: sessionmaker[Session]
    data_dir: Path
    _group: GroupCommit = field(init=False, repr=False, compare=False)
    #: On SQLite, the hot statements run through the driver (:mod:`trdkit.store.sqlite_direct`).
    direct: DirectStatements | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.engine.dialect.name == "sqlite":
            self.direct = DirectStatements(self.engine)
        # Both back ends: SQLite commits one writer at a time, each with its own fsync, and on
        # PostgreSQL one transaction for many appends also saves round trips and log flushes.
        self._group = GroupCommit(self.engine, direct=self.direct)

    @property
    def local(self) -> bool:
        """Whether the database is a local file (SQLite): a read costs no network round trip."""
        return self.engine.dialect.name == "sqlite"

    @property
    def genotype_dir(self) -> Path:
        """Where uploaded genotype files are kept (created on first use)."""
        folder = self.data_dir / "genotypes"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    @contextmanager
    def transaction(self, *, read_only: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed at the end, rolled back on any error.

        With ``read_only`` the transaction must not write (see :func:`read_only`).
        """
        with self.sessions() as session, session.begin():
            if read_only:
                session.connection(execution_options=_READ_ONLY_OPTIONS)
            yield session

    def append(self, table: Table, values: dict[str, Any]) -> None:
        """Insert one independent row, such as an audit event; return once it is durable.

        The transaction may be shared with the rows of concurrent callers, so that many requests
        pay for one log flush (:mod:`trdkit.store.group_commit`); the row must not depend on
        anything else written meanwhile.
        """
        self._group.submit(table, values)

    async def append_async(self, table: Table, values: dict[str, Any]) -> None:
        """As :meth:`append`, awaited in the event loop (no worker thread waits for it)."""
        await self._group.submit_async(table, values)

    def close(self) -> None:
        """Commit the appends still queued, then release every pooled connection."""
        self._group.close()
        self.engine.dispose()


def open_store(
    data_dir: Path | None = None, url: str | None = None, *, upgrade: bool = True
) -> Store:
    """Open (and by default migrate) the database.

    Parameters
    ----------
    data_dir
        The data directory; default ``TRDKIT_DATA_DIR`` or the per-user data directory.
    url
        Database URL; default ``TRDKIT_DATABASE_URL`` or SQLite in ``data_dir``.
    upgrade
        Run the Alembic migrations to the newest revision first.
    """
    folder = data_dir if data_dir is not None else default_data_dir()
    # Private to the service's user: the database, genotype files and secret key live here.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = make_engine(database_url(folder, url))
    if upgrade:
        migrate(engine)
    return Store(engine=engine, sessions=make_sessionmaker(engine), data_dir=folder)
