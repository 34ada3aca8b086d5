"""The ``trdkit`` command line: one thin module per command over the library API."""

from __future__ import annotations

import typer

from trdkit.cli import assess as _assess
from trdkit.cli import cohort as _cohort
from trdkit.cli import drugs as _drugs
from trdkit.cli import knowledge as _knowledge
from trdkit.cli import pgx as _pgx
from trdkit.cli import serve as _serve
from trdkit.cli import user as _user
from trdkit.web import demo as _demo

__all__ = ["app", "main"]

app = typer.Typer(
    name="trdkit",
    help="Clinical decision support and research tools for treatment-resistant depression.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("assess")(_assess.assess_command)
app.command("drugs")(_drugs.drugs_command)
app.command("knowledge")(_knowledge.knowledge_command)
app.command("pgx")(_pgx.pgx_command)
app.command("serve")(_serve.serve_command)
app.command("demo")(_demo.demo_command)
app.add_typer(_user.app, name="user")
app.add_typer(_cohort.cohort_app, name="cohort")


def main() -> None:
    """Console-script entry point."""
    app()
