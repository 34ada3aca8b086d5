"""Signing in and out of the web app; pages need a session; changes need the CSRF token."""

from __future__ import annotations

import pytest
from web_a11y import a11y_problems
from web_helpers import Web

from trdkit.api.auth import SESSION_COOKIE

pytest_plugins = ["web_fixtures", "api_fixtures", "store_fixtures"]

PAGES = ("", "/intake", "/visits", "/trials", "/genotypes", "/assessments")


def test_pages__signed_out_redirect_to_login_with_next(web: Web) -> None:
    pid = web.patient()
    client = web.browser()
    for path in ("/patients", "/patients/new", *(f"/patients/{pid}{p}" for p in PAGES)):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/login?next={path}"


def test_pages__signed_out_htmx_gets_hx_redirect(web: Web) -> None:
    response = web.browser().get("/patients", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login?next=/patients"


def test_home__goes_to_patient_list(web: Web) -> None:
    response = web.browser().get("/")
    assert response.status_code == 303 and response.headers["location"] == "/patients"


def test_login__page_is_accessible(web: Web) -> None:
    response = web.browser().get("/login")
    assert response.status_code == 200
    assert a11y_problems(response.text) == []
    assert 'autocomplete="current-password"' in response.text


def test_login__success_sets_session_and_goes_to_next(web: Web) -> None:
    client = web.browser()
    response = client.post(
        "/login", data={"username": "alice", "password": "password-123", "next": "/patients/new"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/patients/new"
    assert SESSION_COOKIE in client.cookies
    assert client.get("/patients/new").status_code == 200
    assert any(e.action == "login" and e.outcome == "success" for e in web.api.events())


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_login__next_outside_the_site_goes_to_list(web: Web, target: str) -> None:
    response = web.browser().post(
        "/login", data={"username": "alice", "password": "password-123", "next": target}
    )
    assert response.headers["location"] == "/patients"


def test_login__wrong_password_shows_error_and_is_audited(web: Web) -> None:
    response = web.browser().post("/login", data={"username": "alice", "password": "nope-nope"})
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    denied = [e for e in web.api.events() if e.action == "login" and e.outcome == "denied"]
    assert denied and denied[-1].actor == "alice"


def test_login__signed_in_user_skips_the_form(web: Web) -> None:
    response = web.browser("alice").get("/login")
    assert response.status_code == 303 and response.headers["location"] == "/patients"


def test_login__first_run_hint_only_with_sole_admin(web: Web) -> None:
    assert "First run" not in web.browser().get("/login").text


def test_logout__ends_the_session(web: Web) -> None:
    client = web.browser("alice")
    response = client.post("/logout", data={"csrf_token": web.csrf(client)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/patients").status_code == 303
    assert any(e.action == "logout" for e in web.api.events())


def test_logout__without_csrf_is_refused(web: Web) -> None:
    client = web.browser("alice")
    response = client.post("/logout")
    assert response.status_code == 403
    assert client.get("/patients").status_code == 200


def test_post__without_csrf_token_is_refused_as_page_and_audited(web: Web) -> None:
    client = web.browser("alice")
    before = web.api.counts()
    response = client.post("/patients", data={"id": "NEW-1", "assessed_on": "2026-01-01"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "CSRF" in response.text
    assert web.api.counts() == before
    assert web.api.events()[-1].detail == {"reason": "csrf"}


def test_post__wrong_csrf_header_is_refused(web: Web) -> None:
    client = web.browser("alice")
    response = client.post(
        "/patients", data={"id": "NEW-1"}, headers={"X-CSRF-Token": "not-the-token"}
    )
    assert response.status_code == 403


def test_post__csrf_in_htmx_header_is_accepted(web: Web) -> None:
    client = web.browser("alice")
    response = client.post(
        "/patients",
        data={"id": "NEW-2", "assessed_on": "2026-01-01", "sex": "female"},
        headers={"X-CSRF-Token": web.csrf(client), "HX-Request": "true"},
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/patients/")


def test_researcher__patient_pages_are_forbidden(web: Web) -> None:
    response = web.browser("rita").get("/patients")
    assert response.status_code == 403
    assert "this needs the role clinician or admin" in response.text
    assert web.api.events()[-1].detail == {"reason": "role"}


def test_api__keeps_json_problems(web: Web) -> None:
    response = web.browser().get("/api/patients")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_page__is_an_html_404(web: Web) -> None:
    response = web.browser("alice").get("/no-such-page")
    assert response.status_code == 404 and "<h1>" in response.text


def test_pages__send_security_headers(web: Web) -> None:
    response = web.browser("alice").get("/patients")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["cache-control"] == "no-store"
