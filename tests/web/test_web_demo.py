"""``trdkit demo``: seeding the demo database end to end, without serving (``--check``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdkit.cli import app
from trdkit.store import open_store
from trdkit.store.accounts import authenticate
from trdkit.store.models import AssessmentRow, AuditEvent, GenotypeFile, Patient
from trdkit.store.repository import count_rows
from trdkit.web.demo import DEMO_PASSWORD, DEMO_TEAM, DEMO_USER

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TRDKIT_DATABASE_URL", "TRDKIT_ADMIN_PASSWORD", "TRDKIT_DEMO_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def _run(data: Path, *extra: str, env: dict[str, str] | None = None) -> str:
    args = ["demo", "--data-dir", str(data), "--examples", str(ROOT / "examples"), *extra]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_demo__check_seeds_examples_users_genotypes_and_assessments(
    tmp_path: Path, demo_env: None
) -> None:
    data = tmp_path / "demo"
    output = _run(data, "--check", "--port", "8123")
    assert f"sign in as {DEMO_USER} / {DEMO_PASSWORD}" in output
    assert "http://127.0.0.1:8123/" in output
    assert "first run: created user 'admin' with password" in output
    assert "with its genotype file" in output
    assert (data / ".gitignore").read_text() == "*\n"
    store = open_store(data)
    try:
        with store.transaction() as session:
            assert count_rows(session, Patient) == len(EXAMPLES)
            assert count_rows(session, AssessmentRow) == len(EXAMPLES)
            assert count_rows(session, GenotypeFile) == 1
            assert {p.care_team for p in session.query(Patient)} == {DEMO_TEAM}
            user = authenticate(session, DEMO_USER, DEMO_PASSWORD)
            assert user is not None and user.care_team == DEMO_TEAM
            actors = {e.actor for e in session.query(AuditEvent)}
            assert "demo-seed" in actors
        assert len(list(store.genotype_dir.iterdir())) == 1
    finally:
        store.close()


def test_demo__second_run_keeps_what_is_there(tmp_path: Path, demo_env: None) -> None:
    data = tmp_path / "demo"
    _run(data, "--check")
    output = _run(data, env={**os.environ, "TRDKIT_DEMO_EXIT_AFTER_SEED": "1"})
    assert "added:" not in output and output.count("kept:") == len(EXAMPLES)
    assert "first run" not in output
    store = open_store(data)
    try:
        with store.transaction() as session:
            assert count_rows(session, Patient) == len(EXAMPLES)
    finally:
        store.close()
