"""Independent validation of the staging models (validation/staging/).

Every case in ``cases.yaml`` is a patient record plus the adequacy conclusions for its trials.
trdkit stages it (``stage_all``) and the standalone ``derive.py`` (loaded by path; it does not
import trdkit) derives it again; both must give the hand-worked ``expected`` values.
"""

from __future__ import annotations

import ast
from typing import Any

import pytest
import yaml

from conftest import ROOT, load_script
from trdkit.record import PatientRecord, validate_record
from trdkit.record.vocab import Outcome
from trdkit.resistance.model import Stages, TrialCategory, TrialVerdict, Verdict
from trdkit.resistance.staging import stage_all
from trdkit.scales import score_scales

FOLDER = ROOT / "validation" / "staging"
CASES: list[dict[str, Any]] = yaml.safe_load((FOLDER / "cases.yaml").read_text("utf-8"))["cases"]
IDS = [case["id"] for case in CASES]
FAILED = {Outcome.no_response, Outcome.partial_response}


DERIVE = load_script(FOLDER / "derive.py", "trdkit_validation_staging_derive")


def verdicts_of(record: PatientRecord, judged: list[dict[str, Any]]) -> list[TrialVerdict]:
    """The trial verdicts the case states, in the shape the resistance engine returns."""
    verdicts = []
    for index, (trial, said) in enumerate(zip(record.treatments, judged, strict=True)):
        failed = trial.outcome in FAILED
        counts = bool(said["adequate"]) and failed
        verdicts.append(
            TrialVerdict(
                index=index,
                treatment=trial.name,
                category=TrialCategory(said["category"]),
                drug_class=said["drug_class"],
                role=trial.role,
                episode=trial.episode,
                outcome=trial.outcome,
                weeks=trial.duration_weeks(),
                optimised=trial.optimised,
                adequate=said["adequate"],
                failed_outcome=failed,
                naive_failure=failed,
                counts_as_failure=counts,
                verdict=Verdict.adequate_failure if counts else Verdict.not_counted,
                because=["as judged in validation/staging/cases.yaml"],
            )
        )
    return verdicts


def staged(case: dict[str, Any]) -> Stages:
    record = validate_record(case["record"], source=case["id"])
    return stage_all(record, verdicts_of(record, case["judged"]), score_scales(record.scales))


def observed(stages: Stages) -> dict[str, Any]:
    msm = stages.maudsley
    maudsley = None if msm is None else {"score": msm.score, "band": msm.band, "items": msm.items}
    return {
        "thase_rush": stages.thase_rush,
        "european": stages.european,
        "mgh_s": stages.mgh_s,
        "maudsley": maudsley,
    }


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_staging_validation__trdkit_gives_expected(case: dict[str, Any]) -> None:
    stages = staged(case)
    assert observed(stages) == case["expected"], {k: v.because for k, v in stages.breakdown.items()}
    assert set(stages.breakdown) == {"thase_rush", "european", "mgh_s", "maudsley"}
    assert all(b.because and b.source for b in stages.breakdown.values())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_staging_validation__derive_gives_expected(case: dict[str, Any]) -> None:
    assert DERIVE.derive(case) == case["expected"]


def test_staging_validation__derive_script_reports_no_mismatch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert DERIVE.main(["derive.py", str(FOLDER / "cases.yaml")]) == 0
    out = capsys.readouterr().out
    assert sum(line.startswith("ok ") for line in out.splitlines()) == 4 * len(CASES)
    assert "BAD" not in out


def test_staging_validation__derive_is_independent_of_trdkit() -> None:
    tree = ast.parse((FOLDER / "derive.py").read_text("utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported
    assert not {name for name in imported if name.split(".")[0] == "trdkit"}


def test_staging_validation__cases_cover_every_level_and_boundary() -> None:
    expected = [case["expected"] for case in CASES]
    assert {e["thase_rush"] for e in expected} == {0, 1, 2, 4, 5}
    assert {e["european"] for e in expected} >= {None, "non_responder", "TRD1", "TRD2", "CRD"}
    scores = {e["maudsley"]["score"] for e in expected if e["maudsley"]}
    assert {6, 7, 10, 11} <= scores
    assert any(e["maudsley"] is None for e in expected)
    assert len(CASES) >= 6
