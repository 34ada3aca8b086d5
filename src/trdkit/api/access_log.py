"""The server's access log without query strings.

uvicorn logs every request as ``client - "METHOD /path?query HTTP/1.1" status``. Paths carry
opaque store ids only, but a query string can carry an identifier from outside: the landing link
of a CDS Hooks card is ``/patients?fhir_patient=<the EHR's Patient id>``. Patient identifiers must
never reach a log (docs/privacy-and-audit.md), so the access log keeps the path and drops the
query, whatever parameters a page or route adds later.
"""

from __future__ import annotations

import logging

__all__ = ["ACCESS_LOGGER", "StripQuery", "install_access_log_filter"]

ACCESS_LOGGER = "uvicorn.access"
_PATH_ARG = 2  # uvicorn's access record args: (client, method, path, http_version, status)


class StripQuery(logging.Filter):
    """Remove the query string from the path of each uvicorn access-log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's path argument in place; never drop the record."""
        args = record.args
        if isinstance(args, tuple) and len(args) > _PATH_ARG:
            path = args[_PATH_ARG]
            if isinstance(path, str) and "?" in path:
                stripped = path.split("?", 1)[0] + "?…"
                record.args = (*args[:_PATH_ARG], stripped, *args[_PATH_ARG + 1 :])
        return True


def install_access_log_filter() -> None:
    """Attach ``StripQuery`` to uvicorn's access logger once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, StripQuery) for f in logger.filters):
        logger.addFilter(StripQuery())
