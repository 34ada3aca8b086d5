"""``/cds-services``: the CDS Hooks 2.0 endpoints (discovery, services, feedback).

Mounted at the root, as the specification places them (``{base}/cds-services``), and left out
of the OpenAPI document: the CDS Hooks specification is their contract. Every answer carries
the CORS headers browser-based EHRs (and the CDS Hooks sandbox) need, preflight included.
Service and feedback calls must carry a JWT signed by a trusted EHR (see
:mod:`trdkit.cdshooks.security`); a refusal is a 401 problem saying which check failed. Every
call is audited: who is the calling EHR, what is the hook and a keyed hash of the patient
reference (never patient data). The card logic lives in :mod:`trdkit.cdshooks`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from trdkit.api.deps import get_settings, get_store, request_id
from trdkit.api.problems import FieldProblem, ProblemError, problem_response
from trdkit.api.settings import load_secret_key
from trdkit.cdshooks import (
    AuthError,
    CdsConfigError,
    CdsRuntime,
    DataUnavailable,
    FeedbackRequest,
    HookRequest,
    HookRequestError,
    VerifiedClient,
    discovery,
    find_service,
    run_hook,
    verify_authorization,
    wire,
)
from trdkit.cdshooks.cards import LinkMaker
from trdkit.knowledge.cds_hooks import ServiceRow
from trdkit.store.audit import Actor, AuditAction, AuditDetail, AuditOutcome, Reason, record_event
from trdkit.store.cds_feedback import save_feedback

__all__ = ["router", "runtime"]

_UNVERIFIED = Actor(id=None, username="cds:unverified")


def runtime(request: Request) -> CdsRuntime:
    """The application's CDS runtime (made from the environment on first use)."""
    found = getattr(request.app.state, "cds", None)
    if isinstance(found, CdsRuntime):
        return found
    try:
        made = CdsRuntime.create()
    except CdsConfigError as exc:
        raise ProblemError(503, f"the CDS Hooks service is not configured: {exc}") from None
    request.app.state.cds = made
    return made


def _cors(request: Request) -> dict[str, str]:
    found = getattr(request.app.state, "cds", None)
    allowed = found.config.cors_origins if isinstance(found, CdsRuntime) else ("*",)
    origin = request.headers.get("origin")
    headers = {
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": "600",
    }
    if "*" in allowed:
        headers["Access-Control-Allow-Origin"] = "*"
    elif origin in allowed:
        headers["Access-Control-Allow-Origin"] = origin
        headers["Vary"] = "Origin"
    return headers


