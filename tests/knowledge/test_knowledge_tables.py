"""Every knowledge table has a complete header; the version stamp and digest behave."""

from __future__ import annotations

import re

import pytest

from trdkit.knowledge import (
    knowledge_digest,
    knowledge_version,
    list_tables,
    read_csv_table,
    read_yaml_table,
)
from trdkit.knowledge._table import KnowledgeError

TABLES = list_tables()


def test_list_tables__finds_the_spine_tables() -> None:
    for name in ("drugs.yaml", "instruments.yaml", "flags.yaml", "policies.yaml"):
        assert name in TABLES


@pytest.mark.parametrize("path", TABLES)
def test_table_header__present_and_complete(path: str) -> None:
    reader = read_csv_table if path.endswith(".csv") else read_yaml_table
    header = reader(path)[0]
    assert header.sources, path
    assert all(s.citation.strip() for s in header.sources)
    assert header.licence.strip() and header.source_version.strip()


def test_knowledge_version__is_a_calendar_release() -> None:
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", knowledge_version())


def test_knowledge_digest__covers_the_whole_set_and_is_stable() -> None:
    import hashlib

    from trdkit.knowledge._table import _read_bytes

    h = hashlib.sha256()
    for path in TABLES:
        h.update(f"{path}\0{hashlib.sha256(_read_bytes(path)).hexdigest()}\n".encode())
    assert knowledge_digest() == f"sha256:{h.hexdigest()}"
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", knowledge_digest())


def test_loaded_tables__records_each_read_with_its_hash() -> None:
    from trdkit.knowledge import loaded_tables

    read_yaml_table("flags.yaml")
    assert re.fullmatch(r"[0-9a-f]{64}", loaded_tables()["flags.yaml"])


def test_read_yaml_table__missing_table_is_a_knowledge_error() -> None:
    with pytest.raises(KnowledgeError, match="not found"):
        read_yaml_table("no-such-table.yaml")
