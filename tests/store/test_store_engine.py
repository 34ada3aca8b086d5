"""Where data lives and how connections are set up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from trdkit.store import Store, database_url, default_data_dir, make_engine

pytest_plugins = ["store_fixtures"]


def test_default_data_dir__env_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRDKIT_DATA_DIR", str(tmp_path / "here"))
    assert default_data_dir() == tmp_path / "here"


def test_default_data_dir__per_user_dir_without_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRDKIT_DATA_DIR", raising=False)
    folder = default_data_dir()
    assert folder.name == "trdkit"
    assert folder.is_absolute()


def test_database_url__sqlite_in_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TRDKIT_DATABASE_URL", raising=False)
    assert database_url(tmp_path) == f"sqlite:///{tmp_path}/trdkit.sqlite3"


def test_database_url__env_postgres_gets_psycopg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRDKIT_DATABASE_URL", "postgresql://u@h:5432/db")
    assert database_url(Path("/nowhere")) == "postgresql+psycopg://u@h:5432/db"


def test_database_url__explicit_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRDKIT_DATABASE_URL", "postgresql://u@h/db")
    assert database_url(None, "sqlite:///x.db") == "sqlite:///x.db"


def test_make_engine__sqlite_is_wal_full_sync_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/sub/dir/t.sqlite3")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
    assert (tmp_path / "sub" / "dir" / "t.sqlite3").exists()


def test_store__transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as session:
        session.execute(
            text(
                "INSERT INTO audit_events (at, actor, action, resource_type, outcome, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'x', 'read', 'api', 'success', '{}')"
            )
        )
        raise RuntimeError("boom")
    with store.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0
