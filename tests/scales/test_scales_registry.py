"""The registry covers every instrument; the package keeps its public surface and boundaries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from scales_strategies import make

import trdkit.scales as scales
from trdkit.record.vocab import Instrument
from trdkit.scales import score_scales
from trdkit.scales.registry import SCORERS, scorer_for

PACKAGE = Path(scales.__file__).parent
FORBIDDEN = ("trdkit.cli", "trdkit.render", "trdkit.assessment")


def test_registry__every_instrument_has_a_scorer() -> None:
    assert set(SCORERS) == set(Instrument)


def test_registry__unknown_key_names_the_instrument() -> None:
    with pytest.raises(KeyError, match="no scorer"):
        scorer_for("nope")  # type: ignore[arg-type]


def test_exports__public_surface() -> None:
    assert set(scales.__all__) == {
        "Algorithm",
        "RiskLevel",
        "ScaleResult",
        "ScoringOptions",
        "score_scales",
    }
    for name in scales.__all__:
        assert hasattr(scales, name)


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_boundaries__scorers_import_no_face_or_assessment(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [m for m in imported if m.startswith(FORBIDDEN)]


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_modules__stay_under_300_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300


def test_score_scales__empty_input_gives_empty_output() -> None:
    assert score_scales([]) == []


def test_score_scales__results_keep_input_order_across_instruments() -> None:
    adms = [
        make("madrs", total=20),
        make("phq9", items=[1] * 9),
        make("cssrs_screener", items=[0] * 6),
        make("cgi_s", total=3),
    ]
    assert [r.instrument for r in score_scales(adms)] == [a.instrument for a in adms]


def test_score_scales__result_carries_the_contract_keys() -> None:
    (result,) = score_scales([make("phq9", items=[2, 3, 2, 2, 1, 2, 2, 1, 0])])
    keys = set(result.model_dump(mode="json"))
    assert {
        "instrument",
        "date",
        "total",
        "band",
        "prorated",
        "items_assessed",
        "loinc",
        "algorithm",
        "positive",
        "risk_level",
        "change_from_baseline_pct",
        "response",
        "remission",
    } <= keys
    dumped = result.model_dump(mode="json")
    assert (dumped["instrument"], dumped["date"]) == ("phq9", "2025-06-01")
    assert all(isinstance(reason, str) and reason for reason in result.because)
