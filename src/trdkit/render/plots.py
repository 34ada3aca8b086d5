"""Figures for the printable report: score trajectories and the treatment timeline.

Figures are drawn with matplotlib's Agg/SVG back ends on a bare ``Figure`` (no pyplot, so no
global state and no display) and returned as bytes with a ``data:`` URI, so a report embeds them
without any external resource. Every figure carries a text alternative that says what it shows;
the report's tables hold the same numbers for readers who cannot see the figure.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import matplotlib
import matplotlib.dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from trdkit.knowledge.instruments import load_instruments
from trdkit.knowledge.scale_scoring import load_scale_scoring
from trdkit.resistance.model import TrdResult, TrialVerdict, Verdict
from trdkit.scales.result import ScaleResult
from trdkit.scales.series import find_baseline

__all__ = [
    "VERDICT_COLOURS",
    "Plot",
    "PlotFormat",
    "ReferenceLevels",
    "reference_levels",
    "timeline_plot",
    "trajectory_plots",
]

PlotFormat = Literal["svg", "png"]
_MIME = {"svg": "image/svg+xml", "png": "image/png"}

# Okabe-Ito palette (colour-blind safe); the verdict is also written beside each bar, so colour
# is never the only carrier of meaning.
_GREY, _PALE, _SKY = "#999999", "#C8C8C8", "#56B4E9"
VERDICT_COLOURS: dict[Verdict, str] = {
    Verdict.adequate_failure: "#D55E00",
    **dict.fromkeys(
        (Verdict.inadequate_dose, Verdict.inadequate_duration, Verdict.inadequate_adherence), _SKY
    ),
    Verdict.early_stop: _SKY,
    Verdict.intolerance: "#CC79A7",
    Verdict.response: "#009E73",
    Verdict.response_lost: "#E69F00",
    Verdict.ongoing: "#0072B2",
    **dict.fromkeys((Verdict.outcome_unknown, Verdict.adequacy_undecided), _GREY),
    **dict.fromkeys((Verdict.prior_episode, Verdict.not_counted), _PALE),
}
# matplotlib.dates has no type hints: typed aliases keep the calls checked here.
_date2num: Callable[[dt.date], float] = mdates.date2num
_concise: Callable[[Any], Formatter] = mdates.ConciseDateFormatter
_STYLE: dict[Any, Any] = {
    "svg.fonttype": "path",  # text as outlines: the SVG needs no font from outside
    "svg.hashsalt": "trdkit",  # stable element ids, so the same report renders the same bytes
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Plot:
    """One rendered figure: its bytes, MIME type and a text alternative."""

    title: str
    alt: str
    mime: str
    data: bytes

    @property
    def data_uri(self) -> str:
        """The figure as a ``data:`` URI (base64), for an ``<img src>``."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class ReferenceLevels:
    """Where one instrument's response and remission lines are drawn."""

    instrument: str
    name: str
    baseline: int | None
    baseline_date: dt.date | None
    response_pct: float | None
    response_at: float | None
    remission_at: int | None


def reference_levels(results: Sequence[ScaleResult]) -> ReferenceLevels:
    """Return the response and remission levels of one instrument's administrations.

    Response is a total at or below ``baseline x (1 - drop/100)``, the percentage drop of the
    instrument's response rule; remission is a total at or below the cut-off the scale results
    applied (or the knowledge table's default when no result recorded one).

    Parameters
    ----------
    results
        Administrations of a single instrument, any order, at least one.

    References
    ----------
    Response and remission rules of ``knowledge/scale_scoring.yaml`` (e.g. Riedel 2010;
    Zimmerman 2004), as applied by ``trdkit.scales.series``.
    """
    first = results[0]
    rules = load_scale_scoring()[first.instrument.value]
    index = find_baseline(results)
    baseline = None if index is None else results[index]
    base_total = None if baseline is None else baseline.total
    pct = None
    if rules.response is not None and rules.response.kind == "percent_drop":
        pct = rules.response.min_drop_pct
    cutoff = next((r.remission_cutoff for r in results if r.remission_cutoff is not None), None)
    if cutoff is None and rules.remission is not None:
        cutoff = rules.remission.max_total
    return ReferenceLevels(
        instrument=first.instrument.value,
        name=first.name,
        baseline=base_total,
        baseline_date=None if baseline is None else baseline.date,
        response_pct=pct,
        response_at=None if pct is None or not base_total else base_total * (1 - pct / 100),
        remission_at=cutoff,
    )


def _encode(fig: Figure, fmt: PlotFormat) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    # No creation date in the file: the same assessment gives the same figure.
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buf, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
    return buf.getvalue()


