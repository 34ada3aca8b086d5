"""Report figures: valid SVG/PNG, response and remission lines from the rules, the timeline."""

from __future__ import annotations

import base64
import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from trdkit import assess, load_record
from trdkit.knowledge.scale_scoring import load_scale_scoring
from trdkit.record.scale_models import ScaleAdministration
from trdkit.record.vocab import Instrument
from trdkit.render.plots import (
    VERDICT_COLOURS,
    reference_levels,
    timeline_plot,
    trajectory_plots,
)
from trdkit.resistance.model import TrdResult, TrdStatus, Verdict
from trdkit.scales import ScoringOptions, score_scales

TRD = next(p for p in EXAMPLES if p.stem == "trd-with-genotypes")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _administrations(instrument: str, totals: list[int]) -> list[ScaleAdministration]:
    start = dt.date(2026, 1, 5)
    return [
        ScaleAdministration(
            instrument=Instrument(instrument), date=start + dt.timedelta(weeks=4 * i), total=t
        )
        for i, t in enumerate(totals)
    ]


def test_trajectory_plots__svg_is_valid_xml_with_data_uri() -> None:
    a = assess(load_record(TRD))
    plots = trajectory_plots(a.scales)
    assert [p.title for p in plots] == ["PHQ-9 over visits"]
    root = ET.fromstring(plots[0].data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not any(e.tag.endswith("}image") for e in root.iter())  # vectors only
    head, payload = plots[0].data_uri.split(",", 1)
    assert head == "data:image/svg+xml;base64"
    assert base64.b64decode(payload) == plots[0].data


def test_trajectory_plots__png_has_signature() -> None:
    results = score_scales(_administrations("madrs", [34, 20, 9]))
    (plot,) = trajectory_plots(results, fmt="png")
    assert plot.mime == "image/png" and plot.data.startswith(PNG_SIGNATURE)
    assert plot.data_uri.startswith("data:image/png;base64,")


def test_trajectory_plots__single_visits_and_unscored_instruments_are_skipped() -> None:
    results = score_scales(
        _administrations("phq9", [20]) + _administrations("cgi_s", [5, 4])  # CGI-S: no trend
    )
    assert trajectory_plots(results) == []


def test_trajectory_plots__same_input_gives_same_bytes() -> None:
    results = score_scales(_administrations("phq9", [21, 14, 8]))
    assert trajectory_plots(results)[0].data == trajectory_plots(results)[0].data


def test_reference_levels__phq9_lines_from_knowledge() -> None:
    rules = load_scale_scoring()["phq9"]
    assert rules.response is not None and rules.remission is not None
    pct = rules.response.min_drop_pct
    assert pct is not None
    levels = reference_levels(score_scales(_administrations("phq9", [20, 15, 12])))
    assert levels.baseline == 20 and levels.baseline_date == dt.date(2026, 1, 5)
    assert levels.response_pct == pct
    assert levels.response_at == pytest.approx(20 * (1 - pct / 100))
    assert levels.remission_at == rules.remission.max_total


def test_reference_levels__madrs_uses_cutoff_applied_by_scoring() -> None:
    alternatives = load_scale_scoring()["madrs"].remission.allowed()  # type: ignore[union-attr]
    chosen = max(alternatives)
    results = score_scales(
        _administrations("madrs", [30, 20]), ScoringOptions(madrs_remission_max=chosen)
    )
    assert reference_levels(results).remission_at == chosen
    (plot,) = trajectory_plots(results)
    assert f"Remission line at {chosen}" in plot.alt


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=27), min_size=2, max_size=6))
def test_reference_levels__response_line_agrees_with_scored_response(totals: list[int]) -> None:
    # What the figure draws and what the scorer concludes must never disagree.
    results = score_scales(_administrations("phq9", totals))
    levels = reference_levels(results)
    for result in results[1:]:
        if result.response is not None:
            assert levels.response_at is not None
            assert result.response == (
                result.total is not None and result.total <= levels.response_at
            )
        if result.remission is not None and result.total is not None:
            assert result.remission == (result.total <= (levels.remission_at or -1))


def test_timeline_plot__bars_for_dated_trials_with_verdicts() -> None:
    record = load_record(TRD)
    a = assess(record)
    assert record.current_episode is not None
    plot = timeline_plot(a.trd, episode_onset=record.current_episode.onset, until=a.assessed_on)
    assert plot is not None
    assert ET.fromstring(plot.data).tag.endswith("svg")
    for verdict in a.trd.trials:
        assert f"#{verdict.index} {verdict.treatment}" in plot.alt
        assert verdict.verdict.value.replace("_", " ") in plot.alt
    png = timeline_plot(a.trd, fmt="png")
    assert png is not None and png.data.startswith(PNG_SIGNATURE)


def test_timeline_plot__none_without_dated_trials() -> None:
    empty = TrdResult(
        status=TrdStatus.insufficient_data,
        definition="ema_2013",
        adequate_failed_trials=0,
        naive_failed_trials=0,
        because=["no trial"],
    )
    assert timeline_plot(empty) is None
    a = assess(load_record(TRD))
    undated = [v.model_copy(update={"start": None, "end": None}) for v in a.trd.trials]
    assert timeline_plot(a.trd.model_copy(update={"trials": undated})) is None
    some = [undated[0], *a.trd.trials[1:]]
    plot = timeline_plot(a.trd.model_copy(update={"trials": some}))
    assert plot is not None and "Not drawn (no start date): #0" in plot.alt


def test_verdict_colours__every_verdict_has_a_colour() -> None:
    assert set(VERDICT_COLOURS) == set(Verdict)
