"""A basic accessibility check of a page: ``lang``, one ``h1``, a label for every input.

Not a full WCAG audit: it catches the mistakes a template change makes most easily (an input
without a label, a second ``h1``, a missing ``lang``), on every page the tests render.
"""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["a11y_problems"]

_LABELLED = ("input", "select", "textarea")
_UNLABELLED_TYPES = ("hidden", "submit", "button", "reset", "image")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.h1 = 0
        self.inputs: list[tuple[str, str | None, bool]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.landmarks: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        elif tag in ("main", "nav", "header", "footer"):
            self.landmarks.add(tag)
        if tag in _LABELLED and a.get("type") not in _UNLABELLED_TYPES:
            named = bool(a.get("aria-label") or a.get("aria-labelledby"))
            self.inputs.append((a.get("name") or tag, a.get("id"), named or self.open_labels > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1


def a11y_problems(html: str, *, fragment: bool = False) -> list[str]:
    """Problems found in ``html`` (empty when it passes); ``fragment`` skips page-level checks."""
    page = _Page()
    page.feed(html)
    problems = []
    if not fragment:
        if not page.lang:
            problems.append("<html> has no lang attribute")
        if page.h1 != 1:
            problems.append(f"{page.h1} h1 elements (one expected)")
        if "main" not in page.landmarks:
            problems.append("no <main> landmark")
    for name, ident, wrapped in page.inputs:
        if not wrapped and (ident is None or ident not in page.label_for):
            problems.append(f"input {name!r} has no label")
    return problems
