"""Independent validation of scale scoring (validation/scales/).

Every case in ``cases.yaml`` is a list of administrations. Each is scored by trdkit
(``validate_record`` then ``score_scales``) and by the standalone ``derive.py`` (loaded by path;
it does not import trdkit). Both must give the hand-worked ``expected`` values, one entry per
administration in input order.
"""

from __future__ import annotations

import ast
from typing import Any

import pytest
import yaml

from conftest import ROOT, load_script
from trdkit.record import validate_record
from trdkit.scales import score_scales

FOLDER = ROOT / "validation" / "scales"
CASES: list[dict[str, Any]] = yaml.safe_load((FOLDER / "cases.yaml").read_text("utf-8"))["cases"]
IDS = [case["id"] for case in CASES]


DERIVE = load_script(FOLDER / "derive.py", "trdkit_validation_scales_derive")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_validation_scales__trdkit_gives_expected(case: dict[str, Any]) -> None:
    record = validate_record(
        {"id": case["id"], "assessed_on": case["assessed_on"], "scales": case["scales"]},
        source=case["id"],
    )
    results = score_scales(record.scales)
    assert len(results) == len(case["expected"])
    for result, expected in zip(results, case["expected"], strict=True):
        observed = {key: getattr(result, key) for key in expected}
        assert observed == expected, result.because


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_validation_scales__derive_gives_expected(case: dict[str, Any]) -> None:
    assert DERIVE.derive(case["scales"]) == case["expected"]


def test_validation_scales__derive_script_reports_no_mismatch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert DERIVE.main(["derive.py", str(FOLDER / "cases.yaml")]) == 0
    out = capsys.readouterr().out
    administrations = sum(len(case["scales"]) for case in CASES)
    assert sum(line.startswith("ok ") for line in out.splitlines()) == administrations
    assert "BAD" not in out


def test_validation_scales__derive_is_independent_of_trdkit() -> None:
    tree = ast.parse((FOLDER / "derive.py").read_text("utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported  # the walk found the script's imports
    assert not {name for name in imported if name.split(".")[0] == "trdkit"}


def _expected_values(instrument: str, key: str) -> set[Any]:
    return {
        expected[key]
        for case in CASES
        for adm, expected in zip(case["scales"], case["expected"], strict=True)
        if adm["instrument"] == instrument
    }


def test_validation_scales__cases_cover_every_outcome() -> None:
    assert _expected_values("phq9", "algorithm") == {
        "major_depressive_syndrome",
        "other_depressive_syndrome",
        "none",
        "undetermined",
        None,
    }
    assert {True, False} <= _expected_values("phq9", "prorated")
    assert False in _expected_values("phq9", "valid")
    assert False in _expected_values("qids_sr16", "valid")
    assert _expected_values("cssrs_screener", "risk_level") == {
        "none",
        "low",
        "moderate",
        "high",
        "not_determinable",
    }
    assert _expected_values("mdq", "positive") == {True, False, None}
