"""Reading one patient's resources from a FHIR R4 server over HTTP (httpx).

:func:`fetch_patient_resources` reads the Patient and searches the resource types the importer
needs by patient, following the Bundle ``next`` links up to :data:`MAX_PAGES` pages per search.
The bearer token is only ever sent to the server named: a ``next`` link that points elsewhere
is an error. A search cut short at the page limit is not dropped silently: an OperationOutcome
(``code: too-costly``) saying so is added to the result, and the importer reports it.

Examples
--------
>>> import httpx
>>> def server(request):
...     if request.url.path == "/fhir/Patient/p1":
...         return httpx.Response(200, json={"resourceType": "Patient", "id": "p1"})
...     return httpx.Response(200, json={"resourceType": "Bundle", "type": "searchset"})
>>> client = httpx.Client(transport=httpx.MockTransport(server))
>>> [r["resourceType"] for r in fetch_patient_resources("https://ehr/fhir", "p1", client=client)]
['Patient']
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx

__all__ = ["MAX_PAGES", "SEARCHED_TYPES", "FhirClientError", "fetch_patient_resources"]

MAX_PAGES = 20
"""Pages read per search before it is cut short (with an OperationOutcome saying so)."""
PAGE_SIZE = 100
SEARCHED_TYPES = (
    "Condition",
    "MedicationRequest",
    "MedicationStatement",
    "Observation",
    "QuestionnaireResponse",
)
_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_MEDIA = "application/fhir+json"


class FhirClientError(RuntimeError):
    """The server could not be read: unreachable, an error status, or not FHIR JSON."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _get(client: httpx.Client, url: str, headers: dict[str, str], timeout: float) -> Any:
    try:
        response = client.get(url, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise FhirClientError(f"FHIR server not reachable ({type(exc).__name__})") from None
    if response.status_code >= 400:
        raise FhirClientError(
            f"FHIR server answered {response.status_code} for {urlsplit(url).path}",
            response.status_code,
        )
    try:
        return response.json()
    except ValueError:
        raise FhirClientError("FHIR server answered with something other than JSON") from None


def _next_link(bundle: dict[str, Any]) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            return url if isinstance(url, str) and url else None
    return None


def _search(
    client: httpx.Client,
    base: str,
    kind: str,
    patient_id: str,
    headers: dict[str, str],
    timeout: float,
) -> tuple[list[dict[str, Any]], bool]:
    """Every resource of one search, and whether the page limit cut it short."""
    url: str | None = f"{base}/{kind}?patient={patient_id}&_count={PAGE_SIZE}"
    found: list[dict[str, Any]] = []
    pages = 0
    while url is not None:
        if pages == MAX_PAGES:
            return found, True
        if _origin(url) != _origin(base):
            raise FhirClientError(f"the {kind} search links to another server: not followed")
        bundle = _get(client, url, headers, timeout)
        pages += 1
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise FhirClientError(f"the {kind} search did not answer with a Bundle")
        for entry in bundle.get("entry") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
                continue
            if (entry.get("search") or {}).get("mode") == "outcome":
                continue
            found.append(entry["resource"])
        url = _next_link(bundle)
    return found, False


def _truncated(kind: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "id": f"trdkit-truncated-{kind}",
        "issue": [
            {
                "severity": "warning",
                "code": "too-costly",
                "diagnostics": f"{kind} search stopped after {MAX_PAGES} pages of {PAGE_SIZE}",
            }
        ],
    }


def fetch_patient_resources(
    base_url: str,
    patient_id: str,
    *,
    token: str | None = None,
    client: httpx.Client | None = None,
    timeout: float = 10.0,
) -> list[dict[str, Any]]:
    """Read one patient and their Conditions, medications, Observations and responses.

    Parameters
    ----------
    base_url
        The FHIR server's base URL (``https://ehr.example/fhir``).
    patient_id
        The Patient's logical id on that server.
    token
        An OAuth 2 access token, sent as ``Authorization: Bearer``.
    client
        The httpx client to use (tests pass one with a ``MockTransport``); default: a new one.
    timeout
        Seconds per request.

    Returns
    -------
    list of dict
        The Patient first, then the resources of each search (duplicates removed), plus an
        OperationOutcome per search cut short at :data:`MAX_PAGES`.

    Raises
    ------
    FhirClientError
        When the server is unreachable, answers an error status (e.g. 401, 404) or non-FHIR
        JSON, or links a search page to another server.
    ValueError
        When ``patient_id`` is not a FHIR id.
    """
    if not _ID.match(patient_id):
        raise ValueError("patient_id is not a FHIR logical id")
    base = base_url.rstrip("/")
    headers = {"Accept": _MEDIA}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    owned = client is None
    http = client if client is not None else httpx.Client()
    try:
        patient = _get(http, f"{base}/Patient/{patient_id}", headers, timeout)
        if not isinstance(patient, dict) or patient.get("resourceType") != "Patient":
            raise FhirClientError("the Patient read did not answer with a Patient")
        resources: list[dict[str, Any]] = [patient]
        seen: set[tuple[Any, Any]] = {("Patient", patient.get("id"))}
        for kind in SEARCHED_TYPES:
            found, cut = _search(http, base, kind, patient_id, headers, timeout)
            for resource in found:
                key = (resource.get("resourceType"), resource.get("id"))
                if key[1] is None or key not in seen:
                    seen.add(key)
                    resources.append(resource)
            if cut:
                resources.append(_truncated(kind))
        return resources
    finally:
        if owned:
            http.close()
