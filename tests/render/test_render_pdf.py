"""The PDF report (WeasyPrint): every example prints, each page is stamped, and the CLI."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

import pypdf
import pytest
from render_support import require_weasyprint
from typer.testing import CliRunner

from conftest import EXAMPLES
from trdkit import assess, load_record
from trdkit.assessment import Assessment
from trdkit.cli import app

runner = CliRunner()
DAY = dt.date(2026, 11, 30)


@cache
def _printed(path: Path) -> tuple[Assessment, bytes]:
    from trdkit.render.pdf import render_pdf

    record = load_record(path)
    assessment = assess(record)
    return assessment, render_pdf(assessment, record=record, generated_on=DAY)


needs_weasyprint = pytest.mark.usefixtures("weasyprint_ready")


@pytest.fixture
def weasyprint_ready() -> None:
    require_weasyprint()


@needs_weasyprint
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_render_pdf__example_prints_with_stamp_on_every_page(path: Path) -> None:
    a, pdf = _printed(path)
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    first = reader.pages[0].extract_text()
    assert "Suicide risk" in first and a.patient_id in first
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert f"knowledge {a.knowledge_version}" in text
        assert f"generated {DAY}" in text


@needs_weasyprint
@pytest.mark.parametrize("path", EXAMPLES[:1], ids=lambda p: p.stem)
def test_render_pdf__metadata_carries_knowledge_and_date(path: Path) -> None:
    a, pdf = _printed(path)
    meta = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    assert a.patient_id in (meta.title or "")
    assert a.knowledge_version in (meta.get("/Keywords") or "")
    assert a.knowledge_digest in (meta.get("/Keywords") or "")
    assert str(meta.get("/CreationDate", "")).startswith("D:20261130")


@needs_weasyprint
def test_render_pdf__remote_resources_are_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    import trdkit.render.pdf as pdf_module

    a = assess(load_record(EXAMPLES[0]))
    poisoned = '<img src="http://192.0.2.1/x.png" alt="x"><link rel="stylesheet" href="file:///etc/passwd">'
    monkeypatch.setattr(pdf_module, "render_html", lambda *_a, **_k: f"<p>hi</p>{poisoned}")
    calls: list[str] = []

    import urllib.request

    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda *args, **_k: calls.append(str(args[1]))
    )
    assert pdf_module.render_pdf(a).startswith(b"%PDF-")
    assert calls == []


@needs_weasyprint
def test_cli_render__format_pdf_writes_file(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    result = runner.invoke(app, ["assess", str(EXAMPLES[0]), "--format", "pdf", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")
    assert len(pypdf.PdfReader(target).pages) >= 1


def test_cli_render__format_pdf_without_output_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(EXAMPLES[0]), "--format", "pdf"])
    assert result.exit_code == 2
    assert "--output" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
