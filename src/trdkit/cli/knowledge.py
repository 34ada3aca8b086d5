"""``trdkit knowledge``: the knowledge tables, their sources, versions and licences."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from trdkit.knowledge import knowledge_version, list_tables, read_csv_table, read_yaml_table

__all__ = ["knowledge_command"]


def knowledge_command() -> None:
    """Show every knowledge table with its title, source version and licence."""
    table = Table(
        "table",
        "title",
        "source version",
        "licence",
        "sources",
        title=f"trdkit knowledge {knowledge_version()}",
    )
    for path in list_tables():
        reader = read_csv_table if path.endswith(".csv") else read_yaml_table
        header = reader(path)[0]
        table.add_row(
            path, header.title, header.source_version, header.licence, str(len(header.sources))
        )
    Console().print(table)
