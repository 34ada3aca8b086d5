"""Exit codes and error printing shared by the commands (cli.md: 0 ok, 2 invalid, 1 internal)."""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.console import Console

from trdkit.record import RecordError

__all__ = ["EXIT_INTERNAL", "EXIT_INVALID", "fail_invalid"]

EXIT_INVALID = 2
EXIT_INTERNAL = 1


def fail_invalid(exc: RecordError) -> NoReturn:
    """Print a rejected input's problems (no traceback) and exit 2."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    where = f"{exc.source}: " if exc.source else ""
    err.print(f"[bold red]error:[/] {where}invalid input ({len(exc.issues)} problem(s))")
    for issue in exc.issues:
        err.print(f"  - {issue}", markup=False)
    sys.exit(EXIT_INVALID)
