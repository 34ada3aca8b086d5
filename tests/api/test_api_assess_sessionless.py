"""``POST /api/assess`` signs callers in without a session (sessionless_principal): the same
answers and audit events as every other route, for each way of signing in or failing to."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from api_helpers import PASSWORD, Api
from sqlalchemy import update
from store_records import example_data

from trdkit.api.app import SWITCH_INTERVAL_S
from trdkit.store.models import AuthToken, User

pytest_plugins = ["api_fixtures", "store_fixtures"]


def _last(api: Api) -> tuple[str, str, str, dict[str, str]]:
    event = api.events()[-1]
    return event.actor, event.action, event.outcome, event.detail


def test_sessionless_assess__bearer_token_is_audited_with_policy(api: Api) -> None:
    response = api.client.post("/api/assess", json=example_data(), headers=api.auth("alice"))
    assert response.status_code == 200, response.text
    actor, action, outcome, detail = _last(api)
    assert (actor, action, outcome) == ("alice", "assess", "success")
    assert set(detail) == {"policy"}


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "no_credentials"),
        ({"Authorization": "Bearer not-a-token"}, "bad_credentials"),
        ({"Authorization": "Basic YWxpY2U6eA=="}, "bad_credentials"),
    ],
)
def test_sessionless_assess__without_valid_credentials_is_401_and_audited(
    api: Api, headers: dict[str, str], reason: str
) -> None:
    response = api.client.post("/api/assess", json=example_data(), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _last(api) == ("anonymous", "create", "denied", {"reason": reason})


@pytest.mark.parametrize("change", ["revoked", "expired", "deactivated"])
def test_sessionless_assess__a_dead_token_is_refused_at_once(api: Api, change: str) -> None:
    headers = api.auth("alice")
    assert api.client.post("/api/assess", json=example_data(), headers=headers).status_code == 200
    with api.store.transaction() as session:
        if change == "revoked":
            session.execute(update(AuthToken).values(revoked=True))
        elif change == "expired":
            past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            session.execute(update(AuthToken).values(expires_at=past))
        else:
            session.execute(update(User).where(User.username == "alice").values(is_active=False))
    response = api.client.post("/api/assess", json=example_data(), headers=headers)
    assert response.status_code == 401
    assert _last(api)[2:] == ("denied", {"reason": "bad_credentials"})


def test_sessionless_assess__session_cookie_needs_the_csrf_header(api: Api) -> None:
    login = api.client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    refused = api.client.post("/api/assess", json=example_data())
    assert refused.status_code == 403
    assert _last(api) == ("alice", "create", "denied", {"reason": "csrf"})
    accepted = api.client.post("/api/assess", json=example_data(), headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 200, accepted.text
    assert _last(api)[:3] == ("alice", "assess", "success")


def test_sessionless_assess__invalid_record_is_audited_as_invalid(api: Api) -> None:
    data = example_data()
    data["sex"] = "F"
    response = api.client.post("/api/assess", json=data, headers=api.auth("alice"))
    assert response.status_code == 422
    assert _last(api) == ("alice", "assess", "invalid", {"reason": "validation"})


def test_sessionless_assess__unknown_policy_names_the_query_field(api: Api) -> None:
    response = api.client.post(
        "/api/assess?policy=no_such_policy", json=example_data(), headers=api.auth("alice")
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.policy"


def test_serving__lifespan_shortens_the_thread_switch_interval(api: Api) -> None:
    # The fixture's client has run the application's start-up.
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S)
    assert SWITCH_INTERVAL_S < 0.005  # shorter than Python's default
