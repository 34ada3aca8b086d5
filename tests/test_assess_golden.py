"""Golden outputs of ``assess``: a change of any conclusion must be deliberate.

* Every example record's JSON (version stamps left out) equals its file under ``tests/golden/``;
  after a deliberate change run ``.venv/bin/python scripts/write_golden.py`` and review the diff.
* Generated records give the same JSON however often and in whatever order they are assessed:
  the engine's precomputed indexes and caches keep no state from one patient to the next, and
  ``assess`` does not change its input.
* With ``TRDKIT_GOLDEN_CORPUS=DIR`` (a corpus frozen by ``scripts/write_golden.py --corpus DIR``
  before a change meant to keep every output), every corpus assessment is compared (without
  the version stamps).
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ROOT, load_script
from patient_strategies import patient_dicts
from trdkit import assess
from trdkit.record import validate_record
from trdkit.render import render_json

GOLDEN = load_script(ROOT / "scripts" / "write_golden.py", "write_golden")
CORPUS = os.environ.get("TRDKIT_GOLDEN_CORPUS")


def _diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), f"golden/{name}", "assess", lineterm="", n=2
    )
    return "\n".join(list(lines)[:60])


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_assess_golden__example_matches_checked_in_file(example: Path) -> None:
    golden = GOLDEN.golden_path(example)
    assert golden.exists(), f"no {golden.name}: run scripts/write_golden.py"
    expected = golden.read_text(encoding="utf-8")
    actual = GOLDEN.golden_text(GOLDEN.assess_example(example))
    assert actual == expected, (
        f"assess({example.name}) changed; if deliberate, run scripts/write_golden.py\n"
        + _diff(expected, actual, golden.name)
    )


def test_assess_golden__every_golden_file_has_its_example() -> None:
    stored = {p.stem for p in (ROOT / "tests" / "golden").glob("*.json")}
    assert stored == {p.stem for p in EXAMPLES}


def test_assess_golden__stamps_are_left_out() -> None:
    text = GOLDEN.golden_text(GOLDEN.assess_example(EXAMPLES[0]))
    doc = json.loads(text)
    assert not set(GOLDEN.STAMPS) & set(doc)
    assert doc["format"] == "trdkit.assessment/1"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=patient_dicts(), second=patient_dicts(), policy=st.sampled_from(["ema_2013", None]))
def test_assess_golden__generated_output_independent_of_call_order(
    first: dict[str, object], second: dict[str, object], policy: str | None
) -> None:
    record = validate_record(first)
    before = record.model_dump_json()
    once = render_json(assess(record, policy))
    assess(validate_record(second), policy)
    again = render_json(assess(record, policy))
    fresh = render_json(assess(validate_record(first), policy))
    assert once == again == fresh
    assert record.model_dump_json() == before


if CORPUS:

    def test_assess_golden__corpus_matches_frozen_outputs() -> None:
        directory = Path(CORPUS)
        records = json.loads((directory / "records.json").read_text(encoding="utf-8"))
        expected: dict[str, str] = json.loads(
            (directory / "outputs.json").read_text(encoding="utf-8")
        )
        actual = GOLDEN.corpus_outputs(records)
        assert set(actual) == set(expected)
        old = {key: GOLDEN.without_stamps(text) for key, text in expected.items()}
        new = {key: GOLDEN.without_stamps(text) for key, text in actual.items()}
        differing = [key for key in old if new[key] != old[key]]
        detail = ""
        if differing:
            key = differing[0]
            detail = _diff(json.dumps(old[key], indent=1), json.dumps(new[key], indent=1), key)
        assert not differing, (
            f"{len(differing)} of {len(expected)} differ: {differing[:5]}\n{detail}"
        )
