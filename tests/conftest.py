"""Shared test fixtures: paths to the project's examples and to the read-only shared/ folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The read-only shared/ folder beside the clone (design, contract, reference, data)."""
    if not SHARED.exists():
        pytest.fail(f"shared/ not found beside the project at {SHARED}")
    return SHARED
