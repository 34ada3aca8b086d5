"""Who is asking: bearer tokens for the API, session cookies for the web app, CSRF, roles.

* ``Authorization: Bearer <token>`` (from ``POST /api/auth/token``) signs in an API client; no
  CSRF token is needed, since a browser never adds that header by itself.
* The ``trdkit_session`` cookie (from ``POST /api/auth/login``) signs in the web app. A request
  that changes anything (POST, PUT, PATCH, DELETE) with it must carry the session's CSRF token in
  the ``X-CSRF-Token`` header or a ``csrf_token`` form field.
* Roles: ``clinician`` works with the patients of their care team; ``researcher`` reads
  de-identified exports only; ``admin`` manages users and may see every patient.

Every refused request is an audit event.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer

from trdkit.api.deps import (
    Ctx,
    DbSession,
    Principal,
    action_of,
    get_settings,
    get_store,
    request_id,
)
from trdkit.api.problems import ProblemError
from trdkit.store.accounts import resolve_token
from trdkit.store.audit import ANONYMOUS, Actor, AuditDetail, AuditOutcome, Reason, record_event
from trdkit.store.session import read_only

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "admin_ctx",
    "clinical_ctx",
    "current_principal",
    "research_ctx",
    "user_ctx",
]

SESSION_COOKIE = "trdkit_session"
CSRF_COOKIE = "trdkit_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

# Declared for the OpenAPI document (a security scheme); the check itself is below.
bearer_scheme = HTTPBearer(auto_error=False, description="A token from POST /api/auth/token.")


async def _form_csrf(request: Request) -> str | None:
    # Read here, in the event loop: Starlette keeps the parsed form for the route's own use.
    if request.method in _SAFE_METHODS or SESSION_COOKIE not in request.cookies:
        return None
    if not request.headers.get("content-type", "").startswith(_FORM_TYPES):
        return None
    value = (await request.form()).get("csrf_token")
    return value if isinstance(value, str) else None


def _refuse(
    db: DbSession, request: Request, actor: Actor, reason: Reason, status: int, message: str
) -> ProblemError:
    db.rollback()
    record_event(
        db,
        actor,
        action_of(request.method),
        "api",
        outcome=AuditOutcome.denied,
        request_id=request_id(request),
        detail=AuditDetail(reason=reason),
    )
    db.commit()
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    kind = "csrf" if reason == "csrf" else ("unauthenticated" if status == 401 else None)
    return ProblemError(status, message, kind=kind, headers=headers)


def current_principal(
    request: Request,
    db: DbSession,
    form_csrf: Annotated[str | None, Depends(_form_csrf)],
    _scheme: Annotated[object, Depends(bearer_scheme)],
) -> Principal:
    """The signed-in user of this request; a 401 or 403 problem (audited) otherwise.

    The lookup runs in a read-only transaction: it does not queue behind the writers (on SQLite)
    nor make them wait. A refusal ends it before its audit event is written.
    """
    read_only(db)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        row = resolve_token(db, secret.strip(), "bearer") if scheme.lower() == "bearer" else None
        if row is None:
            raise _refuse(
                db,
                request,
                ANONYMOUS,
                "bad_credentials",
                401,
                "the bearer token is unknown, revoked or expired",
            )
        principal = Principal(user=row.user, via="bearer", token=row)
    elif SESSION_COOKIE in request.cookies:
        row = resolve_token(db, request.cookies[SESSION_COOKIE], "session")
        if row is None:
            raise _refuse(
                db, request, ANONYMOUS, "expired", 401, "the session has ended; sign in again"
            )
        principal = Principal(user=row.user, via="session", token=row)
        if request.method not in _SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER) or form_csrf or ""
            expected = (row.csrf_token or "").encode()
            if not expected or not hmac.compare_digest(sent.encode(), expected):
                raise _refuse(
                    db,
                    request,
                    principal.actor,
                    "csrf",
                    403,
                    f"missing or wrong CSRF token (send the {CSRF_HEADER} header)",
                )
    else:
        raise _refuse(
            db,
            request,
            ANONYMOUS,
            "no_credentials",
            401,
            "sign in: send a bearer token or the session cookie",
        )
    # End the read transaction now, so that the route's own work begins a transaction of its
    # own (a writer's, unless it says otherwise) from a fresh snapshot.
    db.commit()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def _ctx_for(*roles: str) -> Callable[..., Awaitable[Ctx]]:
    # In the event loop, not on a worker thread: it only checks the role, and a refusal's
    # audit write goes to a worker thread.
    async def dependency(request: Request, db: DbSession, principal: CurrentPrincipal) -> Ctx:
        ctx = Ctx(
            request=request,
            db=db,
            store=get_store(request),
            settings=get_settings(request),
            principal=principal,
        )
        if principal.user.role not in roles:
            await run_in_threadpool(
                ctx.deny,
                action_of(request.method),
                "api",
                None,
                status=403,
                message=f"this needs the role {' or '.join(roles)}",
                reason="role",
            )
        return ctx

    return dependency


user_ctx = _ctx_for("clinician", "researcher", "admin")
clinical_ctx = _ctx_for("clinician", "admin")
research_ctx = _ctx_for("researcher", "admin")
admin_ctx = _ctx_for("admin")
