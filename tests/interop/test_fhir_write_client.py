"""``post_write_back`` against a mock server (httpx.MockTransport): one transaction, earlier
conclusions of the same assessment deleted and nothing else, the token kept to the server named,
refusals as ``FhirWriteError``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fhir_server_data import synthetic_patient

from trdkit import assess
from trdkit.interop import import_fhir
from trdkit.interop.fhir_codes import assessment_tag_system, tag_system
from trdkit.interop.fhir_write import FhirWriteError, post_write_back
from trdkit.render.fhir import render_fhir

BASE = "https://ehr.test/fhir"
PID = "wc-1"


def _bundle() -> dict[str, Any]:
    imported = import_fhir(synthetic_patient(PID))
    text = render_fhir(
        assess(imported.record), imported.record, mode="write_back", provenance=imported.provenance
    )
    bundle: dict[str, Any] = json.loads(text)
    return bundle


def _server(
    stored: list[dict[str, Any]], seen: list[httpx.Request], status: int = 200
) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            kind = request.url.path.rsplit("/", 1)[-1]
            entries = [{"resource": r} for r in stored if r["resourceType"] == kind]
            return httpx.Response(200, json={"resourceType": "Bundle", "entry": entries})
        if status >= 400:
            outcome = {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "refused"}]}
            return httpx.Response(status, json=outcome)
        sent = json.loads(request.content)
        answers = [{"response": {"status": "200 OK"}} for _ in sent["entry"]]
        return httpx.Response(200, json={"resourceType": "Bundle", "entry": answers})

    return handle


def _earlier(bundle: dict[str, Any], rid: str, conclusion: bool = True) -> dict[str, Any]:
    resource = dict(next(e["resource"] for e in bundle["entry"]))
    tags = [t for t in resource["meta"]["tag"] if conclusion or t["system"] != tag_system()]
    return {**resource, "id": rid, "meta": {"tag": tags}}


def test_post_write_back__deletes_only_stale_conclusions_of_the_same_assessment() -> None:
    bundle = _bundle()
    current = bundle["entry"][0]["resource"]
    stored = [
        current,  # written by the previous run and written again now: kept
        _earlier(bundle, "stale-1"),  # same key, no longer produced: deleted
        _earlier(bundle, "untagged-1", conclusion=False),  # not a trdkit conclusion: kept
        {**_earlier(bundle, "other-patient"), "subject": {"reference": "Patient/else"}},
        {
            **_earlier(bundle, "other-key"),
            "meta": {"tag": [{"system": assessment_tag_system(), "code": "x"}]},
        },
    ]
    seen: list[httpx.Request] = []
    client = httpx.Client(transport=httpx.MockTransport(_server(stored, seen)))
    outcome = post_write_back(BASE, bundle, token="T", client=client)
    posted = json.loads(seen[-1].content)
    deletes = [e["request"]["url"] for e in posted["entry"] if e["request"]["method"] == "DELETE"]
    kind = current["resourceType"]
    assert deletes == [f"{kind}/stale-1"]
    assert len(posted["entry"]) == len(bundle["entry"]) + 1
    assert all(r.headers["Authorization"] == "Bearer T" for r in seen)
    searches = [r for r in seen if r.method == "GET"]
    assert {r.url.params["patient"] for r in searches} == {PID}
    assert outcome.counts() == {"200 OK": len(bundle["entry"]) + 1}
    summary = outcome.summary()
    assert summary[0].startswith(f"wrote {len(bundle['entry'])} conclusion resource(s)")
    assert "1 earlier conclusion(s) of the same assessment deleted" in summary[0]


def test_post_write_back__refusal_is_a_named_error() -> None:
    seen: list[httpx.Request] = []
    client = httpx.Client(transport=httpx.MockTransport(_server([], seen, status=400)))
    with pytest.raises(FhirWriteError, match="answered 400 for POST /fhir: refused") as caught:
        post_write_back(BASE, _bundle(), client=client)
    assert caught.value.status == 400


def test_post_write_back__search_link_to_another_server_is_not_followed() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        link = [{"relation": "next", "url": "https://elsewhere.test/fhir/Observation?page=2"}]
        return httpx.Response(200, json={"resourceType": "Bundle", "link": link})

    client = httpx.Client(transport=httpx.MockTransport(handle))
    with pytest.raises(FhirWriteError, match="another server"):
        post_write_back(BASE, _bundle(), token="T", client=client)


def test_post_write_back__unreachable_server_and_wrong_bundle() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(down))
    with pytest.raises(FhirWriteError, match="not reachable"):
        post_write_back(BASE, _bundle(), client=client)
    with pytest.raises(ValueError, match="transaction"):
        post_write_back(BASE, {"resourceType": "Bundle", "type": "collection"}, client=client)
