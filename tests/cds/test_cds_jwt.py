"""JWT checks of the calling EHR: the valid pass, every broken token is a 401 that says why."""

from __future__ import annotations

import time
from typing import Any

import pytest
from cds_ehr import MockEhr
from cds_keys import (
    ES_ISSUER,
    JWKS_URL,
    endpoint,
    es384,
    hmac_signed,
    mint,
    rs384,
    stranger,
    unsigned,
)
from cds_patients import hook_body

from trdkit.store.models import AuditEvent

pytest_plugins = ["cds_fixtures", "api_fixtures", "store_fixtures"]

SERVICE = "trdkit-patient-view"


def _body() -> dict[str, Any]:
    # No patient data at all (every prefetch key answered "none"): the answer is an empty list.
    prefetch = {
        k: None
        for k in (
            "patient",
            "conditions",
            "medication_requests",
            "medication_statements",
            "observations",
            "questionnaire_responses",
        )
    }
    return hook_body("patient-view", "p-jwt", prefetch=prefetch)


def _refused(ehr: MockEhr, token: str, words: str) -> None:
    response = ehr.call(SERVICE, _body(), token=token)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    problem = response.json()
    assert words in problem["detail"], problem["detail"]
    assert "p-jwt" not in response.text


@pytest.mark.parametrize("key", [es384(), rs384()], ids=["ES384", "RS384"])
def test_call__valid_token_accepted(ehr: MockEhr, key: Any) -> None:
    response = ehr.call(SERVICE, _body(), key=key)
    assert response.status_code == 200, response.text
    assert response.json() == {"cards": []}


def test_call__es384_keys_fetched_once_and_cached(ehr: MockEhr) -> None:
    for _ in range(3):
        assert ehr.call(SERVICE, _body()).status_code == 200
    assert sum(str(r.url) == JWKS_URL for r in ehr.server.requests) == 1


def test_call__expired_token_refused(ehr: MockEhr) -> None:
    token = ehr.token(SERVICE, issued=time.time() - 900, lifetime=300)
    _refused(ehr, token, "expired")


def test_call__wrong_issuer_refused(ehr: MockEhr) -> None:
    _refused(ehr, ehr.token(SERVICE, iss="https://evil.test"), "not trusted")


def test_call__wrong_audience_refused(ehr: MockEhr) -> None:
    _refused(ehr, ehr.token(SERVICE, aud=endpoint("trdkit-order-sign")), "audience")


def test_call__key_of_another_party_refused(ehr: MockEhr) -> None:
    _refused(ehr, ehr.token(SERVICE, key=stranger()), "signature")


@pytest.mark.parametrize(
    "make",
    [hmac_signed, unsigned],
    ids=["HS256", "none"],
)
def test_call__symmetric_or_unsigned_refused(ehr: MockEhr, make: Any) -> None:
    _refused(ehr, make(iss=ES_ISSUER, aud=endpoint(SERVICE)), "not allowed")


def test_call__no_token_refused(ehr: MockEhr) -> None:
    _refused(ehr, "", "Authorization")


def test_call__garbage_token_refused(ehr: MockEhr) -> None:
    _refused(ehr, "not-a-jwt", "not a JWT")


def test_call__missing_jti_refused(ehr: MockEhr) -> None:
    _refused(ehr, ehr.token(SERVICE, drop=("jti",)), "jti")


def test_call__replayed_jti_refused(ehr: MockEhr) -> None:
    token = ehr.token(SERVICE)
    assert ehr.call(SERVICE, _body(), token=token).status_code == 200
    _refused(ehr, token, "replay")


def test_call__jku_not_allowed_refused(ehr: MockEhr) -> None:
    token = ehr.token(SERVICE, headers={"jku": "https://evil.test/jwks"})
    _refused(ehr, token, "jku")
    assert not any("evil.test" in str(r.url) for r in ehr.server.requests)


def test_call__allowed_jku_accepted(ehr: MockEhr) -> None:
    response = ehr.call(SERVICE, _body(), token=ehr.token(SERVICE, headers={"jku": JWKS_URL}))
    assert response.status_code == 200


def test_call__unknown_kid_refused(ehr: MockEhr) -> None:
    key = es384()
    token = mint(key, iss=ES_ISSUER, aud=endpoint(SERVICE), headers={"kid": "rotated-away"})
    _refused(ehr, token, "no key with kid")


def test_call__overlong_lifetime_refused(ehr: MockEhr) -> None:
    _refused(ehr, ehr.token(SERVICE, lifetime=86400), "longer than")


def test_refusal__audited_without_patient_data(ehr_db: MockEhr) -> None:
    ehr_db.call(SERVICE, _body(), token=ehr_db.token(SERVICE, iss="https://evil.test"))
    ehr_db.call(SERVICE, _body(), token=ehr_db.token(SERVICE, issued=time.time() - 900))
    with ehr_db.api.store.transaction() as session:
        events = session.query(AuditEvent).filter_by(outcome="denied").all()
        found = [(e.actor, e.resource_type, e.detail.get("reason"), e.resource_id) for e in events]
    assert found == [
        ("cds:unverified", "cds:patient-view", "bad_credentials", None),
        ("cds:unverified", "cds:patient-view", "expired", None),
    ]
