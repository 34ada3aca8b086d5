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
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer

from trdkit.api.deps import (
    Caller,
    Ctx,
    DbSession,
    Principal,
    action_of,
    get_settings,
    get_store,
    request_id,
)
from trdkit.api.problems import ProblemError
from trdkit.store.accounts import TokenKind, lookup_token, resolve_token
from trdkit.store.audit import (
    ANONYMOUS,
    AUDIT_TABLE,
    Actor,
    AuditDetail,
    AuditOutcome,
    Reason,
    event_values,
)
from trdkit.store.models import AuditEvent, AuthToken
from trdkit.store.session import read_only

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "admin_ctx",
    "clinical_caller",
    "clinical_ctx",
    "current_principal",
    "research_ctx",
    "sessionless_principal",
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


@dataclass(frozen=True)
class _Refusal:
    """Why a request is not signed in (or may not go on): audited, then a 401 or 403."""

    actor: Actor
    reason: Reason
    status: int
    message: str

    def event(self, request: Request) -> dict[str, Any]:
        """The refusal's audit event (:func:`trdkit.store.audit.event_values`)."""
        return event_values(
            self.actor,
            action_of(request.method),
            "api",
            outcome=AuditOutcome.denied,
            request_id=request_id(request),
            detail=AuditDetail(reason=self.reason),
        )

    def problem(self) -> ProblemError:
        """The answer to the client."""
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        unauthenticated = "unauthenticated" if self.status == 401 else None
        kind = "csrf" if self.reason == "csrf" else unauthenticated
        return ProblemError(self.status, self.message, kind=kind, headers=headers)


Lookup = Callable[[str, TokenKind], AuthToken | None]


def _check(request: Request, form_csrf: str | None, lookup: Lookup) -> Principal | _Refusal:
    """Who signed this request: a bearer token, else the session cookie (with its CSRF token)."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        row = lookup(secret.strip(), "bearer") if scheme.lower() == "bearer" else None
        if row is None:
            return _Refusal(
                ANONYMOUS, "bad_credentials", 401, "the bearer token is unknown, revoked or expired"
            )
        return Principal(user=row.user, via="bearer", token=row)
    if SESSION_COOKIE not in request.cookies:
        return _Refusal(
            ANONYMOUS, "no_credentials", 401, "sign in: send a bearer token or the session cookie"
        )
    row = lookup(request.cookies[SESSION_COOKIE], "session")
    if row is None:
        return _Refusal(ANONYMOUS, "expired", 401, "the session has ended; sign in again")
    principal = Principal(user=row.user, via="session", token=row)
    if request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or form_csrf or ""
        expected = (row.csrf_token or "").encode()
        if not expected or not hmac.compare_digest(sent.encode(), expected):
            return _Refusal(
                principal.actor,
                "csrf",
                403,
                f"missing or wrong CSRF token (send the {CSRF_HEADER} header)",
            )
    return principal


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
    found = _check(request, form_csrf, lambda secret, kind: resolve_token(db, secret, kind))
    if isinstance(found, _Refusal):
        db.rollback()
        db.add(AuditEvent(**found.event(request)))
        db.commit()
        raise found.problem()
    # End the read transaction now, so that the route's own work begins a transaction of its
    # own (a writer's, unless it says otherwise) from a fresh snapshot.
    db.commit()
    return found


async def sessionless_principal(
    request: Request,
    form_csrf: Annotated[str | None, Depends(_form_csrf)],
    _scheme: Annotated[object, Depends(bearer_scheme)],
) -> Principal:
    """As :func:`current_principal`, for a route that keeps no database session open.

    On SQLite the token is looked up right here in the event loop: a read of a local file under
    WAL, which waits for no writer and costs less than a trip to a worker thread. Elsewhere
    (PostgreSQL, over a network) it runs on a worker thread. A refusal's audit event is
    committed with the group commit (:meth:`Store.append_async`).
    """
    store = get_store(request)

    def lookup(secret: str, kind: TokenKind) -> AuthToken | None:
        return lookup_token(store.engine, secret, kind, store.direct)

    if store.local:
        found = _check(request, form_csrf, lookup)
    else:
        found = await run_in_threadpool(_check, request, form_csrf, lookup)
    if isinstance(found, _Refusal):
        await store.append_async(AUDIT_TABLE, found.event(request))
        raise found.problem()
    return found


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


def _caller_for(*roles: str) -> Callable[..., Awaitable[Caller]]:
    async def dependency(
        request: Request, principal: Annotated[Principal, Depends(sessionless_principal)]
    ) -> Caller:
        caller = Caller(request=request, store=get_store(request), principal=principal)
        if principal.user.role not in roles:
            await caller.audit(
                action_of(request.method),
                "api",
                outcome=AuditOutcome.denied,
                detail=AuditDetail(reason="role"),
            )
            raise ProblemError(403, f"this needs the role {' or '.join(roles)}")
        return caller

    return dependency


#: A clinician or admin, for a route whose only write is its audit event.
clinical_caller = _caller_for("clinician", "admin")
user_ctx = _ctx_for("clinician", "researcher", "admin")
clinical_ctx = _ctx_for("clinician", "admin")
research_ctx = _ctx_for("researcher", "admin")
admin_ctx = _ctx_for("admin")
