"""Where the data lives and how to connect: the data directory, the database URL, the engine.

The embedded default is a SQLite file in the data directory, opened in WAL mode with
``synchronous=FULL`` so that a committed transaction survives a crash of the process and of the
machine. PostgreSQL is used when ``TRDKIT_DATABASE_URL`` names it. Every connection is made
through :func:`make_engine`, so both back ends get the same settings everywhere (the server, the
command line and the tests).

On SQLite a transaction begins ``IMMEDIATE`` (it holds the write lock from the start) after its
turn in the writers' queue of :mod:`trdkit.store.locking`; a transaction started with the
:data:`READ_ONLY` execution option (see :func:`trdkit.store.session.read_only`) begins
``DEFERRED`` instead and takes no lock at all: under WAL it reads a snapshot beside the writer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from trdkit.store.locking import LockingConnection, WriteLock, write_lock_for

__all__ = [
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "READ_ONLY",
    "SQLITE_POOL_SIZE",
    "database_url",
    "default_data_dir",
    "make_engine",
    "make_sessionmaker",
]

DATA_DIR_ENV = "TRDKIT_DATA_DIR"
DATABASE_URL_ENV = "TRDKIT_DATABASE_URL"
SQLITE_FILE = "trdkit.sqlite3"
#: Execution option: this transaction only reads (SQLite: ``BEGIN DEFERRED``, no write lock;
#: PostgreSQL: a ``READ ONLY`` transaction).
READ_ONLY = "trdkit_read_only"
#: Pooled SQLite connections kept open. Above the server's thread count (40 worker threads), so
#: that connections are reused rather than closed and reopened with their PRAGMAs under load.
SQLITE_POOL_SIZE = 48
_BUSY_TIMEOUT_S = 30


def default_data_dir() -> Path:
    """The data directory: ``TRDKIT_DATA_DIR``, else the per-user data directory of the OS."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("trdkit", appauthor=False))


def database_url(data_dir: Path | None = None, url: str | None = None) -> str:
    """The database URL: ``url``, else ``TRDKIT_DATABASE_URL``, else SQLite in ``data_dir``.

    A bare ``postgresql://`` URL is given the psycopg 3 driver, the one trdkit installs.
    """
    chosen = url or os.environ.get(DATABASE_URL_ENV)
    if chosen:
        if chosen.startswith("postgresql://") or chosen.startswith("postgres://"):
            chosen = "postgresql+psycopg://" + chosen.split("://", 1)[1]
        return chosen
    folder = data_dir if data_dir is not None else default_data_dir()
    return f"sqlite:///{folder / SQLITE_FILE}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers work beside the one writer; FULL fsyncs the log at every commit, so an
    # acknowledged write is on disk before the client hears about it.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN DEFERRED")
        return
    # A writer takes the write lock at BEGIN: a read-then-write transaction cannot then fail
    # half-way with "database is locked" when another writer got in first. It queues for its
    # turn first, so that it does not poll SQLite's lock with back-off sleeps.
    dbapi_connection = conn.connection.dbapi_connection
    turn = dbapi_connection if isinstance(dbapi_connection, LockingConnection) else None
    if turn is not None:
        turn.begin_write()
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if turn is not None:
            turn.end_write()
        raise


def _sqlite_write_lock(path: str) -> WriteLock:
    if path and path != ":memory:" and not path.startswith("file:"):
        return write_lock_for(Path(path), timeout=_BUSY_TIMEOUT_S)
    # An in-memory or URI database: queue this process's threads only.
    return WriteLock(None, timeout=_BUSY_TIMEOUT_S)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` with trdkit's connection settings.

    For a SQLite file the parent directory is created, and every connection is set to WAL,
    ``synchronous=FULL``, foreign keys on, and a 30 s busy timeout. A transaction begins
    ``IMMEDIATE`` once it has its turn in the writers' queue (a lock file beside the database,
    ``<file>.lock``), or ``DEFERRED`` without a turn when it is marked :data:`READ_ONLY`. The pool
    keeps up to :data:`SQLITE_POOL_SIZE` connections open. SQL echo stays off by default:
    statements carry patient data in parameters.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        on_disk = bool(path) and path != ":memory:"
        if on_disk:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_lock = _sqlite_write_lock(path)
        # An in-memory database keeps SQLAlchemy's single-connection pool, which has no size.
        pool: dict[str, Any] = (
            {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_POOL_SIZE} if on_disk else {}
        )
        engine = create_engine(
            url,
            echo=echo,
            connect_args={
                "check_same_thread": False,
                "timeout": _BUSY_TIMEOUT_S,
                "factory": LockingConnection,
            },
            **pool,
        )

        def on_connect(dbapi_connection: Any, record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, record)
            # pysqlite's own transaction handling is switched off so that BEGIN is ours.
            dbapi_connection.isolation_level = None
            if isinstance(dbapi_connection, LockingConnection):
                dbapi_connection.write_lock = write_lock

        event.listen(engine, "connect", on_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory; objects stay readable after commit (responses are built after it)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
