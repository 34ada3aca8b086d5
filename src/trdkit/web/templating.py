"""Rendering the web app's pages: one Jinja2 environment, security headers, HTMX partials.

Templates live in ``web/templates``; the printable report's macros (flags, option cards,
figures) are reused from ``render/templates`` under the ``report/`` prefix, so a flag or an
option reads the same on screen and in the report. Every page is sent with a Content Security
Policy that allows this site's own scripts and styles only (figures are ``data:`` images), so an
injected script cannot run even if escaping ever failed.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)

from trdkit import __version__
from trdkit.api.deps import Ctx
from trdkit.knowledge import knowledge_version
from trdkit.render import html as report_html

__all__ = [
    "SECURITY_HEADERS",
    "environment",
    "is_htmx",
    "redirect",
    "render",
]

_HERE = Path(__file__).parent
_REPORT_TEMPLATES = Path(report_html.__file__).parent / "templates"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # Pages hold patient data: a shared computer's back button must not show them from cache.
    "Cache-Control": "no-store",
}


def _human(value: object) -> str:
    text = getattr(value, "value", value)
    return str(text).replace("_", " ")


@cache
def environment() -> Environment:
    """The Jinja2 environment of the web pages (autoescaped, strict about undefined names)."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(_HERE / "templates"),
                PrefixLoader({"report": FileSystemLoader(_REPORT_TEMPLATES)}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        human=_human,
        num=lambda v: "–" if v is None else f"{v:g}",
        yn=lambda v: "unknown" if v is None else ("yes" if v else "no"),
    )
    env.globals.update(trdkit_version=__version__, knowledge_version=knowledge_version())
    return env


def is_htmx(request: Request) -> bool:
    """Whether HTMX sent the request (it then wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    template: str,
    ctx: Ctx | None = None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page (or fragment) for the signed-in user of ``ctx`` (``None`` on the sign-in page)."""
    page = environment().get_template(template)
    body = page.render(
        request=request,
        user=ctx.user if ctx else None,
        csrf_token=(ctx.principal.token.csrf_token or "") if ctx else "",
        today=dt.date.today().isoformat(),
        **context,
    )
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def redirect(request: Request, url: str) -> Response:
    """Go to ``url`` after a form: 303 for a browser, ``HX-Redirect`` for HTMX."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
