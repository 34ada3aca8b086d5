"""Alembic migrations create exactly the tables the models describe, on both back ends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from trdkit.store import current_revision, head_revision, make_engine, migrate
from trdkit.store.migrate import downgrade
from trdkit.store.models import Base

pytest_plugins = ["store_fixtures"]


def test_migrate__empty_database_reaches_head_matching_models(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    assert current_revision(engine) is None
    migrate(engine)
    assert current_revision(engine) == head_revision() == "0002"
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == []


def test_migrate__is_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_migrate__downgrade_to_base_drops_every_table(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    migrate(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
