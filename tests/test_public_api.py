"""The package's public surface is explicit and importable."""

from __future__ import annotations

import trdkit


def test_public_api__all_names_exist() -> None:
    for name in trdkit.__all__:
        assert hasattr(trdkit, name), name


def test_public_api__rule_packages_never_import_faces() -> None:
    import ast
    from pathlib import Path

    root = Path(trdkit.__file__).parent
    faces = ("trdkit.cli", "trdkit.render", "trdkit.api", "trdkit.web", "trdkit.store")
    for package in ("record", "knowledge", "diagnosis", "scales", "flags"):
        for path in (root / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    assert not node.module.startswith(faces), f"{path} imports {node.module}"
