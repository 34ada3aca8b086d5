"""Independent validation of the diagnosis engine (validation/diagnosis/).

Every case in ``cases.yaml`` is run through trdkit (``validate_record`` then ``diagnose``) and
through the standalone ``derive.py`` (loaded by path; it does not import trdkit). Both must give
the hand-worked ``expected`` values. The code table in ``docs/diagnosis.md`` is also checked
against the knowledge table it was rendered from.
"""

from __future__ import annotations

import ast
from typing import Any

import pytest
import yaml

from conftest import ROOT, load_script
from trdkit.diagnosis import Diagnosis, diagnose
from trdkit.knowledge.diagnosis_tables import load_mdd_codes
from trdkit.record import validate_record

FOLDER = ROOT / "validation" / "diagnosis"
CASES: list[dict[str, Any]] = yaml.safe_load((FOLDER / "cases.yaml").read_text("utf-8"))["cases"]
IDS = [case["id"] for case in CASES]


DERIVE = load_script(FOLDER / "derive.py", "trdkit_validation_diagnosis_derive")


def _observed(dx: Diagnosis) -> dict[str, Any]:
    mdd = dx.mdd
    return {
        "mdd_met": mdd.met,
        "course": mdd.course,
        "icd10cm": mdd.icd10cm,
        "dsm5_icd9cm": mdd.dsm5_icd9cm,
        "label": mdd.label,
        "specifiers": mdd.specifiers,
        "additional_codes": [code.code for code in mdd.additional_codes],
        "icd10_who": dx.icd10.code,
        "icd11": dx.icd11.code,
    }


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_validation_diagnosis__trdkit_gives_expected(case: dict[str, Any]) -> None:
    dx = diagnose(validate_record(case["record"], source=case["id"]))
    assert _observed(dx) == case["expected"]
    for mention in case.get("undecided_mentions", []):
        assert any(mention in gap for gap in dx.undecided), (mention, dx.undecided)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_validation_diagnosis__derive_gives_expected(case: dict[str, Any]) -> None:
    assert DERIVE.derive(case["record"]) == case["expected"]


def test_validation_diagnosis__derive_script_reports_no_mismatch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert DERIVE.main(["derive.py", str(FOLDER / "cases.yaml")]) == 0
    out = capsys.readouterr().out
    assert sum(line.startswith("ok ") for line in out.splitlines()) == len(CASES)
    assert "BAD" not in out


def test_validation_diagnosis__derive_is_independent_of_trdkit() -> None:
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


def test_validation_diagnosis__cases_cover_every_code_table_row() -> None:
    expected_codes = {case["expected"]["icd10cm"] for case in CASES}
    assert {row.icd10cm for row in load_mdd_codes().rows} <= expected_codes


def test_validation_diagnosis__cases_cover_undecided_and_not_met() -> None:
    met = [case["expected"]["mdd_met"] for case in CASES]
    courses = [case["expected"]["course"] for case in CASES if case["expected"]["mdd_met"]]
    assert None in met and False in met
    assert None in courses


def test_validation_diagnosis__docs_code_table_matches_knowledge() -> None:
    doc = (ROOT / "docs" / "diagnosis.md").read_text("utf-8")
    for row in load_mdd_codes().rows:
        line = f"| {row.course} | {row.status} | {row.icd10cm} | {row.dsm5_icd9cm} | {row.label} |"
        assert line in doc, line
