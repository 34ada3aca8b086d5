"""Fixtures of the API tests: the application on each database back end, with four users.

Use with ``pytest_plugins = ["api_fixtures", "store_fixtures"]`` (this module puts the storage
tests' folder on ``sys.path`` first, through ``api_helpers``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import PASSWORD, USERS, Api
from api_helpers import shared_app as make_shared_app
from fastapi import FastAPI
from fastapi.testclient import TestClient
from store_backends import database_for

from trdkit.api import Settings
from trdkit.store import open_store
from trdkit.store.accounts import create_user


@pytest.fixture(scope="session")
def shared_app() -> FastAPI:
    return make_shared_app()


def _api(db_url: str, tmp_path: Path, app: FastAPI) -> Iterator[Api]:
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url, secret_key="test-key")
    store = open_store(settings.data_dir, db_url, upgrade=False)  # the fixture migrated it
    with store.transaction() as session:
        for name, (role, team) in USERS.items():
            create_user(session, name, PASSWORD, role, team)
    app.state.store = store
    app.state.settings = settings
    with TestClient(app) as client:
        yield Api(app=app, client=client, store=store)
    store.close()


@pytest.fixture
def api(db_url: str, tmp_path: Path, shared_app: FastAPI) -> Iterator[Api]:
    """The application on each back end."""
    yield from _api(db_url, tmp_path, shared_app)


@pytest.fixture
def sqlite_api(tmp_path: Path, sqlite_tpl: Path, shared_app: FastAPI) -> Iterator[Api]:
    """The application on SQLite only, for tests whose subject is not the database."""
    for url in database_for("sqlite", tmp_path, sqlite_tpl, None):
        yield from _api(url, tmp_path, shared_app)
