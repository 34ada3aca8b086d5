"""fetch_patient_resources against a mock FHIR server (httpx.MockTransport)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from trdkit.interop import fhir_client
from trdkit.interop.fhir_client import FhirClientError, fetch_patient_resources

BASE = "https://ehr.test/fhir"


def _bundle(resources: list[dict[str, Any]], nxt: str | None = None) -> dict[str, Any]:
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources],
    }
    if nxt:
        bundle["link"] = [{"relation": "self", "url": "x"}, {"relation": "next", "url": nxt}]
    return bundle


def _client(handler: Any) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def _obs(i: int) -> dict[str, Any]:
    return {"resourceType": "Observation", "id": f"o{i}", "status": "final"}


def test_fetch__reads_patient_and_searches_with_token() -> None:
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/fhir/Patient/p1":
            return httpx.Response(200, json={"resourceType": "Patient", "id": "p1"})
        if request.url.path == "/fhir/Condition":
            return httpx.Response(200, json=_bundle([{"resourceType": "Condition", "id": "c1"}]))
        return httpx.Response(200, json=_bundle([]))

    found = fetch_patient_resources(BASE, "p1", token="tok", client=_client(server))
    assert [r["id"] for r in found] == ["p1", "c1"]
    assert {r.headers["authorization"] for r in seen} == {"Bearer tok"}
    assert {r.headers["accept"] for r in seen} == {"application/fhir+json"}
    searched = [r.url.path.rsplit("/", 1)[1] for r in seen[1:]]
    assert searched == list(fhir_client.SEARCHED_TYPES)
    assert all(r.url.params["patient"] == "p1" for r in seen[1:])


def test_fetch__follows_next_links_and_removes_duplicates() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/Patient/p1"):
            return httpx.Response(200, json={"resourceType": "Patient", "id": "p1"})
        if request.url.path.endswith("/Observation"):
            page = int(request.url.params.get("page", "0"))
            nxt = f"{BASE}/Observation?patient=p1&page={page + 1}" if page < 2 else None
            return httpx.Response(200, json=_bundle([_obs(page), _obs(0)], nxt))
        return httpx.Response(200, json=_bundle([]))

    found = fetch_patient_resources(BASE, "p1", client=_client(server))
    assert [r["id"] for r in found] == ["p1", "o0", "o1", "o2"]


def test_fetch__page_limit_reported_not_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fhir_client, "MAX_PAGES", 3)
    calls = {"n": 0}

    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/Patient/p1"):
            return httpx.Response(200, json={"resourceType": "Patient", "id": "p1"})
        if request.url.path.endswith("/Observation"):
            calls["n"] += 1
            nxt = f"{BASE}/Observation?patient=p1&page={calls['n']}"
            return httpx.Response(200, json=_bundle([_obs(calls["n"])], nxt))
        return httpx.Response(200, json=_bundle([]))

    found = fetch_patient_resources(BASE, "p1", client=_client(server))
    assert calls["n"] == 3
    outcome = found[-1]
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "too-costly"


def test_fetch__next_link_to_another_server_refused() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        if request.url.host == "evil.test":
            raise AssertionError("the token went to another server")
        if request.url.path.endswith("/Patient/p1"):
            return httpx.Response(200, json={"resourceType": "Patient", "id": "p1"})
        return httpx.Response(200, json=_bundle([], "https://evil.test/steal?page=2"))

    with pytest.raises(FhirClientError, match="another server"):
        fetch_patient_resources(BASE, "p1", token="secret", client=_client(server))


@pytest.mark.parametrize("status", [401, 403, 404, 500])
def test_fetch__error_status_is_named(status: int) -> None:
    client = _client(lambda request: httpx.Response(status))
    with pytest.raises(FhirClientError) as caught:
        fetch_patient_resources(BASE, "p1", client=client)
    assert caught.value.status == status
    assert str(status) in str(caught.value)


def test_fetch__unreachable_server() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(FhirClientError, match="not reachable"):
        fetch_patient_resources(BASE, "p1", client=_client(server))


def test_fetch__not_fhir_json() -> None:
    client = _client(lambda request: httpx.Response(200, text="<html>login</html>"))
    with pytest.raises(FhirClientError, match="other than JSON"):
        fetch_patient_resources(BASE, "p1", client=client)


@pytest.mark.parametrize("bad", ["../admin", "p 1", "", "a/b"])
def test_fetch__rejects_non_fhir_ids(bad: str) -> None:
    with pytest.raises(ValueError, match="logical id"):
        fetch_patient_resources(BASE, bad, client=_client(lambda r: httpx.Response(200)))
