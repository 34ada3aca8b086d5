"""A printable, self-contained HTML report of an assessment (Jinja2 templates in ``templates/``).

The report reads top-down the way a clinician should: suicide risk first, then diagnosis and
codes, the flags that change the picture (false-TRD screen), resistance with the trial verdicts,
timeline and stages, rating scales with trajectories, pharmacogenomics, treatment options and
exclusions, and, set apart under its banner, the research tier. The knowledge version, digest,
policy and dates are stamped in the header and in every printed page's footer.

Nothing is fetched from outside: the stylesheet is inlined and figures are ``data:`` URIs, so
the file can be archived with the record and printed offline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel

from trdkit.assessment import Assessment
from trdkit.flags import Flag, FlagId
from trdkit.knowledge.flags import load_flag_table
from trdkit.record import PatientRecord
from trdkit.render.plots import VERDICT_COLOURS, Plot, timeline_plot, trajectory_plots
from trdkit.scales import ScaleResult

__all__ = [
    "OptionView",
    "codes_rows",
    "option_view",
    "pgx_rows",
    "render_html",
    "stages_rows",
    "suicide_level",
]

_TEMPLATES = Path(__file__).parent / "templates"
_SUICIDE = (FlagId.suicide_risk, FlagId.suicide_risk_not_assessed)
_LEVELS = {"critical": 0, "warning": 1, "info": 2}
_STAGE_NAMES = {
    "thase_rush": "Thase-Rush",
    "european": "European staging (Souery)",
    "mgh_s": "MGH-S",
    "maudsley": "Maudsley Staging Method",
}
# Option keys shown in the card's heading or its reasons, not in its list of fields.
_OPTION_HEAD = ("id", "rank", "category", "because", "title", "label")


@dataclass(frozen=True)
class OptionView:
    """One option (or excluded option), flattened for display whatever fields it carries."""

    id: str
    title: str
    rank: Any = None
    category: str | None = None
    fields: list[tuple[str, list[str]]] = field(default_factory=list)
    because: list[str] = field(default_factory=list)


def _human(value: object) -> str:
    """``adequate_failure`` -> ``adequate failure``; enums by their value."""
    text = getattr(value, "value", value)
    return str(text).replace("_", " ")


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:g}{unit}"


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _plain(value: Any) -> Any:
    """A pydantic model as plain data; anything else unchanged."""
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def _describe(value: Any) -> list[str]:
    """Lines of text for any JSON-like value (options come from an engine still evolving)."""
    value = _plain(value)
    if value is None or value == [] or value == {}:
        return []
    if isinstance(value, Mapping):
        parts = [f"{_human(k)}: {'; '.join(_describe(v))}" for k, v in value.items()]
        return ["; ".join(p for p in parts if not p.endswith(": "))]
    if isinstance(value, list | tuple):
        return [line for item in value for line in _describe(item)]
    if isinstance(value, bool):
        return [_yes_no(value)]
    return [str(value)]


def option_view(option: Mapping[str, Any] | BaseModel) -> OptionView:
    """Flatten one option dict into a heading, its other fields and its reasons."""
    data: Mapping[str, Any] = _plain(option)
    ident = str(data.get("id", "option"))
    title = str(data.get("title") or data.get("label") or _human(ident).capitalize())
    fields = [
        (_human(k).capitalize(), lines)
        for k, v in data.items()
        if k not in _OPTION_HEAD and (lines := _describe(v))
    ]
    category = data.get("category")
    return OptionView(
        id=ident,
        title=title,
        rank=data.get("rank"),
        category=None if category is None else _human(category),
        fields=fields,
        because=_describe(data.get("because")),
    )


def codes_rows(a: Assessment) -> list[tuple[str, str, str]]:
    """Rows (system, code, label) of every diagnosis code, shared by the report and the web page."""
    d = a.diagnosis
    rows = [
        ("ICD-10-CM (DSM-5-TR)", d.mdd.icd10cm or "–", d.mdd.label or ""),
        ("ICD-9-CM (DSM-5, 2013)", d.mdd.dsm5_icd9cm or "–", ""),
        ("WHO ICD-10", d.icd10.code or "–", d.icd10.title or ""),
        ("ICD-11", d.icd11.code or "–", d.icd11.title or ""),
    ]
    rows += [("ICD-10-CM, additional", c.code, c.display) for c in d.mdd.additional_codes]
    return rows


def _item_text(key: str, value: float | int | str | None) -> str:
    shown = value if isinstance(value, str) else _num(value)
    return f"{_human(key)} {shown}"


def stages_rows(a: Assessment) -> list[dict[str, Any]]:
    """One row per staging model with its result and item breakdown."""
    s = a.trd.stages
    results: dict[str, str | None] = {
        "thase_rush": None if s.thase_rush is None else f"stage {s.thase_rush}",
        "european": s.european,
        "mgh_s": None if s.mgh_s is None else f"{s.mgh_s:g}",
        "maudsley": None if s.maudsley is None else f"{s.maudsley.score} ({s.maudsley.band})",
    }
    rows = []
    for key, result in results.items():
        part = s.breakdown.get(key)
        if result is None and part is None:
            continue
        items: dict[str, Any] = dict(part.items) if part else {}
        because = list(part.because) if part else []
        if key == "maudsley" and s.maudsley is not None:
            items = items or dict(s.maudsley.items)
            because = because or list(s.maudsley.because)
        rows.append(
            {
                "name": _STAGE_NAMES.get(key, _human(key)),
                "result": result or "not staged",
                "item_text": ", ".join(_item_text(k, v) for k, v in items.items()),
                "because": because,
                "source": part.source if part else "",
            }
        )
    return rows


def pgx_rows(
    a: Assessment,
) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
    """Per-gene calls and per-drug guidance as plain dicts for the templates."""
    genes = [(g, dict(_plain(c))) for g, c in a.pgx.genes.items()]
    drugs = [(d, dict(_plain(g))) for d, g in a.pgx.drugs.items()]
    return genes, drugs


def _scale_notes(s: ScaleResult) -> str:
    notes = ["prorated"] if s.prorated else []
    if s.algorithm:
        notes.append(_human(s.algorithm))
    if s.positive is not None:
        notes.append("screen positive" if s.positive else "screen negative")
    if s.risk_level:
        notes.append(f"risk {_human(s.risk_level)}")
    if not s.valid:
        notes.append("undecided: items missing")
    return "; ".join(notes)


def suicide_level(flags: list[Flag]) -> str:
    """The most severe level among the suicide flags, or ``"none"``."""
    if not flags:
        return "none"
    return min((f.level for f in flags), key=_LEVELS.__getitem__)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(human=_human, num=_num, yn=_yes_no, describe=_describe)
    return env


def render_html(
    assessment: Assessment,
    *,
    record: PatientRecord | None = None,
    generated_on: dt.date | None = None,
) -> str:
    """Render ``assessment`` as a standalone HTML document.

    Parameters
    ----------
    assessment
        The assessment to report.
    record
        The record it was made from; when given, the report adds sex, current medications and
        allergies, and marks the current episode's onset on the treatment timeline.
    generated_on
        The date printed as "report generated" (default: today).

    Returns
    -------
    str
        An HTML5 document (``lang="en"``) with inline CSS and ``data:`` images only.
    """
    a = assessment
    onset = record.current_episode.onset if record and record.current_episode else None
    plots: list[Plot] = trajectory_plots(a.scales)
    timeline = timeline_plot(a.trd, episode_onset=onset, until=a.assessed_on)
    genes, drugs = pgx_rows(a)
    suicide = [f for f in a.flags if f.id in _SUICIDE]
    context = {
        "a": a,
        "record": record,
        "generated_on": (generated_on or dt.date.today()).isoformat(),
        "suicide_flags": suicide,
        "suicide_level": suicide_level(suicide),
        "suicide_window_days": load_flag_table().settings.suicide_window_days,
        "other_flags": [f for f in a.flags if f.id not in _SUICIDE],
        "codes": codes_rows(a),
        "stages": stages_rows(a),
        "trials": sorted(a.trd.trials, key=lambda v: (v.start is None, v.start or "", v.index)),
        "verdict_colours": {v.value: c for v, c in VERDICT_COLOURS.items()},
        "timeline": timeline,
        "trajectories": plots,
        "scales": [
            (s, _scale_notes(s))
            for s in sorted(a.scales, key=lambda s: (s.instrument.value, s.date))
        ],
        "pgx_genes": genes,
        "pgx_drugs": drugs,
        "options": [option_view(o) for o in a.options],
        "excluded": [option_view(o) for o in a.excluded_options],
        "import_report": [_describe(item) for item in a.import_report],
    }
    return _environment().get_template("report.html.j2").render(context)
