"""``trdkit user add``: password from a prompt or stdin, invalid input as exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdkit.cli import app
from trdkit.store import open_store
from trdkit.store.accounts import authenticate
from trdkit.store.audit import list_events

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRDKIT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TRDKIT_DATABASE_URL", raising=False)
    return tmp_path


def test_user_add__password_stdin_creates_a_working_login(data_dir: Path) -> None:
    result = runner.invoke(
        app,
        ["user", "add", "carol", "--role", "clinician", "--team", "ward-3", "--password-stdin"],
        input="long-enough-pw\n",
    )
    assert result.exit_code == 0, result.output
    assert "created user carol (clinician in care team ward-3)" in result.output
    store = open_store(data_dir)
    try:
        with store.transaction() as session:
            user = authenticate(session, "carol", "long-enough-pw")
            assert user is not None and user.care_team == "ward-3"
            assert [(e.actor, e.action) for e in list_events(session)] == [("cli", "create")]
    finally:
        store.close()


def test_user_add__prompt_asks_twice(data_dir: Path) -> None:
    result = runner.invoke(
        app, ["user", "add", "root2", "--role", "admin"], input="s3cret-pass\ns3cret-pass\n"
    )
    assert result.exit_code == 0, result.output
    assert "s3cret-pass" not in result.output


@pytest.mark.parametrize(
    ("args", "password", "field"),
    [
        (["dave", "--role", "clinician"], "long-enough-pw", "care_team"),
        (["dave", "--role", "researcher"], "short", "password"),
        (["bad name", "--role", "admin"], "long-enough-pw", "username"),
    ],
)
def test_user_add__invalid_input_exits_2_naming_the_field(
    data_dir: Path, args: list[str], password: str, field: str
) -> None:
    result = runner.invoke(app, ["user", "add", *args, "--password-stdin"], input=password + "\n")
    assert result.exit_code == 2
    assert f"error: {field}:" in result.output
    assert "Traceback" not in result.output


def test_user_add__unknown_role_is_rejected(data_dir: Path) -> None:
    result = runner.invoke(app, ["user", "add", "eve", "--role", "nurse", "--password-stdin"])
    assert result.exit_code == 2
