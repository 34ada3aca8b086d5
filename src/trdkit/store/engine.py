"""Where the data lives and how to connect: the data directory, the database URL, the engine.

The embedded default is a SQLite file in the data directory, opened in WAL mode with
``synchronous=FULL`` so that a committed transaction survives a crash of the process and of the
machine. PostgreSQL is used when ``TRDKIT_DATABASE_URL`` names it. Every connection is made
through :func:`make_engine`, so both back ends get the same settings everywhere (the server, the
command line and the tests).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "database_url",
    "default_data_dir",
    "make_engine",
    "make_sessionmaker",
]

DATA_DIR_ENV = "TRDKIT_DATA_DIR"
DATABASE_URL_ENV = "TRDKIT_DATABASE_URL"
SQLITE_FILE = "trdkit.sqlite3"


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


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at BEGIN: a read-then-write transaction cannot then fail half-way with
    # "database is locked" when another writer got in first.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` with trdkit's connection settings.

    For a SQLite file the parent directory is created, and every connection is set to WAL,
    ``synchronous=FULL``, foreign keys on, and a 30 s busy timeout; transactions begin
    ``IMMEDIATE``. SQL echo stays off by default: statements carry patient data in parameters.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling is switched off so that BEGIN IMMEDIATE is ours.
        event.listen(
            engine,
            "connect",
            lambda dbapi_connection, _r: setattr(dbapi_connection, "isolation_level", None),
        )
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory; objects stay readable after commit (responses are built after it)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
