"""Fixtures of the CDS Hooks tests (a plugin module): the mock EHR against the application.

Use with ``pytest_plugins = ["cds_fixtures", "api_fixtures", "store_fixtures"]`` after importing
``cds_ehr`` (which puts the API tests' helpers on the path).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_helpers import Api
from cds_ehr import MockEhr, mock_ehr


@pytest.fixture
def ehr(sqlite_api: Api) -> Iterator[MockEhr]:
    """The mock EHR against the app on SQLite (card logic does not depend on the database)."""
    yield from mock_ehr(sqlite_api)


@pytest.fixture
def ehr_db(api: Api) -> Iterator[MockEhr]:
    """The mock EHR against the app on each database back end (feedback, audit)."""
    yield from mock_ehr(api)
