"""The mock EHR of the CDS Hooks tests: it signs its calls and serves JWKS and FHIR.

The EHR side is served by one ``httpx.MockTransport``: the JWKS of the ES384 issuer and a FHIR R4
server at ``https://fhir.test/r4`` that holds the patients the test puts there, answers searches
two resources a page (so ``next`` links are followed) and checks the bearer token. The RS384
issuer's key is configured as a static JWKS (offline installations). ``https://down.test`` is
unreachable. The fixtures are in cds_fixtures.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))

from api_helpers import Api
from cds_keys import (
    BASE_URL,
    ES_ISSUER,
    JWKS_URL,
    RS_ISSUER,
    SigningKey,
    endpoint,
    es384,
    jwks,
    mint,
    rs384,
)

from trdkit.cdshooks import CdsConfig, CdsRuntime, TrustedIssuer
from trdkit.cdshooks.models import SUMMARY_MAX

FHIR_BASE = "https://fhir.test/r4"
FHIR_TOKEN = "ehr-access-token-123"
PAGE = 2


@dataclass
class EhrServer:
    """The mock EHR's HTTP side: JWKS and a FHIR server, with every request kept."""

    patients: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def _search(self, request: httpx.Request, kind: str) -> httpx.Response:
        query = parse_qs(urlsplit(str(request.url)).query)
        patient = query.get("patient", [""])[0]
        offset = int(query.get("_offset", ["0"])[0])
        found = [r for r in self.patients.get(patient, []) if r["resourceType"] == kind]
        page = found[offset : offset + PAGE]
        bundle: dict[str, Any] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "entry": [{"resource": r, "search": {"mode": "match"}} for r in page],
        }
        if offset + PAGE < len(found):
            nxt = f"{FHIR_BASE}/{kind}?patient={patient}&_offset={offset + PAGE}"
            bundle["link"] = [{"relation": "next", "url": nxt}]
        return httpx.Response(200, json=bundle)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = str(request.url)
        if url == JWKS_URL:
            return httpx.Response(200, json=jwks(es384()))
        if url.startswith("https://down.test"):
            raise httpx.ConnectError("connection refused", request=request)
        if not url.startswith(FHIR_BASE):
            return httpx.Response(404)
        if request.headers.get("authorization") != f"Bearer {FHIR_TOKEN}":
            return httpx.Response(401, json={"resourceType": "OperationOutcome"})
        path = urlsplit(url).path.removeprefix(urlsplit(FHIR_BASE).path).strip("/")
        if path.startswith("Patient/"):
            pid = path.split("/", 1)[1]
            patient = next(
                (r for r in self.patients.get(pid, []) if r["resourceType"] == "Patient"), None
            )
            return httpx.Response(200, json=patient) if patient else httpx.Response(404)
        return self._search(request, path)

    def fhir_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url).startswith(FHIR_BASE)]


def cds_config(**changes: Any) -> CdsConfig:
    """Two trusted EHRs: ES384 by JWKS URL (and jku), RS384 by a static JWKS."""
    issuers = (
        TrustedIssuer(iss=ES_ISSUER, name="ehr-one", jwks_url=JWKS_URL, jku_allowed=(JWKS_URL,)),
        TrustedIssuer(iss=RS_ISSUER, name="ehr-two", jwks=jwks(rs384())),
    )
    settings: dict[str, Any] = {"service_base_url": BASE_URL, "trusted_issuers": issuers}
    return CdsConfig(**{**settings, **changes})


@dataclass
class MockEhr:
    """Calls the CDS Hooks endpoints of the app under test as an EHR would."""

    api: Api
    server: EhrServer
    runtime: CdsRuntime

    def token(
        self, service_id: str, key: SigningKey | None = None, *, feedback: bool = False, **kw: Any
    ) -> str:
        key = key or es384()
        iss = ES_ISSUER if key.alg.startswith("ES") else RS_ISSUER
        return mint(
            key, iss=kw.pop("iss", iss), aud=kw.pop("aud", endpoint(service_id, feedback)), **kw
        )

    def call(
        self, service_id: str, body: dict[str, Any], *, token: str | None = None, **kw: Any
    ) -> httpx.Response:
        bearer = token if token is not None else self.token(service_id, **kw)
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        return self.api.client.post(f"/cds-services/{service_id}", json=body, headers=headers)

    def feedback(self, service_id: str, items: list[dict[str, Any]], **kw: Any) -> httpx.Response:
        bearer = self.token(service_id, feedback=True, **kw)
        return self.api.client.post(
            f"/cds-services/{service_id}/feedback",
            json={"feedback": items},
            headers={"Authorization": f"Bearer {bearer}"},
        )


def mock_ehr(api: Api) -> Iterator[MockEhr]:
    """Install a CDS runtime talking to a fresh mock EHR on ``api``'s app; remove it after."""
    server = EhrServer()
    http = httpx.Client(transport=httpx.MockTransport(server))
    runtime = CdsRuntime.create(cds_config(), http)
    api.app.state.cds = runtime
    try:
        yield MockEhr(api=api, server=server, runtime=runtime)
    finally:
        del api.app.state.cds
        http.close()


def assert_cards_valid(cards: list[dict[str, Any]]) -> None:
    """Every card obeys the specification's limits."""
    for card in cards:
        assert 0 < len(card["summary"]) <= SUMMARY_MAX < 140
        assert "\n" not in card["summary"]
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"] and card["source"]["url"].startswith("https://")
        assert card["uuid"]
        if card.get("suggestions"):
            assert card["selectionBehavior"] in ("at-most-one", "any")
            for suggestion in card["suggestions"]:
                assert suggestion["label"] and suggestion["uuid"]
                for action in suggestion["actions"]:
                    assert action["type"] in ("create", "update", "delete")
                    assert action["description"]
        for reason in card.get("overrideReasons", []):
            assert reason["code"] and reason["display"]
