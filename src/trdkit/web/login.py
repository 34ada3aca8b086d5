"""Signing in and out of the web app.

Both go through the API's own sign-in and sign-out (``trdkit.api.routes.auth``): the same
session cookie, CSRF token and audit events, whether a person uses the pages or a script the
API. Only the answer differs: a redirect instead of JSON.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from trdkit.api.auth import CSRF_COOKIE, SESSION_COOKIE, CurrentPrincipal
from trdkit.api.deps import DbSession
from trdkit.api.problems import ProblemError
from trdkit.api.routes import auth as api_auth
from trdkit.api.schemas import Credentials
from trdkit.cli.serve import FIRST_ADMIN
from trdkit.store.accounts import count_users, find_user, resolve_token
from trdkit.web.templating import render

__all__ = ["local_path", "router"]

router = APIRouter(include_in_schema=False)
HOME = "/patients"


def local_path(target: str | None) -> str:
    """``target`` when it is a path of this site, else the patient list (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return HOME
    return target


def _first_run(db: DbSession) -> bool:
    # Only the first-run admin exists: say where its password is, as `trdkit serve` does.
    return count_users(db) == 1 and find_user(db, FIRST_ADMIN) is not None


@router.get("/")
def home() -> Response:
    """The patient list (which asks to sign in first when needed)."""
    return RedirectResponse(HOME, status_code=303)


@router.get("/login")
def login_page(request: Request, db: DbSession, next: str = HOME) -> Response:
    """The sign-in form; a signed-in user goes straight on."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and resolve_token(db, cookie, "session") is not None:
        return RedirectResponse(local_path(next), status_code=303)
    first_run = _first_run(db)
    db.commit()
    return render(
        request,
        "login.html.j2",
        title="Sign in",
        next=local_path(next),
        username="",
        error=None,
        first_run=first_run,
    )


@router.post("/login")
def login_submit(
    request: Request,
    db: DbSession,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    """Check the credentials with the API's sign-in, keep its cookies and go on."""
    target = local_path(next)
    issued = Response()
    try:
        api_auth.login(Credentials(username=username, password=password), request, issued, db)
    except (ProblemError, ValidationError):
        return render(
            request,
            "login.html.j2",
            status=401,
            title="Sign in",
            next=target,
            username=username[:64],
            error="Wrong username or password.",
            first_run=False,
        )
    out = RedirectResponse(target, status_code=303)
    out.raw_headers.extend(h for h in issued.raw_headers if h[0] == b"set-cookie")
    return out


@router.post("/logout")
def logout(request: Request, db: DbSession, principal: CurrentPrincipal) -> Response:
    """End the session (CSRF-checked like any change) and return to the sign-in page."""
    api_auth.logout(request, db, principal)
    out = RedirectResponse("/login", status_code=303)
    out.delete_cookie(SESSION_COOKIE, path="/")
    out.delete_cookie(CSRF_COOKIE, path="/")
    return out
