"""Signing in and out, bearer tokens, session cookies with CSRF, and roles."""

from __future__ import annotations

import datetime as dt

import pytest
from api_helpers import PASSWORD, Api
from store_records import example_data, phq9

from trdkit.store.accounts import issue_token
from trdkit.store.models import User

pytest_plugins = ["api_fixtures", "store_fixtures"]


def _problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["title"] and body["type"]
    return body


def test_token__issued_for_right_password_and_works(api: Api) -> None:
    response = api.client.post("/api/auth/token", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["user"]["role"] == "clinician"
    me = api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == "alice"


def test_token__wrong_password_is_401_and_audited(api: Api) -> None:
    response = api.client.post("/api/auth/token", json={"username": "alice", "password": "nope!"})
    body = _problem(response, 401)
    assert body["type"] == "urn:trdkit:problem:unauthenticated"
    last = api.events()[-1]
    assert (last.actor, last.outcome, last.detail) == (
        "alice",
        "denied",
        {"reason": "bad_credentials"},
    )


def test_token__unknown_username_is_not_recorded(api: Api) -> None:
    api.client.post("/api/auth/token", json={"username": "Jane Doe", "password": "whatever"})
    assert api.events()[-1].actor == "anonymous"
    assert "Jane" not in str([(e.actor, e.detail) for e in api.events()])


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic YWxpY2U6eA=="}],
    ids=["none", "unknown-token", "wrong-scheme"],
)
def test_patients__without_valid_credentials_is_401(api: Api, headers: dict[str, str]) -> None:
    body = _problem(api.client.get("/api/patients", headers=headers), 401)
    assert "sign in" in str(body["detail"]) or "token" in str(body["detail"])
    assert api.events()[-1].outcome == "denied"


def test_token__expired_is_401(api: Api) -> None:
    with api.store.transaction() as session:
        user = session.query(User).filter_by(username="alice").one()
        secret, _ = issue_token(session, user, "bearer", dt.timedelta(seconds=-5))
    _problem(api.client.get("/api/patients", headers={"Authorization": f"Bearer {secret}"}), 401)


def test_logout__revokes_the_token(api: Api) -> None:
    headers = api.auth("alice")
    assert api.client.post("/api/auth/logout", headers=headers).status_code == 204
    _problem(api.client.get("/api/patients", headers=headers), 401)


def test_login__sets_httponly_session_cookie_and_csrf(api: Api) -> None:
    response = api.client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("trdkit_session="))
    assert "HttpOnly" in session and "samesite=lax" in session.lower()
    assert response.json()["csrf_token"] == api.client.cookies.get("trdkit_csrf")


def test_session__safe_request_needs_no_csrf_but_a_write_does(api: Api) -> None:
    login = api.client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    assert api.client.get("/api/patients").status_code == 200
    before = api.counts()
    body = _problem(api.client.post("/api/patients", json=example_data()), 403)
    assert body["type"] == "urn:trdkit:problem:csrf"
    assert api.counts() == before
    assert api.events()[-1].detail == {"reason": "csrf"}
    wrong = api.client.post("/api/patients", json=example_data(), headers={"X-CSRF-Token": "x"})
    _problem(wrong, 403)
    odd = api.client.post(
        "/api/patients", json=example_data(), headers={"X-CSRF-Token": b"\xe9t\xe9"}
    )
    _problem(odd, 403)  # a non-ASCII token is refused, not an error
    ok = api.client.post("/api/patients", json=example_data(), headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201


def test_session__csrf_token_accepted_as_form_field(api: Api, shared_dir: object) -> None:
    from pathlib import Path

    assert isinstance(shared_dir, Path)
    login = api.client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    patient = api.client.post("/api/patients", json=example_data(), headers={"X-CSRF-Token": csrf})
    pid = patient.json()["id"]
    vcf = (shared_dir / "data/pgx/examples/pcat_docs_example/input.vcf").read_bytes()
    files = {"file": ("input.vcf", vcf, "text/plain")}
    refused = api.client.post(f"/api/patients/{pid}/genotypes", files=files)
    _problem(refused, 403)
    accepted = api.client.post(
        f"/api/patients/{pid}/genotypes", files=files, data={"csrf_token": csrf}
    )
    assert accepted.status_code == 201, accepted.text


def test_session__logout_ends_session(api: Api) -> None:
    login = api.client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    assert api.client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    _problem(api.client.get("/api/patients"), 401)


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("rita", "GET", "/api/patients"),
        ("rita", "POST", "/api/assess"),
        ("alice", "GET", "/api/users"),
        ("alice", "GET", "/api/audit"),
        ("alice", "GET", "/api/export/deidentified"),
        ("bob", "POST", "/api/users"),
    ],
)
def test_roles__forbidden_is_403_and_audited(api: Api, who: str, method: str, path: str) -> None:
    response = api.client.request(method, path, headers=api.auth(who), json={})
    body = _problem(response, 403)
    assert "role" in str(body["detail"])
    last = api.events()[-1]
    assert (last.actor, last.outcome, last.detail) == (who, "denied", {"reason": "role"})


def test_researcher__cannot_write_patient_data(api: Api) -> None:
    pid = api.new_patient()
    rita = api.auth("rita")
    before = api.counts()
    assert (
        api.client.post(
            f"/api/patients/{pid}/scales", json=phq9("2026-10-01"), headers=rita
        ).status_code
        == 403
    )
    assert api.client.delete(f"/api/patients/{pid}", headers=rita).status_code == 403
    assert api.counts() == before
