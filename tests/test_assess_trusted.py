"""Models built without validation (``trdkit._trusted``) equal their validated selves.

``ScaleResult``, ``TrialVerdict`` and ``ResearchMarker`` are built with ``trusted`` and series
results updated with ``evolve``. Over every example (under every policy) and a generated corpus,
the whole assessment must survive ``model_validate(model_dump())`` unchanged, Python types
included (an ``int`` where validation would give a ``float``, or a ``str`` where it would give an
enum member, shows in the ``repr`` of the dump). With ``TRDKIT_GOLDEN_CORPUS=DIR`` the frozen
corpus records are checked too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from conftest import EXAMPLES, ROOT, load_script
from trdkit import assess
from trdkit.assessment import Assessment
from trdkit.knowledge.policies import load_policy_table
from trdkit.record import validate_record

GOLDEN = load_script(ROOT / "scripts" / "write_golden.py", "write_golden_trusted")
CORPUS = os.environ.get("TRDKIT_GOLDEN_CORPUS")
POLICIES = list(load_policy_table().policies)


def _trusted_parts(assessment: Assessment) -> list[BaseModel]:
    return [*assessment.scales, *assessment.trd.trials, *assessment.research_markers]


def _problems(assessment: Assessment, name: str) -> list[str]:
    found = []
    again = Assessment.model_validate(assessment.model_dump())
    if again != assessment or repr(again.model_dump()) != repr(assessment.model_dump()):
        found.append(f"{name}: the assessment changes when validated again")
    for part in _trusted_parts(assessment):
        checked = type(part).model_validate(part.model_dump())
        if checked != part or repr(checked.model_dump()) != repr(part.model_dump()):
            found.append(f"{name}: {type(part).__name__} changes when validated again")
        if list(checked.__dict__) != list(part.__dict__):
            found.append(f"{name}: {type(part).__name__} field order differs")
    return found


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_assess_trusted__examples_round_trip_through_validation(example: Path, policy: str) -> None:
    assessment = GOLDEN.assess_example(example, policy)
    assert _problems(assessment, f"{example.stem}|{policy}") == []


def _corpus(count: int) -> list[dict[str, Any]]:
    if CORPUS:
        records: list[dict[str, Any]] = json.loads(
            (Path(CORPUS) / "records.json").read_text(encoding="utf-8")
        )
        return records
    drawn: list[dict[str, Any]] = GOLDEN.generated_records(count, GOLDEN.DEFAULT_SEED)
    return drawn


def test_assess_trusted__generated_corpus_round_trips_through_validation() -> None:
    records = _corpus(60)
    problems: list[str] = []
    checked = 0
    for i, doc in enumerate(records):
        policy = POLICIES[i % len(POLICIES)]
        assessment = assess(validate_record(doc), policy)
        checked += len(_trusted_parts(assessment))
        problems += _problems(assessment, f"generated-{i}|{policy}")
    assert checked > len(records)  # the corpus does exercise the trusted models
    assert problems == []
