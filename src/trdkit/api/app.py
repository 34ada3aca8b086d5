"""The FastAPI application: ``create_app(settings)``.

The API lives under ``/api`` and its OpenAPI document at ``/openapi.json`` (interactive docs at
``/api/docs``). The web pages, served by the same application, are added by ``trdkit.web``.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from trdkit import __version__
from trdkit.api.access_log import install_access_log_filter
from trdkit.api.problems import PROBLEM_MEDIA_TYPE, RequestIdMiddleware, install_problem_handlers
from trdkit.api.routes import (
    assess,
    assessments,
    auth,
    cds,
    genotypes,
    health,
    patients,
    records,
    research,
    scales,
    trials,
    users,
)
from trdkit.api.settings import Settings
from trdkit.api.warm import ensure_warm
from trdkit.store.session import Store, open_store

__all__ = ["create_app"]

#: The interpreter's thread switch interval in a serving process (Python's default: 5 ms).
SWITCH_INTERVAL_S = 0.0005

# Routes are matched in this order on every request, each candidate costing a few
# microseconds: the stateless assessment, the route built for throughput, comes first.
_ROUTERS = (
    assess,
    health,
    auth,
    users,
    records,
    patients,
    scales,
    trials,
    genotypes,
    assessments,
    research,
)


def _problem_content(doc: dict[str, Any]) -> dict[str, Any]:
    # FastAPI files every declared response model under application/json; problem responses
    # are application/problem+json, so their schema moves there.
    for path in doc.get("paths", {}).values():
        for operation in path.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if PROBLEM_MEDIA_TYPE in content and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return doc


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """Build the application.

    Parameters
    ----------
    settings
        Where the data lives and how sessions behave; default ``Settings.from_env()``.
    store
        An open store to use (its owner closes it); default: open and migrate the database of
        ``settings``, closed when the application stops.
    """
    settings = settings if settings is not None else Settings.from_env()
    install_access_log_filter()
    owned = store is None
    the_store = store if store is not None else open_store(settings.data_dir, settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Before the first request: a worker loads the knowledge once, instead of letting its
        # first concurrent requests wait for it (or parse the same tables side by side).
        ensure_warm()
        # The group-commit thread needs the interpreter lock for a moment between its database
        # calls, while the event loop may be assessing for milliseconds: with the default 5 ms
        # switch interval each of those moments could wait 5 ms, and a request's answer with it.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        yield
        if owned:
            the_store.close()

    app = FastAPI(
        title="trdkit",
        version=__version__,
        description="Clinical decision support for treatment-resistant depression: patients, "
        "visits, trials, genotypes, assessments and reports. Errors are RFC 9457 problem "
        "details. See docs/api.md.",
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = the_store
    install_problem_handlers(app)
    app.add_middleware(RequestIdMiddleware)
    # Each router straight under /api: a router nested in another is matched once per level
    # on every request (FastAPI's included routers), which costs more than the work of a light
    # request.
    for module in _ROUTERS:
        app.include_router(module.router, prefix="/api")
    app.include_router(cds.router)  # CDS Hooks 2.0 at /cds-services, as the spec places it
    from trdkit.web.app import install_web  # here: the web pages import the API's modules

    install_web(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _problem_content(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
