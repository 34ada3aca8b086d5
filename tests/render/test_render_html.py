"""The HTML report: structure, order, stamp, accessibility, self-containment, options, CLI."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from render_support import outline
from typer.testing import CliRunner

from conftest import EXAMPLES
from trdkit import assess, load_record
from trdkit.assessment import Assessment
from trdkit.cli import app
from trdkit.record import PatientRecord
from trdkit.render.html import option_view, render_html

runner = CliRunner()
TRD = next(p for p in EXAMPLES if p.stem == "trd-with-genotypes")


@cache
def _assessed(path: Path) -> tuple[PatientRecord, Assessment]:
    record = load_record(path)
    return record, assess(record)


@cache
def _html(path: Path) -> str:
    record, assessment = _assessed(path)
    return render_html(assessment, record=record, generated_on=dt.date(2026, 11, 30))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_render_html__example_is_well_formed_with_lang_and_headings(path: Path) -> None:
    doc = outline(_html(path))
    assert doc.errors == []
    assert all(e.closed for e in doc.elements if e.tag in {"section", "table", "main", "ul"})
    assert doc.find("html")[0].attrs["lang"] == "en"
    headings = doc.headings()
    assert [level for level, _ in headings].count(1) == 1
    h2 = [text for level, text in headings if level == 2]
    assert h2[0] == "Suicide risk"
    for title in ("Diagnosis and codes", "Treatment resistance", "Pharmacogenomics"):
        assert title in h2
    assert doc.find("main") and doc.find("header") and doc.find("footer")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_render_html__suicide_risk_comes_first(path: Path) -> None:
    doc = outline(_html(path))
    sections = [e.attrs["id"] for e in doc.elements if e.tag in {"section", "aside"}]
    assert sections[0] == "suicide-risk"
    assert doc.position("suicide-risk") < doc.position("diagnosis") < doc.position("flags")
    assert doc.position("flags") < doc.position("resistance") < doc.position("pgx")
    _, assessment = _assessed(path)
    suicide_text = doc.by_id("suicide-risk").text
    for flag in assessment.flags:
        if flag.id.value.startswith("suicide_risk"):
            assert flag.because[0] in suicide_text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_render_html__knowledge_stamp_in_header_and_footer(path: Path) -> None:
    _, a = _assessed(path)
    doc = outline(_html(path))
    stamp = doc.by_id("knowledge-stamp").text
    for part in (a.knowledge_version, a.knowledge_digest[:19], a.policy.id, "2026-11-30"):
        assert part in stamp
    footer = doc.find("footer")[0].text
    assert a.knowledge_version in footer and a.knowledge_digest in footer
    metas = {e.attrs.get("name"): e.attrs.get("content") for e in doc.find("meta")}
    assert metas["trdkit.knowledge-version"] == a.knowledge_version
    assert metas["dcterms.created"] == "2026-11-30"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_render_html__no_external_resources(path: Path) -> None:
    html = _html(path)
    doc = outline(html)
    assert not doc.find("script") and not doc.find("link") and not doc.find("iframe")
    for element in doc.elements:
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            value = element.attrs.get(name)
            if value is not None:
                assert value.startswith(("data:", "#")), f"<{element.tag} {name}={value[:60]}>"
    css = "\n".join(doc.styles)
    assert "@import" not in css
    assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", css))
    style_attrs = " ".join(e.attrs.get("style", "") for e in doc.elements)
    assert "url(" not in style_attrs


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_render_html__tables_and_images_are_accessible(path: Path) -> None:
    doc = outline(_html(path))
    for table_index, table in enumerate(doc.find("table")):
        start = doc.elements.index(table)
        following = doc.elements[start + 1 :]
        end = next((i for i, e in enumerate(following) if e.tag == "table"), len(following))
        cells = following[:end]
        assert any(e.tag == "th" for e in cells), f"table {table_index} has no header cell"
        assert all("scope" in e.attrs for e in cells if e.tag == "th")
    for img in doc.find("img"):
        assert len(img.attrs.get("alt", "")) > 20
    levels = [level for level, _ in doc.headings()]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_render_html__figures_are_inline_svg_with_response_lines() -> None:
    doc = outline(_html(TRD))
    images = doc.find("img")
    assert len(images) >= 2  # the PHQ-9 trajectory and the treatment timeline
    for img in images:
        head, payload = img.attrs["src"].split(",", 1)
        assert head == "data:image/svg+xml;base64"
        assert ET.fromstring(base64.b64decode(payload)).tag.endswith("svg")
    alts = " ".join(img.attrs["alt"] for img in images)
    assert "Response line at 10.5" in alts and "Remission line at 4" in alts
    assert "adequate failure" in alts


def test_render_html__trial_verdicts_stages_and_pgx_shown() -> None:
    _, a = _assessed(TRD)
    doc = outline(_html(TRD))
    resistance = doc.by_id("resistance").text
    assert a.trd.status.value.replace("_", " ") in resistance
    for verdict in a.trd.trials:
        assert verdict.because[0] in resistance
    assert "Thase-Rush" in resistance and "Maudsley" in resistance
    maudsley = a.trd.stages.maudsley
    assert maudsley is not None and f"{maudsley.score} ({maudsley.band})" in resistance
    pgx = doc.by_id("pgx").text
    for gene, call in a.pgx.genes.items():
        assert gene in pgx and str(call.diplotype) in pgx
    assert "escitalopram" in pgx


def test_render_html__research_tier_apart_after_main_with_banner() -> None:
    _, a = _assessed(TRD)
    doc = outline(_html(TRD))
    research = doc.by_id("research")
    assert research.tag == "aside"
    assert doc.position("research") > doc.elements.index(doc.find("main")[0])
    assert doc.position("research") > doc.position("pgx")
    assert "not for treatment decisions" in research.text
    assert a.research_markers[0].banner in research.text
    assert "research" not in doc.find("main")[0].attrs.get("class", "")
    main_text = doc.find("main")[0].text
    assert a.research_markers[0].statement not in main_text


def test_render_html__record_adds_medications_and_allergies() -> None:
    record, a = _assessed(EXAMPLES[0])
    record = record.model_copy(update={"current_medications": ["lithium"], "allergies": ["latex"]})
    header = outline(render_html(a, record=record)).find("header")[0].text
    assert "lithium" in header and "latex" in header
    assert "lithium" not in outline(render_html(a)).find("header")[0].text


def test_render_html__options_rendered_generically_and_escaped() -> None:
    _, a = _assessed(TRD)
    options: list[dict[str, Any]] = [
        {
            "id": "augment_lithium",
            "category": "augmentation",
            "rank": 1,
            "agents": [
                {"drug": "lithium", "dose_note": "serum 0.5-0.8 mmol/L", "pgx_action": None}
            ],
            "evidence": [{"source": "CANMAT 2023 Table 7.2", "line": "second", "level": 1}],
            "washout": None,
            "cautions": ["check renal function and TSH <script>alert(1)</script>"],
            "because": ["3 adequate failures (policy ema_2013)"],
        }
    ]
    excluded = [{"id": "esketamine", "because": ["aneurysmal vascular disease (US label)"]}]
    html = render_html(a.model_copy(update={"options": options, "excluded_options": excluded}))
    doc = outline(html)
    section = doc.by_id("options").text
    for text in ("Augment lithium", "serum 0.5-0.8 mmol/L", "CANMAT 2023 Table 7.2"):
        assert text in section
    assert "3 adequate failures (policy ema_2013)" in section
    assert "aneurysmal vascular disease (US label)" in section
    assert "Washout" not in section  # empty fields are left out
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert doc.position("options") > doc.position("pgx")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_render_html__options_section_absent_when_empty(path: Path) -> None:
    _, a = _assessed(path)
    if a.options or a.excluded_options:
        assert 'id="options"' in _html(path)
    else:
        assert 'id="options"' not in _html(path)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 500) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(["agents", "cautions", "washout", "rank", "x_y"]), _json))
def test_option_view__any_json_fields_flatten_to_text(extra: dict[str, Any]) -> None:
    view = option_view({"id": "ect", "because": ["why"], **extra})
    assert view.id == "ect" and view.because == ["why"]
    for name, lines in view.fields:
        assert name and lines and all(isinstance(line, str) for line in lines)


def test_cli_render__format_html_to_stdout_and_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(TRD), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("<!DOCTYPE html>")
    assert "Suicide risk" in result.stdout
    target = tmp_path / "report.html"
    result = runner.invoke(app, ["assess", str(TRD), "-f", "html", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert outline(target.read_text(encoding="utf-8")).find("html")[0].attrs["lang"] == "en"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_render_html__palette_meets_wcag_aa_contrast() -> None:
    css = "\n".join(outline(_html(TRD)).styles)
    palette = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    white = "#ffffff"
    pairs = [
        ("ink", white),
        ("muted", white),
        ("info", white),
        *((name, "ink") for name in ("head-bg", "research-bg")),
        *((name, "muted") for name in ("head-bg", "research-bg")),
        *((f"{level}-bg", "ink") for level in ("critical", "warning", "info", "ok")),
        *((white, level) for level in ("critical", "warning", "info")),  # badges
    ]
    for fg, bg in pairs:
        a, b = palette.get(fg, fg), palette.get(bg, bg)
        assert _contrast(a, b) >= 4.5, (fg, bg)
