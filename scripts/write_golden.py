"""Write the golden assessments of the examples into tests/golden/ (and, on request, a corpus).

``tests/test_assess_golden.py`` compares ``assess`` on every example record (default policy; the
VCF example with its genotype file called, as ``trdkit assess`` does) with the files written
here, so any change of output shows up as a failing test with a diff. The stamps that change
without any change of conclusion (``trdkit_version``, ``knowledge_version``,
``knowledge_digest``) are left out of the files. After a deliberate change of rules or knowledge,
re-run this script and review the diff of ``tests/golden/`` before committing::

    .venv/bin/python scripts/write_golden.py

Before a change that must not alter any output (an optimisation), freeze a larger corpus with
the unchanged code, outside the repository: seeded generated records (``tests/
patient_strategies.py``), each assessed under one policy in turn, plus every example under every
policy (compared without the version stamps, since other tables may be added meanwhile)::

    .venv/bin/python scripts/write_golden.py --corpus /tmp/golden --count 400

and after each step compare against it (the corpus test is collected only with the variable)::

    TRDKIT_GOLDEN_CORPUS=/tmp/golden .venv/bin/pytest -q tests/test_assess_golden.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from trdkit import assess, load_record
from trdkit.assessment import Assessment
from trdkit.knowledge.policies import load_policy_table
from trdkit.pgx.record_vcf import vcf_calls_for_record
from trdkit.record import validate_record
from trdkit.render import render_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "golden"
STAMPS = ("trdkit_version", "knowledge_version", "knowledge_digest")
DEFAULT_SEED = 20261101


def assess_example(path: Path, policy: str | None = None) -> Assessment:
    """Assess one example file the way ``trdkit assess`` does (its genotype file called)."""
    record = load_record(path)
    return assess(record, policy, vcf_calls=vcf_calls_for_record(record, path.parent))


def without_stamps(text: str) -> dict[str, Any]:
    """An assessment's JSON text parsed, without the version stamps."""
    doc: dict[str, Any] = json.loads(text)
    for key in STAMPS:
        doc.pop(key, None)
    return doc


def golden_text(assessment: Assessment) -> str:
    """The JSON rendering without the version stamps, as stored under tests/golden/."""
    return json.dumps(without_stamps(render_json(assessment)), indent=2, ensure_ascii=False) + "\n"


def golden_path(example: Path) -> Path:
    """Where the golden file of one example lives."""
    return GOLDEN / f"{example.stem}.json"


def generated_records(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` records drawn from ``patient_dicts`` with a fixed seed (plain dicts)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed

    from patient_strategies import patient_dicts

    drawn: list[dict[str, Any]] = []

    @fixed_seed(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(patient_dicts())
    def collect(doc: dict[str, Any]) -> None:
        drawn.append(doc)

    collect()
    return drawn


def corpus_outputs(records: list[dict[str, Any]]) -> dict[str, str]:
    """Full JSON of every example under every policy and of each record under one policy."""
    policies = list(load_policy_table().policies)
    outputs: dict[str, str] = {}
    for example in sorted(EXAMPLES.glob("*.yaml")):
        for policy in policies:
            outputs[f"{example.stem}|{policy}"] = render_json(assess_example(example, policy))
    for i, doc in enumerate(records):
        policy = policies[i % len(policies)]
        outputs[f"generated-{i}|{policy}"] = render_json(assess(validate_record(doc), policy))
    return outputs


def write_examples() -> None:
    """Write tests/golden/<example>.json for every example (and drop stale files)."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    examples = sorted(EXAMPLES.glob("*.yaml"))
    for example in examples:
        golden_path(example).write_text(golden_text(assess_example(example)), encoding="utf-8")
        print(f"wrote {golden_path(example).relative_to(ROOT)}")
    for stale in set(GOLDEN.glob("*.json")) - {golden_path(e) for e in examples}:
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)}")


def write_corpus(directory: Path, count: int, seed: int) -> None:
    """Write ``records.json`` and ``outputs.json`` of a corpus into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    records = generated_records(count, seed)
    (directory / "records.json").write_text(json.dumps(records), encoding="utf-8")
    outputs = corpus_outputs(records)
    (directory / "outputs.json").write_text(json.dumps(outputs), encoding="utf-8")
    print(f"wrote {len(records)} records and {len(outputs)} assessments into {directory}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="write a corpus here instead (not the repo)")
    parser.add_argument("--count", type=int, default=400, help="generated records in the corpus")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    if args.corpus is None:
        write_examples()
    else:
        write_corpus(args.corpus, args.count, args.seed)


if __name__ == "__main__":
    main()
