"""The research tier stays a leaf: nothing that could rank treatments may import it.

Allowed importers of ``trdkit.research`` and of its knowledge table
(``trdkit.knowledge.research_markers``): the research package itself, ``assessment.py`` (which
places the cards in the output), ``render/`` (which shows them apart) and the research cohort
tools (``cohort/``, ``knowledge/cohort_genetics.py``: candidate-SNP association studies, which
rank nothing for a patient). The notes' rule: the
engine that ranks or suggests treatments must not import research-tier values, and no
recommendation rule may name a research marker id.
"""

from __future__ import annotations

import ast
from pathlib import Path

from trdkit.knowledge.research_markers import load_research_markers

SRC = Path(__file__).resolve().parents[2] / "src" / "trdkit"
FORBIDDEN = ("trdkit.research", "trdkit.knowledge.research_markers")


def _allowed(rel: Path) -> bool:
    parts = rel.parts
    return parts[0] in ("research", "render", "cohort") or rel.as_posix() in (
        "assessment.py",
        "knowledge/research_markers.py",
        "knowledge/cohort_genetics.py",
    )


def _module_name(rel: Path) -> str:
    parts = ["trdkit", *rel.with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        anchor = package[: len(package) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    # `from trdkit import research` imports the submodule too.
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def _hits(name: str) -> bool:
    return any(name == f or name.startswith(f"{f}.") for f in FORBIDDEN)


def research_violations(root: Path, marker_ids: frozenset[str]) -> list[str]:
    """Return ``path: what`` for every forbidden import or marker-id literal under ``root``."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if _allowed(rel):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module = _module_name(rel)
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            for name in _imported(node, module, is_package):
                if _hits(name):
                    found.append(f"{rel}:{getattr(node, 'lineno', 0)}: imports {name}")
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and (text in marker_ids or _hits(text)):
                found.append(f"{rel}:{getattr(node, 'lineno', 0)}: names {text!r}")
    return found


MARKER_IDS = frozenset(m.id for m in load_research_markers().markers)


def test_research_isolation__no_forbidden_importer_in_src() -> None:
    assert research_violations(SRC, MARKER_IDS) == []


def test_research_isolation__scanner_catches_every_form(tmp_path: Path) -> None:
    (tmp_path / "treatment").mkdir()
    (tmp_path / "render").mkdir()
    (tmp_path / "treatment" / "__init__.py").write_text("")
    (tmp_path / "treatment" / "a.py").write_text("import trdkit.research.markers\n")
    (tmp_path / "treatment" / "b.py").write_text("from trdkit import research\n")
    (tmp_path / "treatment" / "c.py").write_text(
        "from ..research import evaluate_research_markers\n"
    )
    (tmp_path / "treatment" / "d.py").write_text(
        "from trdkit.knowledge.research_markers import load_research_markers\n"
    )
    (tmp_path / "treatment" / "e.py").write_text("RULE = {'marker': 'bdnf_rs6265'}\n")
    (tmp_path / "treatment" / "f.py").write_text(
        "import importlib\nimportlib.import_module('trdkit.research')\n"
    )
    (tmp_path / "render" / "ok.py").write_text("from trdkit.research import ResearchMarker\n")
    (tmp_path / "assessment.py").write_text(
        "from trdkit.research import evaluate_research_markers\n"
    )
    found = research_violations(tmp_path, MARKER_IDS)
    offenders = {line.split(":")[0] for line in found}
    assert offenders == {f"treatment/{n}.py" for n in "abcdef"}


def test_research_isolation__unrelated_imports_pass(tmp_path: Path) -> None:
    (tmp_path / "treatment").mkdir()
    (tmp_path / "treatment" / "ok.py").write_text(
        "from trdkit.knowledge.drugs import load_drug_catalogue\nfrom trdkit import record\n"
        "NAME = 'research_notes_elsewhere'\n"
    )
    assert research_violations(tmp_path, MARKER_IDS) == []


def test_research_isolation__research_imports_no_face() -> None:
    faces = ("trdkit.cli", "trdkit.render", "trdkit.api", "trdkit.web", "trdkit.store")
    faces += ("trdkit.assessment", "trdkit.treatment")
    found = []
    for path in sorted((SRC / "research").rglob("*.py")):
        rel = path.relative_to(SRC)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for name in _imported(node, _module_name(rel), path.name == "__init__.py"):
                if any(name == f or name.startswith(f"{f}.") for f in faces):
                    found.append(f"{rel}: {name}")
    assert found == []
