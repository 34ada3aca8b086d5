"""The web app in a real headless Chromium: a clinician's whole first visit with a patient.

Uses Debian's ``chromium`` through Playwright's Python package (never ``playwright install``:
no browser is downloaded). Without the browser the test is skipped, except under ``CI=true``,
where a missing browser is a failure of the environment and the test fails.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from trdkit.api import Settings, create_app
from trdkit.store import open_store
from trdkit.store.accounts import create_user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VCF = Path(__file__).resolve().parents[2] / "examples" / "genotypes" / "demo-pgx-07.vcf"
PASSWORD = "browser-pass-1"


def _require(what: str, present: bool) -> None:
    """Fail under CI (the environment must provide it), skip elsewhere."""
    if present:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (scripts/system-packages.sh and the dev extras install it)")
    pytest.skip(f"{what} is not installed")


def _playwright() -> Any:
    _require("Debian package chromium (/usr/bin/chromium)", shutil.which(CHROMIUM) is not None)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require("Python package playwright", False)
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, with one clinician."""
    import uvicorn

    data = tmp_path / "data"
    store = open_store(data)
    with store.transaction() as session:
        create_user(session, "drweb", PASSWORD, "clinician", "ward-1")
    app = create_app(Settings(data_dir=data, secret_key="browser-test"), store=store)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=30)
    store.close()


def _days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def test_browser__sign_in_to_pdf(server: str) -> None:
    sync_playwright = _playwright()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("dialog", lambda dialog: dialog.accept())
            _walk_through(page, server)
            assert errors == []  # e.g. a script or style refused by the Content Security Policy
        finally:
            browser.close()


def _walk_through(page: Any, base: str) -> None:
    # Sign in (the list redirects to the sign-in page first); the skip link is first in tab order.
    page.goto(base + "/patients")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Username").fill("drweb")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Patients of ward-1").wait_for()

    # Create a patient through the intake form.
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("Record id").fill("BROWSER-1")
    page.get_by_label("Age (years)").fill("44")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Onset of the current episode").fill(_days_ago(300))
    for n in range(1, 8):
        page.get_by_role("group", name=re.compile(f"^A{n} ")).get_by_label("yes").check()
    page.get_by_role("button", name="Create patient").click()
    page.get_by_role("heading", name="Overview").wait_for()

    # Enter two PHQ-9s item by item (HTMX swaps the section in place).
    page.get_by_role("link", name="Visits and scales").click()
    for date, answers in (
        (_days_ago(200), [3, 3, 2, 2, 2, 2, 2, 1, 0]),
        (_days_ago(10), [2, 2, 2, 2, 1, 2, 2, 1, 0]),
    ):
        page.get_by_label("Date of the administration").fill(date)
        for i, answer in enumerate(answers):
            page.locator(f"#f-items-{i}-{answer}").check()
        page.get_by_role("button", name="Save PHQ-9").click()
        page.get_by_text(f"Saved the PHQ-9 of {date}.").wait_for()

    # Add two failed trials and correct the first one in place.
    page.get_by_role("link", name="Treatment timeline").click()
    for drug, dose, start, end in (
        ("sertraline", "150", 280, 200),
        ("venlafaxine", "225", 190, 100),
    ):
        page.get_by_label("Drug", exact=True).fill(drug)
        page.get_by_label("Dose (mg/day)").fill(dose)
        page.get_by_label("Start").fill(_days_ago(start))
        page.get_by_label("End", exact=True).fill(_days_ago(end))
        page.get_by_label("Adherence").select_option("good")
        page.get_by_label("Outcome").select_option("no_response")
        page.get_by_role("button", name="Add trial").click()
        page.get_by_text(f"Added {drug} {dose} mg/day.").wait_for()
    page.get_by_role("link", name="Edit trial 1").click()
    page.get_by_role("heading", name="Edit trial 1").wait_for()
    page.get_by_label("Improvement (%)").fill("10")
    page.get_by_role("button", name="Save trial").click()
    page.get_by_text("Saved sertraline 150 mg/day.").wait_for()
    assert page.locator("#trials tbody tr").count() == 2

    # Upload the example VCF.
    page.get_by_role("link", name="Genotypes").click()
    page.get_by_label("Genotype file (required)", exact=True).set_input_files(str(VCF))
    page.get_by_role("button", name="Upload and call").click()
    page.get_by_role("cell", name="CYP2C19").first.wait_for()

    # Run the assessment and read it: suicide risk first, options listed, research apart.
    page.get_by_role("link", name="Assessment").click()
    page.get_by_role("button", name="Run assessment").click()
    page.get_by_role("heading", name="Treatment options").wait_for()
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0] == "Suicide risk"
    assert headings.index("Treatment options") < headings.index(
        "Research tier: not for treatment decisions"
    )
    assert page.locator("#options li.option").count() >= 1
    assert page.locator("#resistance .status").inner_text().strip() != ""

    # Download the PDF report.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