def _trajectory(results: list[ScaleResult], fmt: PlotFormat) -> Plot:
    levels = reference_levels(results)
    points = sorted((r.date, r.total) for r in results if r.total is not None)
    spec = load_instruments()[levels.instrument]
    fig = Figure(figsize=(6.4, 2.6))
    ax = fig.add_subplot()
    days = [_date2num(d) for d, _ in points]
    ax.plot(days, [t for _, t in points], marker="o", color="#0072B2")
    for day, (_, total) in zip(days, points, strict=True):
        ax.annotate(str(total), (day, total), xytext=(0, 6), textcoords="offset points")
    ax.xaxis_date()
    alt = [f"{levels.name} totals: " + "; ".join(f"{t} on {d}" for d, t in points) + "."]
    if levels.response_at is not None:
        label = f"response: ≤ {levels.response_at:g} ({levels.response_pct:g}% below baseline)"
        ax.axhline(levels.response_at, color="#E69F00", linestyle="--", label=label)
        alt.append(
            f"Response line at {levels.response_at:g}, {levels.response_pct:g}% below the "
            f"baseline of {levels.baseline} ({levels.baseline_date})."
        )
    if levels.remission_at is not None:
        label = f"remission: ≤ {levels.remission_at}"
        ax.axhline(levels.remission_at, color="#009E73", linestyle=":", linewidth=2, label=label)
        alt.append(f"Remission line at {levels.remission_at} or below.")
    ax.set_ylim(spec.total_min or 0, spec.total_max or max(t for _, t in points) + 1)
    ax.set_ylabel(f"{levels.name} total")
    ax.set_title(f"{levels.name} over visits", loc="left")
    ax.xaxis.set_major_formatter(_concise(ax.xaxis.get_major_locator()))
    ax.grid(axis="y", color="#DDDDDD")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", frameon=False, fontsize=8)
    return Plot(
        title=f"{levels.name} over visits",
        alt=" ".join(alt),
        mime=_MIME[fmt],
        data=_encode(fig, fmt),
    )


def trajectory_plots(scales: Sequence[ScaleResult], *, fmt: PlotFormat = "svg") -> list[Plot]:
    """One score trajectory per instrument that tracks change and has two or more totals.

    Parameters
    ----------
    scales
        Scale results of an assessment, any instruments, any order.
    fmt
        ``"svg"`` (default; sharp in print) or ``"png"``.

    Returns
    -------
    list of Plot
        In the order instruments first appear in ``scales``; empty when nothing has a trend.
    """
    table = load_scale_scoring()
    by_instrument: dict[str, list[ScaleResult]] = defaultdict(list)
    for result in scales:
        if result.total is not None:
            by_instrument[result.instrument.value].append(result)
    with matplotlib.rc_context(_STYLE):
        return [
            _trajectory(results, fmt)
            for instrument, results in by_instrument.items()
            if table[instrument].tracks_change and len({r.date for r in results}) >= 2
        ]


def _span(v: TrialVerdict, until: dt.date | None) -> tuple[dt.date, dt.date] | None:
    if v.start is None:
        return None
    start = dt.date.fromisoformat(v.start)
    if v.end is not None:
        end = dt.date.fromisoformat(v.end)
    elif v.weeks is not None:
        end = start + dt.timedelta(weeks=v.weeks)
    elif v.verdict is Verdict.ongoing and until is not None:
        end = max(start, until)
    else:
        end = start
    # A trial of a day or less still gets a visible sliver.
    return start, max(end, start + dt.timedelta(days=3))


def _human(verdict: Verdict) -> str:
    return verdict.value.replace("_", " ")


def _trial_label(v: TrialVerdict) -> str:
    role = "" if v.role.value == "monotherapy" else f" ({v.role.value})"
    return f"#{v.index} {v.treatment}{role}"


def timeline_plot(
    trd: TrdResult,
    *,
    episode_onset: dt.date | None = None,
    until: dt.date | None = None,
    fmt: PlotFormat = "svg",
) -> Plot | None:
    """Trials as bars over time, coloured and labelled by verdict.

    Parameters
    ----------
    trd
        The resistance section; ``trd.trials`` are drawn.
    episode_onset
        Onset of the current episode, drawn as a vertical line when given.
    until
        The assessment date: where an ongoing trial without end or duration stops.
    fmt
        ``"svg"`` or ``"png"``.

    Returns
    -------
    Plot or None
        ``None`` when no trial has a start date (undated trials cannot be placed).
    """
    dated = [(v, s) for v in trd.trials if (s := _span(v, until)) is not None]
    if not dated:
        return None
    dated.sort(key=lambda pair: (pair[1][0], pair[0].index))
    undated = [v for v in trd.trials if v.start is None]
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7.0, 0.9 + 0.42 * len(dated)))
        ax = fig.add_subplot()
        for row, (v, (start, end)) in enumerate(dated):
            left, right = _date2num(start), _date2num(end)
            hatch = "//" if v.counts_as_failure else None
            colour = VERDICT_COLOURS[v.verdict]
            ax.barh(row, right - left, left=left, height=0.6, color=colour, hatch=hatch)
            ax.patches[-1].set(edgecolor="#333333", linewidth=0.5)
            text = _human(v.verdict) + (" (counted)" if v.counts_as_failure else "")
            ax.annotate(text, (right, row), xytext=(4, 0), textcoords="offset points", va="center")
        ax.set_yticks(range(len(dated)), [_trial_label(v) for v, _ in dated])
        ax.invert_yaxis()
        if episode_onset is not None:
            onset = _date2num(episode_onset)
            ax.axvline(onset, color="#333333", linestyle="--")
            ax.text(onset, 1.0, " current episode onset", transform=ax.get_xaxis_transform())
        ax.xaxis_date()
        ax.xaxis.set_major_formatter(_concise(ax.xaxis.get_major_locator()))
        ax.margins(x=0.18)
        title = "Treatment timeline (hatched: counted as an adequate failure)"
        ax.set_title(title, loc="left", pad=14)
        data = _encode(fig, fmt)
    alt = "Treatment timeline. " + "; ".join(
        f"{_trial_label(v)} from {s} to {e}: {_human(v.verdict)}" for v, (s, e) in dated
    )
    if undated:
        alt += ". Not drawn (no start date): " + ", ".join(_trial_label(v) for v in undated)
    return Plot(title="Treatment timeline", alt=alt + ".", mime=_MIME[fmt], data=data)
