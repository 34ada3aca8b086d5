"""Versioned, cited clinical knowledge and one loader per table.

This package holds data files and the code that reads and validates them; nothing else. Each
loader is cached, so a table is parsed once per process.
"""

from trdkit.knowledge._table import (
    KnowledgeError,
    Source,
    TableHeader,
    knowledge_digest,
    knowledge_version,
    list_tables,
    loaded_tables,
    read_csv_table,
    read_json_table,
    read_yaml_table,
)

__all__ = [
    "KnowledgeError",
    "Source",
    "TableHeader",
    "knowledge_digest",
    "knowledge_version",
    "list_tables",
    "loaded_tables",
    "read_csv_table",
    "read_json_table",
    "read_yaml_table",
]
