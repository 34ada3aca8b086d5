"""Fixtures of the web-app tests (a plugin module; helpers in web_helpers.py).

Use with ``pytest_plugins = ["web_fixtures", "api_fixtures", "store_fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web_helpers import Api, Web


@pytest.fixture
def web(sqlite_api: Api) -> Iterator[Web]:
    """The web app on SQLite, with a helper for signed-in browsers."""
    handle = Web(api=sqlite_api)
    yield handle
    for client in handle.opened:
        client.close()
