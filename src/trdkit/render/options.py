"""The treatment-options panel of the text report: ranked options, then what was ruled out.

Each option shows its agents (dose note, CPIC action), evidence per source, washout step,
expected outcome, cautions, monitoring and reasons; each excluded option its reasons, which name
the rules. A washout is shown before the agents: it is never an immediate start.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from trdkit.treatment import Agent, Evidence, ExcludedOption, Option

__all__ = ["options_panel"]


def _rows(label: str, items: Sequence[str], style: str = "") -> list[tuple[str, Text]]:
    return [
        (label if i == 0 else "", Text(f"- {item}", style=style)) for i, item in enumerate(items)
    ]


def _agent(agent: Agent) -> str:
    parts = [p for p in (agent.dose_note,) if p]
    if agent.pgx_action is not None:
        parts.append(f"CPIC: {agent.pgx_action.replace('_', ' ')}")
    return agent.drug + (f" ({'; '.join(parts)})" if parts else "")


def _evidence(ev: Evidence) -> str:
    line = ev.line.replace("_", " ") + " line" if ev.line in ("first", "second", "third") else ""
    text = ev.source + ": " + (line or (ev.line or "").replace("_", " "))
    if ev.level is not None:
        text += f", level {ev.level}"
    return text + (f" ({ev.note})" if ev.note else "")


def _option(option: Option) -> RenderableType:
    head = Text()
    head.append(f"{option.rank}. {option.title}", style="bold")
    head.append(f"  [{option.id.value}; {option.category.replace('_', ' ')}]", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=11, style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    rows: list[tuple[str, Text]] = []
    if option.washout is not None:
        w = option.washout
        also = f" (also stop {', '.join(w.also_stop)})" if w.also_stop else ""
        text = f"stop {w.stop}{also}, wait {w.wait_days} days: earliest start {w.earliest_start}"
        rows.append(("washout", Text(text, style="bold yellow")))
        rows += _rows("", w.because, "yellow")
    rows += _rows("agents", [_agent(a) for a in option.agents])
    rows += _rows("evidence", [_evidence(e) for e in option.evidence])
    if option.expected:
        rows.append(("expected", Text(option.expected)))
    rows += _rows("cautions", option.cautions, "yellow")
    rows += _rows("monitoring", option.monitoring)
    rows += _rows("because", option.because)
    for label, cell in rows:
        grid.add_row(label, cell)
    return Group(head, grid, Text(""))


def options_panel(
    options: Sequence[Option], excluded: Sequence[ExcludedOption]
) -> RenderableType | None:
    """The OPTIONS panel, or ``None`` when nothing was considered."""
    if not options and not excluded:
        return None
    parts: list[RenderableType] = [_option(o) for o in options]
    if not options:
        parts.append(Text("No option is offered: see the exclusions below.", style="bold"))
    if excluded:
        parts.append(Text("Ruled out:", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(ratio=1)
        for item in excluded:
            grid.add_row(item.id.value, Text("; ".join(item.because)))
        parts.append(grid)
    return Panel(
        Group(*parts),
        title="OPTIONS (ranked next steps; decision support, not a prescription)",
        title_align="left",
    )
