"""Signing in only reads: a request is authenticated while another writer holds the database."""

from __future__ import annotations

import threading
import time
from typing import Any

from api_helpers import Api
from store_records import example_data

from trdkit.store import Actor, AuditAction, record_event

pytest_plugins = ["api_fixtures", "store_fixtures"]

PATIENCE_S = 20.0


def _request(api: Api, method: str, path: str, **kwargs: Any) -> tuple[threading.Thread, list[Any]]:
    answers: list[Any] = []

    def run() -> None:
        answers.append(api.client.request(method, path, **kwargs))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, answers


def _actions(api: Api) -> list[str]:
    return [e.action for e in api.events()]


def test_current_principal__signs_in_while_a_write_transaction_is_open(api: Api) -> None:
    alice = api.auth("alice")  # before the writer: issuing the token writes too
    with api.store.transaction() as writer:
        record_event(writer, Actor(id=None, username="busy"), AuditAction.read, "api")
        writer.flush()
        thread, answers = _request(api, "GET", "/api/auth/me", headers=alice)
        thread.join(PATIENCE_S)
        # The token lookup did not queue behind the writer (SQLite's busy wait is 30 s).
        assert not thread.is_alive()
    assert answers[0].status_code == 200
    assert answers[0].json()["username"] == "alice"


def test_assess__writer_queued_behind_another_commits_too(sqlite_api: Api) -> None:
    api = sqlite_api
    alice = api.auth("alice")
    with api.store.transaction() as writer:
        record_event(writer, Actor(id=None, username="busy"), AuditAction.read, "api")
        writer.flush()
        thread, answers = _request(api, "POST", "/api/assess", json=example_data(), headers=alice)
        time.sleep(0.3)
        # Signed in and assessed, but its audit event waits for the open write transaction.
        assert thread.is_alive()
    thread.join(PATIENCE_S)
    assert not thread.is_alive()
    assert answers[0].status_code == 200
    assert _actions(api).count("assess") == 1
    assert _actions(api).count("read") == 1
