"""The OpenAPI document: every resource under /api, errors as problem details, bearer auth."""

from __future__ import annotations

from api_helpers import Api

pytest_plugins = ["api_fixtures", "store_fixtures"]

EXPECTED = {
    "/api/health",
    "/api/auth/login",
    "/api/auth/token",
    "/api/auth/logout",
    "/api/auth/me",
    "/api/users",
    "/api/audit",
    "/api/patients",
    "/api/patients/import",
    "/api/patients/{patient_id}",
    "/api/patients/{patient_id}/export",
    "/api/patients/{patient_id}/scales",
    "/api/patients/{patient_id}/scales/{scale_id}",
    "/api/patients/{patient_id}/trials",
    "/api/patients/{patient_id}/trials/{trial_id}",
    "/api/patients/{patient_id}/genotypes",
    "/api/patients/{patient_id}/assessments",
    "/api/patients/{patient_id}/assessments/{assessment_id}",
    "/api/patients/{patient_id}/assessments/{assessment_id}/report",
    "/api/assess",
    "/api/export/deidentified",
}


def test_openapi__served_at_root_with_every_route(sqlite_api: Api) -> None:
    doc = sqlite_api.client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == EXPECTED


def test_openapi__errors_documented_as_problem_json(sqlite_api: Api) -> None:
    doc = sqlite_api.client.get("/openapi.json").json()
    response = doc["paths"]["/api/patients"]["get"]["responses"]["404"]
    assert list(response["content"]) == ["application/problem+json"]
    assert response["content"]["application/problem+json"]["schema"]["$ref"].endswith("/Problem")


def test_openapi__bearer_scheme_declared(sqlite_api: Api) -> None:
    doc = sqlite_api.client.get("/openapi.json").json()
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
