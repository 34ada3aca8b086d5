"""Mounting the web app on the API's application: pages at ``/``, static files at ``/static``.

The pages are left out of the OpenAPI document (they are not an API). Errors raised on a page
become pages; the API under ``/api`` keeps its JSON problem details.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from trdkit.web import assessments, genotypes, login, patients, trials, visits
from trdkit.web.errors import install_error_pages

__all__ = ["STATIC_DIR", "install_web"]

STATIC_DIR = Path(__file__).parent / "static"


def install_web(app: FastAPI) -> None:
    """Add the web pages, their static files and their error pages to ``app``."""
    for module in (login, patients, visits, trials, genotypes, assessments):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_pages(app)
