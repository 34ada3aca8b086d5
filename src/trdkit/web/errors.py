"""Errors of the web pages as pages: sign-in redirects, refusals and not-found, in HTML.

The API answers its errors as JSON problem details; the same exceptions raised while serving a
page (the pages reuse the API's dependencies and route functions, so they raise the same ones)
become an HTML page, or a redirect to the sign-in page when nobody is signed in. Which one is
decided by the path: ``/api/...`` and ``/openapi.json`` keep the API's handlers untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from trdkit.api.problems import ProblemError
from trdkit.record import RecordError
from trdkit.web.templating import is_htmx, render

__all__ = ["install_error_pages", "is_api_path", "login_redirect"]

Handler = Callable[[Request, Exception], Awaitable[Response] | Response]
_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    406: "Not available",
    409: "Conflict",
    413: "File too large",
    415: "Not accepted",
    422: "Invalid input",
}
_HINTS = {
    403: "Your role does not allow this, or the form was out of date: reload the page and "
    "try again.",
    404: "There is no such page, or no such patient in your care team.",
}


def is_api_path(path: str) -> bool:
    """Whether ``path`` belongs to the REST API (which answers in JSON)."""
    return path in ("/api", "/openapi.json") or path.startswith("/api/")


def _safe_next(request: Request) -> str:
    # Only a GET can be repeated after signing in; a form post goes back to the list.
    if request.method != "GET":
        return "/patients"
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def login_redirect(request: Request) -> Response:
    """Send the browser to the sign-in page, coming back here afterwards."""
    url = "/login?next=" + quote(_safe_next(request), safe="/")
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _page(request: Request, status: int, message: str, fields: list[str] | None = None) -> Response:
    return render(
        request,
        "error.html.j2",
        status=status,
        title=_TITLES.get(status, "Error"),
        status_code=status,
        message=message,
        hint=_HINTS.get(status, ""),
        fields=fields or [],
    )


def _problem_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    if exc.status == 401:
        return login_redirect(request)
    fields = [f"{e.field}: {e.message}" for e in exc.errors or []]
    return _page(request, exc.status, exc.detail, fields)


def _http_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else ""
    return _page(request, exc.status_code, detail)


def _validation_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # The submitted values are not echoed: messages name the field only.
    fields = [
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'form'}: {e.get('msg', '')}"
        for e in exc.errors()
    ]
    return _page(request, 422, "the form is not valid; nothing was written", fields)


def _record_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RecordError)
    fields = [str(issue) for issue in exc.issues]
    return _page(request, 422, "the input was rejected; nothing was written", fields)


def _dispatch(api: Handler, page: Callable[[Request, Exception], Response]) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        if is_api_path(request.url.path):
            result = api(request, exc)
            return await result if isinstance(result, Awaitable) else result
        return page(request, exc)

    return handler


def install_error_pages(app: FastAPI) -> None:
    """Answer errors of non-API paths with pages; the API's own handlers stay for ``/api``.

    Call after ``install_problem_handlers``: the API's handlers are wrapped, not replaced.
    """
    pages: dict[type[Exception], Callable[[Request, Exception], Response]] = {
        ProblemError: _problem_page,
        StarletteHTTPException: _http_page,
        RequestValidationError: _validation_page,
        RecordError: _record_page,
    }
    for kind, page in pages.items():
        app.add_exception_handler(kind, _dispatch(app.exception_handlers[kind], page))
