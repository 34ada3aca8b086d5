"""The pharmacogenomics panel of the text report: calls by gene, then actionable guidance."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from trdkit.pgx.model import PgxSection

__all__ = ["pgx_panel"]


def pgx_panel(pgx: PgxSection) -> RenderableType | None:
    """Genes (diplotype, phenotype, functional phenotype, source) and the drugs whose CPIC
    guidance changes something for this patient; ``None`` when there is no genotype."""
    if not pgx.genes:
        return None
    genes = Table("gene", "diplotype", "phenotype", "functional", "source", expand=True)
    for gene, call in sorted(pgx.genes.items()):
        diplotype = call.diplotype or "not called"
        if call.alternatives:
            diplotype += f" (or {', '.join(call.alternatives)})"
        functional = call.functional_phenotype or "-"
        source = call.source + (" [research grade]" if call.research_grade else "")
        genes.add_row(gene, diplotype, call.phenotype or "-", functional, source)
    parts: list[RenderableType] = [genes]
    actionable = {
        drug: g
        for drug, g in sorted(pgx.drugs.items())
        if g.action not in ("use_standard_dose", "no_recommendation")
    }
    if actionable:
        drugs = Table("drug", "action", "strength", "summary", expand=True)
        for drug, g in actionable.items():
            drugs.add_row(drug, g.action.replace("_", " "), g.strength or "-", g.summary)
        parts.append(drugs)
    standard = [d for d in sorted(pgx.drugs) if d not in actionable]
    if standard:
        parts.append(Text("No genotype-based change: " + ", ".join(standard), style="dim"))
    warnings = [f"{gene}: {w}" for gene, c in sorted(pgx.genes.items()) for w in c.warnings]
    if warnings:
        parts.append(Text("\n".join(warnings), style="yellow"))
    return Panel(Group(*parts), title="PHARMACOGENOMICS (CPIC)", title_align="left")
