"""Shared test fixtures: paths to the project's examples and to the read-only shared/ folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def load_script(path: Path, name: str) -> ModuleType:
    """Import a script that is not in a package (scripts/, validation/) under ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The read-only shared/ folder beside the clone (design, contract, reference, data)."""
    if not SHARED.exists():
        pytest.fail(f"shared/ not found beside the project at {SHARED}")
    return SHARED
