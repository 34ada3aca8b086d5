"""``GET /api/health``: is the service up, and on which database and schema revision."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from trdkit import __version__
from trdkit.api.deps import get_store
from trdkit.knowledge import knowledge_version
from trdkit.store.migrate import current_revision

__all__ = ["Health", "router"]

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Service status (no authentication; no data)."""

    status: Literal["ok"]
    database: str
    schema_revision: str | None
    trdkit_version: str
    knowledge_version: str


@router.get("/health", summary="Service status")
def health(request: Request) -> Health:
    """Answers when the service and its database are up."""
    engine = get_store(request).engine
    return Health(
        status="ok",
        database=engine.dialect.name,
        schema_revision=current_revision(engine),
        trdkit_version=__version__,
        knowledge_version=knowledge_version(),
    )
