"""The REST API: ``create_app(settings)`` builds the FastAPI application (docs/api.md)."""

from trdkit.api.app import create_app
from trdkit.api.settings import Settings

__all__ = ["Settings", "create_app"]
