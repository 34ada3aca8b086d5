"""The treatment history as a timeline: each trial drawn to scale, with its verdict."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from trdkit.resistance.model import TrdResult, TrialVerdict, Verdict

__all__ = ["timeline_table", "trd_section_parts"]

_BAR = 18
_VERDICT_STYLE = {
    Verdict.adequate_failure: "bold red",
    Verdict.response: "green",
    Verdict.response_lost: "yellow",
    Verdict.intolerance: "magenta",
    Verdict.ongoing: "cyan",
}


def _period(v: TrialVerdict) -> tuple[dt.date, dt.date] | None:
    if v.start is None:
        return None
    start = dt.date.fromisoformat(v.start)
    if v.end is not None:
        return start, dt.date.fromisoformat(v.end)
    if v.weeks is not None:
        return start, start + dt.timedelta(weeks=v.weeks)
    return start, start


def _bar(period: tuple[dt.date, dt.date] | None, lo: dt.date, hi: dt.date) -> str:
    if period is None:
        return "(undated)".ljust(_BAR)
    span = max((hi - lo).days, 1)
    a = round((period[0] - lo).days / span * (_BAR - 1))
    b = max(a, round((period[1] - lo).days / span * (_BAR - 1)))
    return " " * a + "█" * (b - a + 1) + " " * (_BAR - b - 1)


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "?"
    text = f"{value:g}"
    return f"{text}{unit}"


def timeline_table(trd: TrdResult) -> Table:
    """One row per trial in date order (undated last), with its verdict."""
    rows = sorted(trd.trials, key=lambda v: (v.start is None, v.start or "", v.index))
    periods = [p for p in (_period(v) for v in rows) if p is not None]
    lo = min((p[0] for p in periods), default=dt.date.today())
    hi = max((p[1] for p in periods), default=lo)
    table = Table(
        expand=True, caption=f"period: {lo} to {hi}, drawn to scale", caption_justify="left"
    )
    table.add_column("trial", no_wrap=True)
    table.add_column("treatment", max_width=22)
    table.add_column("period", no_wrap=True, min_width=_BAR, max_width=_BAR)
    table.add_column("mg (min)", no_wrap=True)
    table.add_column("wk (min)", no_wrap=True)
    table.add_column("outcome", ratio=1, min_width=10)
    table.add_column("verdict", ratio=1, min_width=12)
    for v in rows:
        name = v.treatment if v.role.value == "monotherapy" else f"{v.treatment} ({v.role.value})"
        if v.episode.value == "prior":
            name += " [prior episode]"
        dose = _fmt(v.dose_mg_per_day)
        if v.min_dose_mg_per_day is not None:
            dose += f" ({_fmt(v.min_dose_mg_per_day)})"
        weeks = _fmt(None if v.weeks is None else round(v.weeks, 1))
        if v.min_weeks is not None:
            weeks += f" ({_fmt(v.min_weeks)})"
        verdict = Text(v.verdict.value.replace("_", " "), style=_VERDICT_STYLE.get(v.verdict, ""))
        if v.counts_as_failure:
            verdict.append(" ✗", style="bold red")
        table.add_row(
            str(v.index),
            name,
            _bar(_period(v), lo, hi),
            dose,
            weeks,
            v.outcome.value.replace("_", " "),
            verdict,
        )
    return table


def trd_section_parts(trd: TrdResult) -> list[RenderableType]:
    """Status line, timeline and stages of the ``trd`` section."""
    head = Text()
    head.append(f"Status: {trd.status.value.replace('_', ' ').upper()}", style="bold")
    head.append(
        f"  - {trd.adequate_failed_trials} adequate failed trial(s), "
        f"{trd.naive_failed_trials} by a naive count; definition {trd.definition}"
    )
    parts: list[RenderableType] = [head]
    if trd.trials:
        parts.append(timeline_table(trd))
    s = trd.stages
    stage_bits = []
    if s.thase_rush is not None:
        stage_bits.append(f"Thase-Rush {s.thase_rush}")
    if s.european is not None:
        stage_bits.append(f"European {s.european}")
    if s.mgh_s is not None:
        stage_bits.append(f"MGH-S {s.mgh_s:g}")
    if s.maudsley is not None:
        stage_bits.append(f"Maudsley {s.maudsley.score} ({s.maudsley.band})")
    if stage_bits:
        parts.append(Text("Stages: " + " · ".join(stage_bits), style="bold"))
    return [Group(*parts)]
