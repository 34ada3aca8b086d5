"""``trdkit serve [--host H] [--port P]``: run the web app and API with uvicorn.

On first start (no users yet) an ``admin`` user is created for the demo; its password is
``TRDKIT_ADMIN_PASSWORD`` or a generated one, printed once to the terminal.
"""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from trdkit.store.session import Store

# The server's dependencies are imported when a command runs, so that `trdkit assess` does not
# pay for loading the web stack.

__all__ = ["ensure_first_admin", "serve_command"]

FIRST_ADMIN = "admin"


def ensure_first_admin(store: Store, password: str | None = None) -> str | None:
    """Create the ``admin`` user when there are no users; returns the password used, if so."""
    from trdkit.store.accounts import count_users, create_user
    from trdkit.store.audit import Actor, AuditAction, AuditDetail, record_event

    with store.transaction() as session:
        if count_users(session) > 0:
            return None
        chosen = password or secrets.token_urlsafe(12)
        user = create_user(session, FIRST_ADMIN, chosen, "admin")
        record_event(
            session,
            Actor(id=None, username="first-run"),
            AuditAction.create,
            "user",
            str(user.id),
            detail=AuditDetail(role="admin"),
        )
        return chosen


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.", min=1, max=64)] = 1,
) -> None:
    """Run the web app and API (``/api/...``, OpenAPI at ``/openapi.json``)."""
    import uvicorn

    from trdkit.api.settings import Settings
    from trdkit.store.session import open_store

    settings = Settings.from_env()
    store = open_store(settings.data_dir, settings.database_url)
    try:
        given = os.environ.get("TRDKIT_ADMIN_PASSWORD") or None
        created = ensure_first_admin(store, given)
        database = store.engine.url.render_as_string(hide_password=True)
    finally:
        store.close()
    typer.echo(f"data directory: {settings.data_dir}", err=True)
    typer.echo(f"database: {database}", err=True)
    if created is not None:
        shown = "(from TRDKIT_ADMIN_PASSWORD)" if given else created
        typer.echo(f"first run: created user '{FIRST_ADMIN}' with password {shown}", err=True)
    typer.echo(f"serving on http://{host}:{port}/ (API under /api, /openapi.json)", err=True)
    uvicorn.run(
        "trdkit.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
    )
