"""Helpers of the report tests: a small HTML outline parser and the WeasyPrint requirement."""

from __future__ import annotations

import os
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

_VOID = {"img", "meta", "br", "link", "input", "hr", "source", "col", "area", "base", "wbr"}


def require_weasyprint() -> None:
    """Skip without WeasyPrint's system libraries (Pango), but fail on CI, where they must be."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401
    except (ImportError, OSError) as exc:
        message = f"WeasyPrint or its system libraries are missing: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (scripts/system-packages.sh installs them)")
        pytest.skip(message)


@dataclass
class Element:
    """One start tag, in document order, with the element's text (descendants included)."""

    tag: str
    attrs: dict[str, str]
    text: str = ""
    closed: bool = False


class Outline(HTMLParser):
    """Every element in document order, headings, and the open/close balance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.errors: list[str] = []
        self.styles: list[str] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1].tag != tag:
            self.errors.append(f"unexpected </{tag}>")
            return
        self._open.pop().closed = True

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data
        if self._open and self._open[-1].tag == "style":
            self.styles.append(data)

    def find(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    def by_id(self, ident: str) -> Element:
        return next(e for e in self.elements if e.attrs.get("id") == ident)

    def position(self, ident: str) -> int:
        return next(i for i, e in enumerate(self.elements) if e.attrs.get("id") == ident)

    def headings(self) -> list[tuple[int, str]]:
        return [
            (int(e.tag[1]), " ".join(e.text.split()))
            for e in self.elements
            if e.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}
        ]


def outline(html: str) -> Outline:
    """Parse ``html`` into an ``Outline``."""
    parser = Outline()
    parser.feed(html)
    parser.close()
    return parser
