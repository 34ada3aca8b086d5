"""``trdkit drugs [NAME]``: list the drug catalogue, or look one name up."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from trdkit.knowledge.drugs import load_drug_catalogue

__all__ = ["drugs_command"]


def drugs_command(
    name: Annotated[str | None, typer.Argument(help="A drug name to resolve.")] = None,
) -> None:
    """List the drugs a record may name (generic and brand names), or resolve one name."""
    catalogue = load_drug_catalogue()
    console = Console()
    if name is not None:
        drug = catalogue.resolve(name)
        if drug is None:
            close = ", ".join(catalogue.suggest(name)) or "none"
            console.print(f"unknown drug {name!r}; close matches: {close}", markup=False)
            raise typer.Exit(2)
        console.print(f"{name} -> {drug.id} ({drug.drug_class.value}; {drug.mechanism})")
        return
    table = Table("id", "class", "kind", "synonyms", "RxNorm", title="trdkit drug catalogue")
    for drug in sorted(catalogue.drugs.values(), key=lambda d: (d.kind.value, d.id)):
        table.add_row(
            drug.id,
            drug.drug_class.value,
            drug.kind.value,
            ", ".join(drug.synonyms),
            drug.rxnorm or "",
        )
    console.print(table)
