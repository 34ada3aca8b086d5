"""The treatment-options panel of the text report: ranked options, then what was ruled out.

Each option shows its washout step (first: it is never an immediate start), agents (dose note,
CPIC action), evidence per source, expected outcome, cautions, monitoring and reasons; each
excluded option its reasons, which name the rules. Lines are wrapped here with hanging indents
into one ``Text`` per option: nested rich tables are slow for a long list of options.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from trdkit.treatment import Agent, Evidence, ExcludedOption, Option

__all__ = ["options_panel"]

_LABEL = 13  # width of the label column, indent included


def _add_rows(out: Text, label: str, items: Sequence[str], width: int, style: str = "") -> None:
    for i, item in enumerate(items):
        lead = f"  {label if i == 0 else '':<{_LABEL - 2}}- "
        body = textwrap.fill(
            item,
            width=max(width, _LABEL + 20),
            initial_indent=lead,
            subsequent_indent=" " * (_LABEL + 2),
            break_on_hyphens=False,
        )
        if out.plain:
            out.append("\n")
        out.append(body[: len(lead)], style="bold")
        out.append(body[len(lead) :], style=style)


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


def _option(option: Option, width: int) -> RenderableType:
    head = Text(f"{option.rank}. {option.title}", style="bold")
    head.append(f"  [{option.id.value}; {option.category.replace('_', ' ')}]", style="dim")
    out = Text(no_wrap=True, overflow="fold")
    if option.washout is not None:
        w = option.washout
        also = f" (also stop {', '.join(w.also_stop)})" if w.also_stop else ""
        text = f"stop {w.stop}{also}, wait {w.wait_days} days: earliest start {w.earliest_start}"
        _add_rows(out, "washout", [text, *w.because], width, "bold yellow")
    _add_rows(out, "agents", [_agent(a) for a in option.agents], width)
    _add_rows(out, "evidence", [_evidence(e) for e in option.evidence], width)
    if option.expected:
        _add_rows(out, "expected", [option.expected], width)
    _add_rows(out, "cautions", option.cautions, width, "yellow")
    _add_rows(out, "monitoring", option.monitoring, width)
    _add_rows(out, "because", option.because, width)
    out.append("\n")
    return Group(head, out)


def _excluded(excluded: Sequence[ExcludedOption], width: int) -> Text:
    out = Text("Ruled out:", style="bold", no_wrap=True, overflow="fold")
    for item in excluded:
        out.append(f"\n  {item.id.value}", style="bold")
        _add_rows(out, "", item.because, width, "dim")
    return out


def options_panel(
    options: Sequence[Option], excluded: Sequence[ExcludedOption], width: int = 96
) -> RenderableType | None:
    """The OPTIONS panel (``width``: the panel's inner width), or ``None`` when empty."""
    if not options and not excluded:
        return None
    parts: list[RenderableType] = [_option(o, width) for o in options]
    if not options:
        parts.append(Text("No option is offered: see the exclusions below.", style="bold"))
    if excluded:
        parts.append(_excluded(excluded, width))
    return Panel(
        Group(*parts),
        title="OPTIONS (ranked next steps; decision support, not a prescription)",
        title_align="left",
    )
