"""Reading cited knowledge tables.

Every knowledge file carries a header that says what it is, where its facts come from, which
version of the source was used and under which licence. A file without a complete header is not
loaded: a rule whose data cannot name its source is not ready (DESIGN.md, rules of the house).

Two file shapes are read:

* YAML (``.yaml``): a mapping with a ``header`` block and the table's own keys beside it.
* CSV (``.csv``): leading ``#`` lines hold the header as YAML; the rest is an ordinary CSV with
  a column row.

Each loaded file is recorded (path and SHA-256 of its bytes, ``loaded_tables``); the assessment
stamps ``knowledge_digest``, the digest of the whole knowledge set.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import threading
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "KnowledgeError",
    "Source",
    "TableHeader",
    "knowledge_digest",
    "knowledge_version",
    "list_tables",
    "loaded_tables",
    "read_csv_table",
    "read_json_table",
    "read_yaml_table",
]

_PACKAGE = "trdkit.knowledge"
# libyaml's safe loader parses the large PGx tables ~10x faster; same safe semantics.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_lock = threading.Lock()
_loaded: dict[str, str] = {}


class KnowledgeError(RuntimeError):
    """A knowledge file is missing, malformed, or lacks its header."""


class Source(BaseModel):
    """One cited source of a table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="Short key that rows use to cite this source.")
    citation: str = Field(description="Full citation (authors, year, title, journal or publisher).")
    version: str | None = Field(default=None, description="Edition, release or retrieval date.")
    url: str | None = None
    licence: str | None = Field(default=None, description="Licence of this source when it differs.")


class TableHeader(BaseModel):
    """The header every knowledge file starts with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str = Field(description="Stable name of the table.")
    title: str
    description: str
    schema_version: int = Field(ge=1)
    sources: list[Source] = Field(min_length=1)
    source_version: str = Field(description="Version or date of the sources as used here.")
    licence: str = Field(description="Licence of this table's content.")
    notes: list[str] = Field(default_factory=list)

    def source_keys(self) -> set[str]:
        """Return the keys rows may cite."""
        return {s.key for s in self.sources}


def _read_bytes(relpath: str) -> bytes:
    try:
        return resources.files(_PACKAGE).joinpath(relpath).read_bytes()
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise KnowledgeError(f"knowledge table {relpath!r} not found") from exc


def _record(relpath: str, data: bytes) -> None:
    with _lock:
        _loaded[relpath] = hashlib.sha256(data).hexdigest()


def _parse_header(relpath: str, raw: Any) -> TableHeader:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{relpath}: the file must start with a 'header' mapping")
    try:
        return TableHeader.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeError(f"{relpath}: invalid header: {exc}") from exc


def read_yaml_table(relpath: str) -> tuple[TableHeader, dict[str, Any]]:
    """Read a YAML knowledge file and return its header and body.

    Parameters
    ----------
    relpath
        Path relative to the ``trdkit.knowledge`` package, e.g. ``"drugs.yaml"``.

    Returns
    -------
    header, body
        The validated header and the remaining top-level keys.
    """
    data = _read_bytes(relpath)
    doc = yaml.load(data, Loader=_Loader)
    if not isinstance(doc, dict) or "header" not in doc:
        raise KnowledgeError(f"{relpath}: missing the 'header' block")
    header = _parse_header(relpath, doc.pop("header"))
    _record(relpath, data)
    return header, doc


def read_json_table(relpath: str) -> tuple[TableHeader, dict[str, Any]]:
    """Read a JSON knowledge file (a top-level ``header`` object beside the body).

    JSON is parsed with the standard library, much faster than YAML for the large generated
    PGx tables.
    """
    data = _read_bytes(relpath)
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        raise KnowledgeError(f"{relpath}: not valid JSON: {exc}") from exc
    if not isinstance(doc, dict) or "header" not in doc:
        raise KnowledgeError(f"{relpath}: missing the 'header' block")
    header = _parse_header(relpath, doc.pop("header"))
    _record(relpath, data)
    return header, doc


def read_csv_table(relpath: str) -> tuple[TableHeader, list[dict[str, str]]]:
    """Read a CSV knowledge file whose leading ``#`` lines hold the YAML header.

    Parameters
    ----------
    relpath
        Path relative to the ``trdkit.knowledge`` package.

    Returns
    -------
    header, rows
        The validated header and one dict per data row (values as strings).
    """
    data = _read_bytes(relpath)
    text = data.decode("utf-8")
    head_lines: list[str] = []
    body_lines: list[str] = []
    for line in text.splitlines(keepends=True):
        if not body_lines and line.startswith("#"):
            head_lines.append(line[1:].removeprefix(" "))
        else:
            body_lines.append(line)
    head = yaml.safe_load("".join(head_lines)) if head_lines else None
    if not isinstance(head, dict) or "header" not in head:
        raise KnowledgeError(f"{relpath}: missing the '# header:' block")
    header = _parse_header(relpath, head["header"])
    rows = list(csv.DictReader(io.StringIO("".join(body_lines))))
    _record(relpath, data)
    return header, rows


def list_tables() -> list[str]:
    """Return every knowledge data file in the package (relative paths, sorted)."""
    root = resources.files(_PACKAGE)
    found: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        for child in node.iterdir():
            name = child.name
            if child.is_dir():
                if not name.startswith(("_", ".")):
                    walk(child, f"{prefix}{name}/")
            elif name.endswith((".yaml", ".csv", ".json")):
                found.append(f"{prefix}{name}")

    walk(root, "")
    return sorted(found)


def loaded_tables() -> dict[str, str]:
    """Return ``{relpath: sha256}`` for every table loaded so far in this process."""
    with _lock:
        return dict(sorted(_loaded.items()))


@functools.cache
def knowledge_digest() -> str:
    """Digest of the whole knowledge set (every table's path and bytes), as ``sha256:<hex>``.

    Every table the engine may consult is covered, not only those a given patient's rules
    touched, so two assessments made with the same knowledge carry the same digest. Tables are
    read only for hashing here; each loader still validates its own table when first used.
    """
    h = hashlib.sha256()
    for path in list_tables():
        digest = hashlib.sha256(_read_bytes(path)).hexdigest()
        h.update(f"{path}\0{digest}\n".encode())
    return f"sha256:{h.hexdigest()}"


@functools.cache
def knowledge_version() -> str:
    """Release of the knowledge set (``knowledge/VERSION``), e.g. ``2026.11.0``.

    Read once per process, like the tables and the digest it goes with.
    """
    return _read_bytes("VERSION").decode().strip()
