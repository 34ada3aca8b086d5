"""Database back ends for the storage and API tests: SQLite always, PostgreSQL when a server runs.

The PostgreSQL URL comes from ``TRDKIT_TEST_POSTGRES_URL`` or from the file that
``scripts/start-postgres.sh`` writes. Without a server a PostgreSQL test is skipped locally and
FAILS under ``CI=true`` (CI must test both back ends).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from trdkit.store import accounts
from trdkit.store.engine import make_engine
from trdkit.store.migrate import migrate
from trdkit.store.models import Base

BACKENDS = ("sqlite", "postgresql")
_URL_FILE = Path(os.environ.get("TRDKIT_PG_DIR", "/tmp/trdkit-test-postgres")) / "url"


def missing(reason: str) -> None:
    """Fail under CI (the environment must provide it), skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{reason} (CI=true: PostgreSQL must be running; see scripts/start-postgres.sh)"
        )
    pytest.skip(reason)


def postgres_url() -> str | None:
    """The test server's URL, if configured."""
    url = os.environ.get("TRDKIT_TEST_POSTGRES_URL")
    if url:
        return url
    if _URL_FILE.exists():
        return _URL_FILE.read_text(encoding="utf-8").strip() or None
    return None


class PostgresFactory:
    """One migrated database shared by the tests (emptied before each), and fresh empty ones."""

    def __init__(self, base_url: str) -> None:
        self.base = make_url(base_url)
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        self.template = f"trdkit_tpl_{uuid.uuid4().hex[:10]}"
        self._run(f'CREATE DATABASE "{self.template}"')
        engine = make_engine(self.url(self.template))
        migrate(engine)
        engine.dispose()
        self.admin_of_template = create_engine(self.url(self.template))

    def url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _run(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def create(self) -> str:
        name = f"trdkit_t_{uuid.uuid4().hex[:12]}"
        self._run(f'CREATE DATABASE "{name}"')
        return name

    def emptied(self) -> str:
        """The shared migrated database with every table emptied (faster than a new one)."""
        # DELETE beats TRUNCATE by an order of magnitude on tables this small.
        with self.admin_of_template.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
        return self.url(self.template)

    def drop(self, name: str) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self.admin_of_template.dispose()
        self.drop(self.template)
        self.admin.dispose()


def postgres_factory() -> Iterator[PostgresFactory | None]:
    """Session fixture body: a factory, or ``None`` when no server is configured/reachable."""
    url = postgres_url()
    if url is None:
        yield None
        return
    try:
        factory = PostgresFactory(url)
    except Exception as exc:
        print(f"PostgreSQL not usable at the configured URL: {type(exc).__name__}")
        yield None
        return
    yield factory
    factory.close()


def sqlite_template(folder: Path) -> Path:
    """A migrated SQLite database file to copy for each test."""
    path = folder / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


def database_for(
    backend: str,
    tmp_path: Path,
    template: Path,
    factory: PostgresFactory | None,
    *,
    migrated: bool = True,
) -> Iterator[str]:
    """Fixture body: a fresh database URL on ``backend``, removed afterwards."""
    if backend == "sqlite":
        path = tmp_path / "db" / "trdkit.sqlite3"
        path.parent.mkdir()
        if migrated:
            shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    if factory is None:
        missing("PostgreSQL test server not available (run scripts/start-postgres.sh)")
        return
    if migrated:
        yield factory.emptied()
        return
    name = factory.create()
    try:
        yield factory.url(name)
    finally:
        factory.drop(name)


def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for tests (the real cost is tested once, in test_store_accounts)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("dummy"))
