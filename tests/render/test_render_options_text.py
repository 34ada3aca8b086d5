"""The OPTIONS section of the text report: after the resistance section, with the exclusions."""

from __future__ import annotations

from pathlib import Path

from trdkit.assessment import assess
from trdkit.record import load_record
from trdkit.render import render_text
from trdkit.render.options import options_panel

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _text(name: str) -> str:
    return render_text(assess(load_record(EXAMPLES / name)), color=False, width=100)


def test_render_options__after_resistance_and_before_scales() -> None:
    text = _text("trd-with-genotypes.yaml")
    assert text.index("SUICIDE RISK") < text.index("TREATMENT RESISTANCE") < text.index("OPTIONS")
    assert text.index("OPTIONS") < text.index("RATING SCALES")
    assert "1. Electroconvulsive therapy" in text


def test_render_options__shows_washout_agents_evidence_and_exclusions() -> None:
    text = _text("trd-with-genotypes.yaml")
    assert "stop venlafaxine, wait 7 days: earliest start 2026-11-09" in text
    assert "CANMAT 2023 Table 7.2: second line, level 1" in text
    assert "Ruled out:" in text and "augment_aripiprazole" in text
    assert "not_repeat_adequate_failure]" in text


def test_render_options__hanging_indent_keeps_lines_in_the_panel() -> None:
    text = _text("psychotic-depression.yaml")
    lines = [line for line in text.splitlines() if line.startswith("│")]
    assert lines and all(len(line) <= 100 for line in lines)


def test_render_options__nothing_considered_gives_no_panel() -> None:
    assert options_panel([], []) is None
