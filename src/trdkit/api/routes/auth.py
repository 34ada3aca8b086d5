"""``/api/auth``: sign in (session cookie or bearer token), sign out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from trdkit.api.auth import CSRF_COOKIE, SESSION_COOKIE, CurrentPrincipal
from trdkit.api.deps import DbSession, get_settings, request_id
from trdkit.api.problems import ProblemError
from trdkit.api.routes._common import ERRORS, user_out
from trdkit.api.schemas import Credentials, LoginOut, TokenOut, UserOut
from trdkit.store.accounts import authenticate, find_user, issue_token, revoke_token
from trdkit.store.audit import (
    ANONYMOUS,
    Actor,
    AuditAction,
    AuditDetail,
    AuditOutcome,
    record_event,
)
from trdkit.store.models import User

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERRORS)


def _sign_in(db: DbSession, request: Request, body: Credentials, action: AuditAction) -> User:
    user = authenticate(db, body.username, body.password)
    if user is None:
        known = find_user(db, body.username)
        # Only an existing username is recorded: a mistyped one could be anything.
        actor = Actor(id=known.id, username=known.username) if known else ANONYMOUS
        db.rollback()
        record_event(
            db,
            actor,
            action,
            "session",
            outcome=AuditOutcome.denied,
            request_id=request_id(request),
            detail=AuditDetail(reason="bad_credentials"),
        )
        db.commit()
        raise ProblemError(401, "wrong username or password", kind="unauthenticated")
    return user


@router.post("/login", summary="Sign in the web app (sets the session cookie)")
def login(body: Credentials, request: Request, response: Response, db: DbSession) -> LoginOut:
    """Check the credentials, start a session and set its cookie and CSRF cookie."""
    settings = get_settings(request)
    user = _sign_in(db, request, body, AuditAction.login)
    secret, row = issue_token(db, user, "session", settings.session_ttl)
    actor = Actor(id=user.id, username=user.username, role=user.role)
    record_event(db, actor, AuditAction.login, "session", request_id=request_id(request))
    db.commit()
    max_age = int(settings.session_ttl.total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    assert row.csrf_token is not None
    response.set_cookie(
        CSRF_COOKIE,
        row.csrf_token,
        max_age=max_age,
        httponly=False,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
    return LoginOut(csrf_token=row.csrf_token, expires_at=row.expires_at, user=user_out(user))


@router.post("/token", summary="Get a bearer token for the API")
def token(body: Credentials, request: Request, db: DbSession) -> TokenOut:
    """Check the credentials and issue a bearer token (shown once; only its hash is kept)."""
    user = _sign_in(db, request, body, AuditAction.issue_token)
    secret, row = issue_token(db, user, "bearer", get_settings(request).token_ttl)
    actor = Actor(id=user.id, username=user.username, role=user.role)
    record_event(db, actor, AuditAction.issue_token, "session", request_id=request_id(request))
    db.commit()
    return TokenOut(access_token=secret, expires_at=row.expires_at, user=user_out(user))


@router.post("/logout", status_code=204, summary="Sign out (ends this session or token)")
def logout(request: Request, db: DbSession, principal: CurrentPrincipal) -> Response:
    """Revoke the session or bearer token used for this request."""
    token_row = db.merge(principal.token)
    revoke_token(token_row)
    record_event(db, principal.actor, AuditAction.logout, "session", request_id=request_id(request))
    db.commit()
    out = Response(status_code=204)
    out.delete_cookie(SESSION_COOKIE, path="/")
    out.delete_cookie(CSRF_COOKIE, path="/")
    return out


@router.get("/me", summary="The signed-in user")
def me(principal: CurrentPrincipal) -> UserOut:
    """Who this request is signed in as."""
    return user_out(principal.user)
