"""``trdkit user add NAME --role clinician|researcher|admin``: create a user of the web app/API."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from trdkit.cli._errors import EXIT_INVALID

__all__ = ["app", "user_add_command"]

app = typer.Typer(help="Manage the users of the web app and API.", no_args_is_help=True)


class Role(StrEnum):
    clinician = "clinician"
    researcher = "researcher"
    admin = "admin"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@app.command("add")
def user_add_command(
    name: Annotated[str, typer.Argument(help="Username (letters, digits, . _ @ -).")],
    role: Annotated[Role, typer.Option("--role", help="What the user may do.")],
    team: Annotated[
        str | None,
        typer.Option("--team", help="Care team (required for a clinician: their patients)."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a user; the password is asked for (or read from stdin) and stored as argon2id."""
    # Imported here: the storage stack is not loaded for the other commands.
    from trdkit.store.accounts import AccountError, create_user
    from trdkit.store.audit import Actor, AuditAction, AuditDetail, record_event
    from trdkit.store.session import open_store

    password = _read_password(password_stdin)
    store = open_store()
    try:
        with store.transaction() as session:
            user = create_user(session, name, password, role.value, team)
            record_event(
                session,
                Actor(id=None, username="cli"),
                AuditAction.create,
                "user",
                str(user.id),
                detail=AuditDetail(role=role.value),
            )
    except AccountError as exc:
        typer.echo(f"error: {exc.field}: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    finally:
        store.close()
    where = f" in care team {team}" if team else ""
    typer.echo(f"created user {name} ({role.value}{where})")
