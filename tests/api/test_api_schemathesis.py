"""schemathesis against the OpenAPI document (a bounded run): no server error, and every
response matches its documented status, media type and schema."""

from __future__ import annotations

from typing import Any

import schemathesis
from api_helpers import Api, shared_app
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytest_plugins = ["api_fixtures", "store_fixtures"]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The document does not depend on the data, so it is loaded once from the shared application;
# each test's `api` fixture gives that application its own database.
schema = schemathesis.openapi.from_asgi("/openapi.json", shared_app())


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_schemathesis__conforms(case: Any, api: Api) -> None:
    if "patient_id" in (case.path_parameters or {}):
        # A real patient, so that the generated bodies reach validation, not only the 404.
        case.path_parameters["patient_id"] = _patient(api)
    response = case.call(headers=api.auth("alice"))
    case.validate_response(response, checks=CHECKS)


def _patient(api: Api) -> str:
    with api.store.transaction() as session:
        from trdkit.store.models import Patient

        found = session.query(Patient.id).filter_by(care_team="team-a").first()
    return found[0] if found else api.new_patient()
