"""The access log keeps paths and drops query strings (which may carry an EHR patient id)."""

from __future__ import annotations

import logging
from pathlib import Path

from trdkit.api.access_log import ACCESS_LOGGER, StripQuery, install_access_log_filter
from trdkit.api.app import create_app
from trdkit.api.settings import Settings


def _record(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        ACCESS_LOGGER,
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )


def test_strip_query__removes_the_query_and_keeps_the_path() -> None:
    record = _record("/patients?fhir_patient=EHR-12345")
    assert StripQuery().filter(record) is True
    message = record.getMessage()
    assert "EHR-12345" not in message and "/patients?…" in message


def test_strip_query__leaves_plain_paths_alone() -> None:
    record = _record("/api/health")
    StripQuery().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/health HTTP/1.1" 200'


def test_create_app__installs_the_filter_once(tmp_path: Path) -> None:
    create_app(Settings(data_dir=tmp_path))
    install_access_log_filter()
    filters = logging.getLogger(ACCESS_LOGGER).filters
    assert sum(isinstance(f, StripQuery) for f in filters) == 1
