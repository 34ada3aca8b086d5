"""What the assessment page shows, in the order a clinician reads it.

Suicide risk first, then diagnosis and codes, the false-TRD and other flags, resistance with the
trial verdicts, the treatment timeline and stages, score trajectories, pharmacogenomics, options
and exclusions, and the research tier apart. The pieces are those of the printable report
(``trdkit.render.html`` and ``trdkit.render.plots``), so screen and paper say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trdkit.assessment import Assessment
from trdkit.flags import Flag, FlagId
from trdkit.knowledge.flags import load_flag_table
from trdkit.render import html as report
from trdkit.render.html import OptionView, option_view
from trdkit.render.plots import Plot, timeline_plot, trajectory_plots
from trdkit.resistance.model import TrialVerdict

__all__ = ["AssessmentView", "assessment_view"]

_SUICIDE = (FlagId.suicide_risk, FlagId.suicide_risk_not_assessed)


@dataclass(frozen=True)
class AssessmentView:
    """The assessment's sections, prepared for the page template."""

    suicide_flags: list[Flag]
    suicide_level: str
    suicide_window_days: int
    other_flags: list[Flag]
    codes: list[tuple[str, str, str]]
    stages: list[dict[str, Any]]
    trials: list[TrialVerdict]
    timeline: Plot | None
    trajectories: list[Plot]
    pgx_genes: list[tuple[str, dict[str, Any]]]
    pgx_drugs: list[tuple[str, dict[str, Any]]]
    options: list[OptionView]
    excluded: list[OptionView]


def assessment_view(a: Assessment) -> AssessmentView:
    """Prepare ``a`` for the page (figures as SVG ``data:`` images, like the report).

    References
    ----------
    Section order and content as in the printable report, ``docs/reports.md``.
    """
    suicide = [f for f in a.flags if f.id in _SUICIDE]
    # The report's helpers (codes, stages, PGx rows, suicide level) are reused, not re-derived,
    # so the page cannot drift from the report it offers for download.
    genes, drugs = report.pgx_rows(a)
    return AssessmentView(
        suicide_flags=suicide,
        suicide_level=report.suicide_level(suicide),
        suicide_window_days=load_flag_table().settings.suicide_window_days,
        other_flags=[f for f in a.flags if f.id not in _SUICIDE],
        codes=report.codes_rows(a),
        stages=report.stages_rows(a),
        trials=sorted(a.trd.trials, key=lambda v: (v.start is None, v.start or "", v.index)),
        timeline=timeline_plot(a.trd, until=a.assessed_on),
        trajectories=trajectory_plots(a.scales),
        pgx_genes=genes,
        pgx_drugs=drugs,
        options=[option_view(o) for o in a.options],
        excluded=[option_view(o) for o in a.excluded_options],
    )
