"""Errors as JSON problem details (RFC 9457), and a last line of defence for the unexpected.

Every error response is ``application/problem+json`` with ``type``, ``title``, ``status`` and
``detail``; validation problems list ``errors`` as ``{"field": "scales[0].items[2]", "message":
...}``. An unexpected exception becomes a plain 500 whose log line holds the exception's type and
the request id only: exception messages and tracebacks can quote patient data, so neither is
logged nor returned.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trdkit.record import FieldIssue, RecordError
from trdkit.record.errors import format_path

__all__ = [
    "PROBLEM_TYPE_PREFIX",
    "FieldProblem",
    "Problem",
    "ProblemError",
    "RequestIdMiddleware",
    "install_problem_handlers",
    "problem_response",
]

PROBLEM_TYPE_PREFIX = "urn:trdkit:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("trdkit.api")

_TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid input",
    500: "Internal server error",
}


class FieldProblem(BaseModel):
    """One invalid input: where it is and what is wrong."""

    field: str = Field(
        description="Path of the input, e.g. 'scales[0].items[2]' or 'query.format'."
    )
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(default="about:blank", description="URI of the problem type.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(default=None, description="The request path.")
    request_id: str | None = Field(default=None, description="Quote this when reporting a bug.")
    errors: list[FieldProblem] | None = Field(
        default=None, description="For invalid input: every problem with its field."
    )


class ProblemError(Exception):
    """Raised by route code to answer with a problem (never carries patient data)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        errors: Sequence[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.errors = list(errors) if errors is not None else None
        self.headers = headers


def _request_id(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def problem_response(
    request: Request,
    status: int,
    detail: str | None,
    *,
    kind: str | None = None,
    errors: Sequence[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem-details response for ``request``."""
    body = Problem(
        type=PROBLEM_TYPE_PREFIX + kind if kind else "about:blank",
        title=_TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=_request_id(request),
        errors=list(errors) if errors is not None else None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def record_problems(issues: Sequence[FieldIssue], prefix: str = "") -> list[FieldProblem]:
    """Field problems from a rejected record or entry."""
    return [
        FieldProblem(
            field=f"{prefix}.{i.path}" if prefix and i.path else (i.path or prefix or "body"),
            message=i.message,
        )
        for i in issues
    ]


def _validation_field(loc: Sequence[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    return format_path([p if isinstance(p, int) else str(p) for p in parts]) or "body"


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request, exc.status, exc.detail, kind=exc.kind, errors=exc.errors, headers=exc.headers
    )


async def _on_record_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RecordError)
    return problem_response(
        request,
        422,
        f"the input was rejected ({len(exc.issues)} problem(s)); nothing was written",
        kind="validation",
        errors=record_problems(exc.issues),
    )


async def _on_request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # The offending input is not echoed back: error messages stay free of submitted data.
    errors = [
        FieldProblem(field=_validation_field(e.get("loc", ())), message=str(e.get("msg", "")))
        for e in exc.errors()
    ]
    return problem_response(
        request,
        422,
        "the request is not valid; nothing was written",
        kind="validation",
        errors=errors,
    )


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(request, exc.status_code, detail, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every handled error of ``app`` with problem details."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RecordError, _on_record_error)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)


class RequestIdMiddleware:
    """Gives each request an id (``X-Request-ID``) and turns any escaped exception into a 500.

    Starlette's own error middleware re-raises after answering, and the server then logs the
    traceback; this one answers and logs only the exception type and request id.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            logger.error("unhandled %s in request %s", type(exc).__name__, request_id)
            if started:
                return
            body = Problem(
                title=_TITLES[500],
                status=500,
                detail="an internal error occurred; quote the request id when reporting it",
                instance=str(scope.get("path", "")),
                request_id=request_id,
            ).model_dump(exclude_none=True)
            await send_with_id(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode())],
                }
            )
            await send_with_id({"type": "http.response.body", "body": json.dumps(body).encode()})