class _CorsRoute(APIRoute):
    """Adds the CORS headers to every answer, problem details included."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_cors(request: Request) -> Response:
            try:
                response = await handler(request)
            except ProblemError as exc:
                response = problem_response(
                    request,
                    exc.status,
                    exc.detail,
                    kind=exc.kind,
                    errors=exc.errors,
                    headers=exc.headers,
                )
            response.headers.update(_cors(request))
            return response

        return with_cors


router = APIRouter(prefix="/cds-services", include_in_schema=False, route_class=_CorsRoute)
Runtime = Annotated[CdsRuntime, Depends(runtime)]


async def _body(request: Request) -> bytes:
    return await request.body()


Body = Annotated[bytes, Depends(_body)]


def _base_url(request: Request, rt: CdsRuntime) -> str:
    return (rt.config.service_base_url or str(request.base_url)).rstrip("/")


def _service(service_id: str) -> ServiceRow:
    service = find_service(service_id)
    if service is None:
        raise ProblemError(404, "no such CDS service", kind="cds-service")
    return service


def _audit(
    request: Request,
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    resource_id: str | None = None,
    *,
    outcome: AuditOutcome = AuditOutcome.success,
    reason: Reason | None = None,
    count: int | None = None,
) -> None:
    with get_store(request).transaction() as session:
        record_event(
            session,
            actor,
            action,
            resource_type,
            resource_id,
            outcome=outcome,
            request_id=request_id(request),
            detail=AuditDetail(reason=reason, count=count),
        )


def _verify(
    request: Request, rt: CdsRuntime, audiences: list[str], action: AuditAction, kind: str
) -> VerifiedClient:
    try:
        return verify_authorization(
            request.headers.get("authorization"), audiences, rt.config, rt.jwks, rt.replay
        )
    except AuthError as exc:
        _audit(request, _UNVERIFIED, action, kind, outcome=AuditOutcome.denied, reason=exc.reason)
        raise ProblemError(
            401,
            exc.message,
            kind="cds-auth",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


def _parse(body: bytes, model: type[Any]) -> Any:
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ProblemError(400, "the body is not JSON", kind="cds-request") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldProblem(
                field=".".join(str(p) for p in e.get("loc", ())) or "body", message=e["msg"]
            )
            for e in exc.errors()
        ]
        raise ProblemError(
            422, "the request is not valid", kind="validation", errors=errors
        ) from None


def _patient_hash(request: Request, client: VerifiedClient, hook: HookRequest, pid: str) -> str:
    # Keyed, so the trail can link one patient's calls without naming the patient.
    key = load_secret_key(get_settings(request))
    text = f"{client.key}|{hook.fhir_server or ''}|Patient/{pid}"
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


@router.get("", summary="CDS Hooks discovery")
def get_discovery() -> JSONResponse:
    """The services trdkit offers, with their prefetch templates."""
    return JSONResponse(wire(discovery()))


@router.options("")
@router.options("/{service_id}")
@router.options("/{service_id}/feedback")
def preflight() -> Response:
    """CORS preflight."""
    return Response(status_code=204)


@router.post("/{service_id}", summary="Call a CDS service")
def call_service(service_id: str, request: Request, body: Body, rt: Runtime) -> JSONResponse:
    """Answer a hook call with cards (see trdkit.cdshooks.engine)."""
    service = _service(service_id)
    kind = f"cds:{service.hook}"
    url = f"{_base_url(request, rt)}/cds-services/{service.id}"
    client = _verify(request, rt, [url, url + "/"], AuditAction.assess, kind)
    actor = Actor(id=None, username=client.label)
    hook: HookRequest = _parse(body, HookRequest)
    links = LinkMaker(rt.config.report_url, _base_url(request, rt), rt.config.report_link_type)
    try:
        result = run_hook(
            hook,
            service,
            client=client,
            config=rt.config,
            fetch=rt.fetch,
            shown=rt.shown,
            links=links,
            today=dt.date.today(),
        )
    except HookRequestError as exc:
        _audit(request, actor, AuditAction.assess, kind, outcome=AuditOutcome.invalid)
        raise ProblemError(400, str(exc), kind="cds-request") from None
    except DataUnavailable as exc:
        pid = hook.patient_id() or ""
        _audit(
            request,
            actor,
            AuditAction.assess,
            kind,
            _patient_hash(request, client, hook, pid),
            outcome=AuditOutcome.invalid,
        )
        raise ProblemError(
            412, f"the patient's FHIR data could not be obtained: {exc}", kind="cds-prefetch"
        ) from None
    for drafted in result.cards:
        rt.kinds.put(drafted.card.uuid, drafted.kind)
    _audit(
        request,
        actor,
        AuditAction.assess,
        kind,
        _patient_hash(request, client, hook, result.patient_id),
        count=len(result.cards),
    )
    return JSONResponse(wire(result.response))


@router.post("/{service_id}/feedback", summary="Feedback on cards")
def feedback(service_id: str, request: Request, body: Body, rt: Runtime) -> JSONResponse:
    """Store what the clinician did with each card (accepted or overridden, and why)."""
    service = _service(service_id)
    base = f"{_base_url(request, rt)}/cds-services/{service.id}"
    client = _verify(request, rt, [f"{base}/feedback", base], AuditAction.create, "cds_feedback")
    actor = Actor(id=None, username=client.label)
    parsed: FeedbackRequest = _parse(body, FeedbackRequest)
    with get_store(request).transaction() as session:
        for item in parsed.feedback:
            reason = item.override_reason
            row = save_feedback(
                session,
                client=client.label,
                service_id=service.id,
                card_uuid=item.card,
                outcome=item.outcome,
                outcome_timestamp=item.outcome_timestamp,
                accepted_suggestions=[s.id for s in item.accepted_suggestions or []],
                override_reason=wire(reason.reason) if reason and reason.reason else None,
                override_comment=reason.user_comment if reason else None,
                card_kind=rt.kinds.get(item.card),
            )
            record_event(
                session,
                actor,
                AuditAction.create,
                "cds_feedback",
                row.id,
                request_id=request_id(request),
            )
    return JSONResponse({})
