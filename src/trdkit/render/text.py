"""A readable terminal report of an assessment (rich). Suicide risk always comes first."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from trdkit.assessment import Assessment
from trdkit.flags import Flag, FlagId
from trdkit.knowledge.flags import load_flag_table
from trdkit.render.options import options_panel
from trdkit.render.pgx_text import pgx_panel
from trdkit.render.timeline import trd_section_parts

__all__ = ["render_text"]

_STYLE = {"critical": "bold white on red", "warning": "bold yellow", "info": "cyan"}
_SUICIDE = (FlagId.suicide_risk, FlagId.suicide_risk_not_assessed)
_SHORT = {
    "cssrs_screener": "C-SSRS",
    "cgi_s": "CGI-S",
    "cgi_i": "CGI-I",
    "qids_sr16": "QIDS-SR16",
    "bipolarity_index": "Bipolarity Idx",
    "mdq": "MDQ",
}


def _bullets(items: list[str], indent: int = 2) -> RenderableType:
    """A list with hanging indents, so wrapped reasons stay readable."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=indent + 1, justify="right")
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row("-", Text(item))
    return grid


def _flag_lines(flags: list[Flag]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for flag in flags:
        line = Text()
        line.append(f" {flag.level.upper()} ", style=_STYLE[flag.level])
        line.append(f" {flag.title}", style="bold")
        line.append(f"  [{flag.id.value}]", style="dim")
        out.append(line)
        out.append(_bullets(flag.because, indent=4))
    return out


def _suicide_section(a: Assessment) -> RenderableType:
    flags = [f for f in a.flags if f.id in _SUICIDE]
    window = load_flag_table().settings.suicide_window_days
    if flags:
        body: list[RenderableType] = _flag_lines(flags)
        worst = "critical" if any(f.level == "critical" for f in flags) else "warning"
    else:
        body = [Text(f"No positive suicide screen within {window} days of {a.assessed_on}.")]
        worst = "info"
    return Panel(
        Group(*body),
        title="SUICIDE RISK",
        title_align="left",
        border_style="red" if worst == "critical" else "yellow",
    )


def _diagnosis_section(a: Assessment) -> RenderableType:
    d = a.diagnosis
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    mde = "met" if d.mde.met else "not met" if d.mde.met is False else "undecided"
    crit = ", ".join(
        f"{k} {'yes' if v else 'no' if v is False else '?'}" for k, v in d.mde.criteria.items()
    )
    grid.add_row(
        "Major depressive episode", f"{mde} (criterion A {d.mde.criterion_a_count}/9; {crit})"
    )
    mdd = d.mdd
    if mdd.met:
        grid.add_row("Diagnosis", mdd.label or "major depressive disorder")
        grid.add_row(
            "ICD-10-CM / DSM-5 ICD-9-CM", f"{mdd.icd10cm or '-'} / {mdd.dsm5_icd9cm or '-'}"
        )
    else:
        state = "not met" if mdd.met is False else "undecided"
        grid.add_row("Major depressive disorder", state)
    if mdd.additional_codes:
        grid.add_row(
            "Additional codes", "; ".join(f"{c.code} {c.display}" for c in mdd.additional_codes)
        )
    grid.add_row("WHO ICD-10", f"{d.icd10.code or '-'} {d.icd10.title or ''}".strip())
    grid.add_row("ICD-11", f"{d.icd11.code or '-'} {d.icd11.title or ''}".strip())
    parts: list[RenderableType] = [grid, Text("Because:", style="bold")]
    parts.append(_bullets([*d.mde.because, *mdd.because]))
    if d.undecided:
        parts.append(Text("Undecided (missing data):", style="bold yellow"))
        parts.append(_bullets(d.undecided))
    return Panel(Group(*parts), title="DIAGNOSIS", title_align="left")


def _trd_section(a: Assessment) -> RenderableType:
    parts = trd_section_parts(a.trd)
    parts.append(_bullets(a.trd.because))
    if a.trd.missing:
        parts.append(Text("Missing:", style="bold yellow"))
        parts.append(_bullets(a.trd.missing))
    title = f"TREATMENT RESISTANCE (policy {a.policy.id})"
    return Panel(Group(*parts), title=title, title_align="left")


def _research_section(a: Assessment) -> RenderableType:
    # Research markers are shown apart and plainly (no severity colours): they never drive a
    # treatment choice (issue #5; research-markers.md).
    parts: list[RenderableType] = [Text(a.research_markers[0].banner, style="italic")]
    for m in a.research_markers:
        head = f"{m.title}: {m.value}{' ' + m.unit if m.unit else ''}  [{m.grade_label}]"
        if not m.verified:
            head += "  (details unverified)"
        parts.append(Text(head, style="bold"))
        parts.append(_bullets([m.statement, *m.caution]))
    return Panel(
        Group(*parts),
        title="RESEARCH MARKERS (not for treatment decisions)",
        title_align="left",
        border_style="dim",
    )


def _scales_section(a: Assessment) -> RenderableType:
    table = Table(
        "date",
        "instrument",
        "total",
        "band",
        "change",
        "resp.",
        "remit",
        "notes",
        expand=True,
    )

    def yn(value: bool | None) -> str:
        return "-" if value is None else ("yes" if value else "no")

    for s in sorted(a.scales, key=lambda r: (r.instrument, r.date)):
        change = (
            "-" if s.change_from_baseline_pct is None else f"{s.change_from_baseline_pct:+.0f}%"
        )
        notes = []
        if s.prorated:
            notes.append("prorated")
        if s.algorithm:
            notes.append(s.algorithm.replace("_", " "))
        if s.positive is not None:
            notes.append("screen positive" if s.positive else "screen negative")
        if s.risk_level:
            notes.append(f"risk {s.risk_level}")
        table.add_row(
            str(s.date),
            _SHORT.get(s.instrument, s.name),
            "-" if s.total is None else str(s.total),
            s.band_label or "-",
            change,
            yn(s.response),
            yn(s.remission),
            "; ".join(notes),
        )
    return Panel(table, title="RATING SCALES", title_align="left")


def render_text(assessment: Assessment, *, color: bool = True, width: int = 100) -> str:
    """Render ``assessment`` as a terminal report.

    Parameters
    ----------
    assessment
        The assessment to show.
    color
        Emit ANSI colours (off when writing to a file).
    width
        Console width in characters.
    """
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    a = assessment
    age = "unknown" if a.age is None else str(a.age)
    console.print(
        Text(
            f"trdkit assessment - patient {a.patient_id} - {a.assessed_on} - age {age}",
            style="bold",
        )
    )
    console.print(_suicide_section(a))
    other = [f for f in a.flags if f.id not in _SUICIDE]
    if other:
        console.print(Panel(Group(*_flag_lines(other)), title="FLAGS", title_align="left"))
    console.print(_diagnosis_section(a))
    console.print(_trd_section(a))
    if (options := options_panel(a.options, a.excluded_options, width - 4)) is not None:
        console.print(options)
    if a.scales:
        console.print(_scales_section(a))
    if (panel := pgx_panel(a.pgx)) is not None:
        console.print(panel)
    if a.research_markers:
        console.print(_research_section(a))
    if a.rules_not_applied:
        console.print(
            Panel(
                Group(*[Text(f"- {r}") for r in a.rules_not_applied]),
                title="RULES NOT APPLIED",
                title_align="left",
            )
        )
    for warning in a.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"))
    console.print(
        Text(
            f"knowledge {a.knowledge_version} ({a.knowledge_digest[:19]}) - policy {a.policy.id} - "
            f"trdkit {a.trdkit_version}. Decision support only: the treating clinician decides.",
            style="dim",
        )
    )
    return buf.getvalue()
