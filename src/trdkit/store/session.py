"""The ``Store``: one database (engine and session factory) and one data directory.

Every unit of work is one transaction: :meth:`Store.transaction` commits when the block ends and
rolls everything back when it raises, so a rejected request writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from trdkit.store.engine import database_url, default_data_dir, make_engine, make_sessionmaker
from trdkit.store.migrate import migrate

__all__ = ["Store", "open_store"]


@dataclass
class Store:
    """An open database with its data directory (uploaded files live under it)."""

    engine: Engine
    sessions: sessionmaker[Session]
    data_dir: Path

    @property
    def genotype_dir(self) -> Path:
        """Where uploaded genotype files are kept (created on first use)."""
        folder = self.data_dir / "genotypes"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed at the end, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        """Release every pooled connection."""
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
