"""The HTML report printed to PDF with WeasyPrint.

The PDF is the HTML report laid out by its print stylesheet (A4, every page footed with the
knowledge version, digest, policy and dates) and carries the same stamp in its metadata (title,
keywords, creation date). WeasyPrint is only allowed ``data:`` URLs, so printing can never reach
the network or the file system, whatever the report contains.

WeasyPrint needs Pango and HarfBuzz from the system (Debian: ``libpango-1.0-0``,
``libpangoft2-1.0-0``, ``libharfbuzz-subset0``) and a font (``fonts-dejavu-core``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from trdkit.assessment import Assessment
from trdkit.record import PatientRecord
from trdkit.render.html import render_html

__all__ = ["PdfUnavailableError", "render_pdf"]


class PdfUnavailableError(RuntimeError):
    """WeasyPrint or the system libraries it needs (Pango) are not installed."""


def _weasyprint() -> Any:
    # Imported on first use: the system libraries are loaded at import time, and every other
    # output format must keep working on a machine without them.
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:
        raise PdfUnavailableError(
            "PDF output needs WeasyPrint and its system libraries (Pango, HarfBuzz): "
            f"{exc}. Install them, or use --format html."
        ) from exc
    return weasyprint


def render_pdf(
    assessment: Assessment,
    *,
    record: PatientRecord | None = None,
    generated_on: dt.date | None = None,
) -> bytes:
    """Render ``assessment`` as a PDF document.

    Parameters
    ----------
    assessment
        The assessment to report.
    record
        The record it was made from (adds medications, allergies and the episode onset).
    generated_on
        The date printed as "report generated" and stored as the creation date (default: today).

    Returns
    -------
    bytes
        The PDF file, A4, stamped with the knowledge version and dates on every page.

    Raises
    ------
    PdfUnavailableError
        When WeasyPrint or its system libraries cannot be loaded.
    """
    weasyprint = _weasyprint()
    html = render_html(assessment, record=record, generated_on=generated_on)
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=("data",))
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, media_type="print")
    pdf: bytes = document.write_pdf()
    return pdf
