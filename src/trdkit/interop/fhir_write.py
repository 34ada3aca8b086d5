"""Writing a write-back bundle (``render_fhir(..., mode="write_back")``) to a FHIR R4 server.

:func:`post_write_back` POSTs the ``transaction`` of ``PUT Type/id`` entries to the server's base
URL. Before that it searches the patient's earlier trdkit conclusions written under the same
assessment key (``meta.tag`` of ``assessment_tag_system()``) and adds a ``DELETE`` for each one
the new set no longer holds (a PGx implication for a drug that left the table, a TRD Condition
after the status changed), so the server keeps exactly one set per key. Only resources that
carry both trdkit's ``conclusion`` tag and that key's tag, for that patient, are ever deleted;
the tags are checked here again in case the server ignores ``_tag``. The bearer token is only
sent to the server named: a search ``next`` link elsewhere is an error.

Examples
--------
>>> import httpx
>>> def server(request):
...     if request.method == "GET":
...         return httpx.Response(200, json={"resourceType": "Bundle", "type": "searchset"})
...     return httpx.Response(200, json={"resourceType": "Bundle", "type": "transaction-response",
...         "entry": [{"response": {"status": "201 Created"}}]})
>>> bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [{
...     "resource": {"resourceType": "DiagnosticReport", "id": "r1",
...                  "subject": {"reference": "Patient/p1"}},
...     "request": {"method": "PUT", "url": "DiagnosticReport/r1"}}]}
>>> client = httpx.Client(transport=httpx.MockTransport(server))
>>> post_write_back("https://ehr/fhir", bundle, client=client).counts()
{'201 Created': 1}
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from trdkit.interop.fhir_codes import assessment_tag_system, tag_system

__all__ = ["FhirWriteError", "WriteOutcome", "post_write_back"]

_MEDIA = "application/fhir+json"
_MAX_PAGES = 20
# Every type a write-back may hold: earlier sets are searched in all of them.
_CONCLUSION_TYPES = ("Condition", "DiagnosticReport", "Observation")


class FhirWriteError(RuntimeError):
    """The server could not be written: unreachable, or it refused the transaction."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class WriteOutcome:
    """What the server answered: one ``(method, url, status)`` per transaction entry."""

    base_url: str
    patient: str
    entries: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many entries got each response status (``"201 Created": 12``)."""
        return dict(Counter(status for _, _, status in self.entries))

    def summary(self) -> list[str]:
        """Human-readable lines: the totals, then one line per entry, then any notes."""
        written = sum(1 for method, _, _ in self.entries if method == "PUT")
        deleted = sum(1 for method, _, _ in self.entries if method == "DELETE")
        counts = ", ".join(f"{n} x {status}" for status, n in sorted(self.counts().items()))
        head = (
            f"wrote {written} conclusion resource(s) for {self.patient} to {self.base_url} "
            f"in one transaction ({counts or 'no entries'})"
        )
        if deleted:
            head += f"; {deleted} earlier conclusion(s) of the same assessment deleted"
        lines = [head, *(f"  {m} {u}: {s}" for m, u, s in self.entries)]
        return lines + [f"note: {n}" for n in self.notes]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _tags(resource: dict[str, Any]) -> set[tuple[Any, Any]]:
    meta = resource.get("meta")
    tags = meta.get("tag") if isinstance(meta, dict) else None
    return {(t.get("system"), t.get("code")) for t in tags or [] if isinstance(t, dict)}


def _key_tag(bundle: dict[str, Any]) -> tuple[str, str] | None:
    for entry in bundle.get("entry") or []:
        for system, code in _tags(entry.get("resource") or {}):
            if system == assessment_tag_system() and isinstance(code, str):
                return system, code
    return None


def _patient(bundle: dict[str, Any]) -> str:
    for entry in bundle.get("entry") or []:
        ref = ((entry.get("resource") or {}).get("subject") or {}).get("reference")
        if isinstance(ref, str) and ref.startswith("Patient/"):
            return ref
    raise ValueError("the write-back bundle names no Patient/<id> subject")


def _earlier(
    http: httpx.Client,
    base: str,
    kind: str,
    query: dict[str, str],
    headers: dict[str, str],
    timeout: float,
) -> list[dict[str, Any]]:
    """Every resource of one search (``next`` links followed on the same server only)."""
    url: str | None = f"{base}/{kind}"
    params: dict[str, str] | None = {**query, "_count": "100"}
    found: list[dict[str, Any]] = []
    for _ in range(_MAX_PAGES):
        if url is None:
            break
        if _origin(url) != _origin(base):
            raise FhirWriteError(f"the {kind} search links to another server: not followed")
        page = _call(http, "GET", url, headers, timeout, params=params).json()
        params = None  # a next link carries its own query
        for entry in page.get("entry") or []:
            if (entry.get("search") or {}).get("mode", "match") == "match":
                found.append(entry.get("resource") or {})
        url = next(
            (x.get("url") for x in page.get("link") or [] if x.get("relation") == "next"), None
        )
    return found


def _call(
    http: httpx.Client,
    method: str,
    url: str,
    headers: dict[str, str],
    timeout: float,
    **kwargs: Any,
) -> httpx.Response:
    try:
        response = http.request(method, url, headers=headers, timeout=timeout, **kwargs)
    except httpx.HTTPError as exc:
        raise FhirWriteError(f"FHIR server not reachable ({type(exc).__name__})") from None
    if response.status_code >= 400:
        raise FhirWriteError(
            f"FHIR server answered {response.status_code} for {method} {urlsplit(url).path}"
            + _diagnostics(response),
            response.status_code,
        )
    return response


def _diagnostics(response: httpx.Response) -> str:
    try:
        issues = response.json().get("issue") or []
    except (ValueError, AttributeError):
        return ""
    shown = [str(i.get("diagnostics")) for i in issues[:2] if isinstance(i, dict)]
    return f": {'; '.join(shown)}" if shown else ""


def _stale(
    http: httpx.Client,
    base: str,
    bundle: dict[str, Any],
    patient: str,
    headers: dict[str, str],
    timeout: float,
) -> list[dict[str, Any]]:
    """DELETE entries for earlier conclusions of the same key that the bundle no longer holds."""
    key = _key_tag(bundle)
    if key is None:
        return []
    new = {
        f"{e['resource']['resourceType']}/{e['resource'].get('id')}"
        for e in bundle.get("entry") or []
    }
    query = {"patient": patient.removeprefix("Patient/"), "_tag": f"{key[0]}|{key[1]}"}
    wanted = {key, (tag_system(), "conclusion")}
    deletes: list[dict[str, Any]] = []
    for kind in _CONCLUSION_TYPES:
        for found in _earlier(http, base, kind, query, headers, timeout):
            ref = f"{found.get('resourceType')}/{found.get('id')}"
            subject = (found.get("subject") or {}).get("reference")
            if wanted <= _tags(found) and subject == patient and ref not in new:
                deletes.append({"request": {"method": "DELETE", "url": ref}})
    return deletes


def post_write_back(
    base_url: str,
    bundle: dict[str, Any],
    *,
    token: str | None = None,
    client: httpx.Client | None = None,
    timeout: float = 30.0,
) -> WriteOutcome:
    """Write a write-back ``transaction`` Bundle to a FHIR server; return what it answered.

    Parameters
    ----------
    base_url
        The FHIR server's base URL (the one the patient was read from).
    bundle
        The write-back bundle as JSON data (``json.loads(render_fhir(..., mode="write_back"))``).
    token
        An OAuth 2 access token, sent as ``Authorization: Bearer``.
    client
        The httpx client to use (tests pass one with a ``MockTransport``); default: a new one.
    timeout
        Seconds per request.

    Raises
    ------
    FhirWriteError
        When the server is unreachable, or refuses a search or the transaction (the
        transaction is then rolled back as a whole).
    ValueError
        When ``bundle`` is not a transaction naming its Patient.
    """
    if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "transaction":
        raise ValueError("a write-back needs a transaction Bundle (render_fhir mode='write_back')")
    base = base_url.rstrip("/")
    patient = _patient(bundle)
    headers = {"Accept": _MEDIA}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    owned = client is None
    http = client if client is not None else httpx.Client()
    try:
        deletes = _stale(http, base, bundle, patient, headers, timeout)
        body = {**bundle, "entry": [*deletes, *(bundle.get("entry") or [])]}
        send = {**headers, "Content-Type": _MEDIA}
        answer = _call(http, "POST", base, send, timeout, json=body).json()
    finally:
        if owned:
            http.close()
    outcome = WriteOutcome(base, patient)
    responses = (answer.get("entry") or []) if isinstance(answer, dict) else []
    for sent, got in zip(body["entry"], responses, strict=False):
        request = sent["request"]
        status = str((got.get("response") or {}).get("status", "?"))
        outcome.entries.append((request["method"], request["url"], status))
    if len(responses) != len(body["entry"]):
        outcome.notes.append(
            f"the server answered {len(responses)} entries for {len(body['entry'])} sent"
        )
    return outcome
