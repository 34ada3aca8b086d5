"""Helpers of the API tests: the four users and the ``Api`` handle (fixtures: api_fixtures.py).

``alice`` and ``bob`` are clinicians of ``team-a`` and ``team-b``, ``root`` is an admin and
``rita`` a researcher; ``api.auth(name)`` gives bearer-token headers for one of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))

from store_records import example_data

from trdkit.api import Settings, create_app
from trdkit.store import Store
from trdkit.store import repository as repo
from trdkit.store.accounts import issue_token
from trdkit.store.engine import make_engine, make_sessionmaker
from trdkit.store.models import (
    AssessmentRow,
    AuditEvent,
    AuthToken,
    EpisodeRow,
    GenotypeCallRow,
    GenotypeFile,
    Patient,
    ScaleRow,
    TrialRow,
    User,
)

USERS = {
    "alice": ("clinician", "team-a"),
    "bob": ("clinician", "team-b"),
    "root": ("admin", None),
    "rita": ("researcher", None),
}
PASSWORD = "password-123"
DATA_TABLES = (
    Patient,
    EpisodeRow,
    ScaleRow,
    TrialRow,
    GenotypeFile,
    GenotypeCallRow,
    AssessmentRow,
)


@functools.cache
def shared_app() -> FastAPI:
    """One application for the session (building one takes ~0.2 s). Each test swaps in its own
    store and settings, which the routes read from ``app.state`` on every request; the
    placeholder store here is never used."""
    engine = make_engine("sqlite://")
    placeholder = Store(
        engine=engine, sessions=make_sessionmaker(engine), data_dir=Path("/nonexistent")
    )
    return create_app(Settings(data_dir=Path("/nonexistent")), store=placeholder)


@dataclass
class Api:
    """The app under test, its client and store, and helpers."""

    app: FastAPI
    client: TestClient
    store: Store
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, name: str) -> dict[str, str]:
        """Bearer headers for one of the four users (one token per user per test)."""
        if name not in self.tokens:
            with self.store.transaction() as session:
                user = session.query(User).filter_by(username=name).one()
                secret, _ = issue_token(session, user, "bearer", dt.timedelta(hours=1))
            self.tokens[name] = secret
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def new_patient(self, who: str = "alice", data: dict[str, Any] | None = None) -> str:
        """Create a patient through the API; returns its id."""
        response = self.client.post(
            "/api/patients", json=data or example_data(), headers=self.auth(who)
        )
        assert response.status_code == 201, response.text
        patient_id: str = response.json()["id"]
        return patient_id

    def counts(self) -> dict[str, int]:
        """Rows in every table of patient data."""
        with self.store.transaction() as session:
            return {m.__tablename__: repo.count_rows(session, m) for m in DATA_TABLES}

    def events(self) -> list[AuditEvent]:
        """Every audit event, oldest first."""
        with self.store.transaction() as session:
            return list(session.query(AuditEvent).order_by(AuditEvent.id))

    def token_rows(self) -> int:
        with self.store.transaction() as session:
            return repo.count_rows(session, AuthToken)
