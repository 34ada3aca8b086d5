"""Fixtures of the storage tests (a plugin module: conftest.py is kept to the root so that
``from conftest import ...`` stays unambiguous): a fresh database on each back end, a store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_backends import (
    BACKENDS,
    PostgresFactory,
    database_for,
    fast_password_hashing,
    postgres_factory,
    sqlite_template,
)

from trdkit.store import Store, open_store


@pytest.fixture(scope="session")
def pg_factory() -> Iterator[PostgresFactory | None]:
    yield from postgres_factory()


@pytest.fixture(scope="session")
def sqlite_tpl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_tpl: Path,
    pg_factory: PostgresFactory | None,
) -> Iterator[str]:
    """A migrated, empty database on each back end."""
    yield from database_for(request.param, tmp_path, sqlite_tpl, pg_factory)


@pytest.fixture(params=BACKENDS)
def empty_db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_tpl: Path,
    pg_factory: PostgresFactory | None,
) -> Iterator[str]:
    """An empty database without any table, on each back end."""
    yield from database_for(request.param, tmp_path, sqlite_tpl, pg_factory, migrated=False)


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "data", db_url)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_password_hashing(monkeypatch)
