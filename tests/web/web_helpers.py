"""Helpers of the web-app tests: signed-in browsers on the API tests' app (fixture: web_fixtures).

This module puts the API and storage tests' folders on ``sys.path`` first, so the app, its four
users (``alice`` and ``bob``: clinicians of two teams, ``root``: admin, ``rita``: researcher) and
the SQLite template are the API tests' own.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

_TESTS = Path(__file__).resolve().parent.parent
for _folder in ("api", "store"):
    if str(_TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(_TESTS / _folder))

from api_helpers import PASSWORD, Api  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from store_records import example_data, phq9  # noqa: E402

from trdkit.api.auth import CSRF_COOKIE  # noqa: E402

__all__ = ["PASSWORD", "Api", "Web", "example_data", "phq9"]


@dataclass
class Web:
    """The app under test and browsers (test clients with their own cookies) for its users."""

    api: Api
    opened: list[TestClient] = field(default_factory=list)

    def browser(self, name: str | None = None) -> TestClient:
        """A fresh client, signed in as ``name`` through the sign-in page when given."""
        client = TestClient(self.api.app, follow_redirects=False)
        self.opened.append(client)
        if name is not None:
            response = client.post("/login", data={"username": name, "password": PASSWORD})
            assert response.status_code == 303, response.text
        return client

    @staticmethod
    def csrf(client: TestClient) -> str:
        """The CSRF token of the client's session."""
        token = client.cookies.get(CSRF_COOKIE)
        assert token
        return token

    def patient(self, who: str = "alice", name: str = "trd-with-genotypes") -> str:
        """A patient of ``who``'s team from an example record (through the API)."""
        return self.api.new_patient(who, example_data(name))
