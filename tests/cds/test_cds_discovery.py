"""Discovery document shape, CORS, and the routes' place outside the OpenAPI document."""

from __future__ import annotations

import re

from cds_ehr import MockEhr

pytest_plugins = ["cds_fixtures", "api_fixtures", "store_fixtures"]

SERVICES = {
    "trdkit-patient-view": "patient-view",
    "trdkit-order-select": "order-select",
    "trdkit-order-sign": "order-sign",
}


def test_discovery__lists_three_services_with_prefetch(ehr: MockEhr) -> None:
    response = ehr.api.client.get("/cds-services")
    assert response.status_code == 200
    services = response.json()["services"]
    assert {s["id"]: s["hook"] for s in services} == SERVICES
    for service in services:
        assert set(service) <= {"hook", "id", "title", "description", "prefetch"}
        assert service["description"].strip() and service["title"].strip()
        assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
        for template in service["prefetch"].values():
            tokens = re.findall(r"\{\{([^}]+)\}\}", template)
            assert tokens == ["context.patientId"], template


def test_discovery__needs_no_token_and_has_cors(ehr: MockEhr) -> None:
    response = ehr.api.client.get("/cds-services", headers={"Origin": "https://sandbox.test"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Authorization" in response.headers["access-control-allow-headers"]


def test_preflight__answers_cors_for_service_and_feedback(ehr: MockEhr) -> None:
    for path in ("/cds-services", "/cds-services/trdkit-order-sign", "/cds-services/x/feedback"):
        response = ehr.api.client.options(
            path,
            headers={"Origin": "https://sandbox.test", "Access-Control-Request-Method": "POST"},
        )
        assert response.status_code == 204, path
        assert "POST" in response.headers["access-control-allow-methods"]


def test_unknown_service__404_problem_with_cors(ehr: MockEhr) -> None:
    response = ehr.call("no-such-service", {"hook": "patient-view"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["access-control-allow-origin"] == "*"


def test_openapi__cds_routes_left_out(ehr: MockEhr) -> None:
    paths = ehr.api.client.get("/openapi.json").json()["paths"]
    assert not any(p.startswith("/cds-services") for p in paths)
