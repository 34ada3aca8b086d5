"""Genotype upload and the assessment page: order of sections, downloads, audit events."""

from __future__ import annotations

from pathlib import Path

from web_a11y import a11y_problems
from web_helpers import Web

pytest_plugins = ["web_fixtures", "api_fixtures", "store_fixtures"]

VCF = Path(__file__).resolve().parents[2] / "examples" / "genotypes" / "demo-pgx-07.vcf"
SECTIONS = (
    'id="suicide-risk"',
    'id="diagnosis"',
    'id="flags"',
    'id="resistance"',
    'id="scales"',
    'id="pgx"',
    'id="options"',
    'id="research"',
)


def test_genotypes__upload_vcf_stores_calls_and_audits(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    response = client.post(
        f"/patients/{pid}/genotypes",
        data={"csrf_token": web.csrf(client)},
        files={"file": (VCF.name, VCF.read_bytes(), "text/plain")},
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and a11y_problems(page.text) == []
    assert (
        VCF.name in page.text and "CYP2C19" in page.text and "used by the assessment" in page.text
    )
    events = [(e.action, e.resource_type, e.outcome) for e in web.api.events()]
    assert ("upload", "genotype", "success") in events


def test_genotypes__unreadable_file_is_reported_and_nothing_stored(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    before = web.api.counts()
    response = client.post(
        f"/patients/{pid}/genotypes",
        data={"csrf_token": web.csrf(client)},
        files={"file": ("broken.vcf", b"not a vcf at all\n", "text/plain")},
    )
    assert response.status_code == 422
    assert "The file was not stored" in response.text
    assert web.api.counts() == before
    assert list(web.api.store.genotype_dir.iterdir()) == []


def test_genotypes__no_file_chosen_asks_for_one(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    response = client.post(f"/patients/{pid}/genotypes", data={"csrf_token": web.csrf(client)})
    assert response.status_code == 422 and "Choose a file to upload." in response.text


def test_assessment__run_then_page_in_clinical_order_with_downloads(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    page = client.get(f"/patients/{pid}/assessments")
    assert page.status_code == 200 and "ema_2013" in page.text
    response = client.post(f"/patients/{pid}/assessments", data={"csrf_token": web.csrf(client)})
    assert response.status_code == 303
    location = response.headers["location"]
    aid = location.rsplit("/", 1)[1]
    page = client.get(location)
    assert page.status_code == 200
    text = page.text
    positions = [text.index(marker) for marker in SECTIONS]
    assert positions == sorted(positions)
    assert "Research tier: not for treatment decisions" in text
    assert "knowledge 2026" in text and 'id="knowledge-stamp"' in text
    assert 'src="data:image/svg+xml;base64,' in text  # trajectory and timeline figures
    for fmt in ("pdf", "html", "json"):
        assert f"/api/patients/{pid}/assessments/{aid}/report?format={fmt}" in text
    assert a11y_problems(text) == []
    events = [(e.action, e.resource_type) for e in web.api.events() if e.resource_id == pid]
    assert ("assess", "assessment") in events and ("read", "assessment") in events


def test_assessment__report_download_works_with_the_session_cookie(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    location = client.post(
        f"/patients/{pid}/assessments", data={"csrf_token": web.csrf(client)}
    ).headers["location"]
    aid = location.rsplit("/", 1)[1]
    response = client.get(f"/api/patients/{pid}/assessments/{aid}/report?format=json")
    assert response.status_code == 200 and response.json()["patient_id"]


def test_assessment__unknown_policy_is_refused(web: Web) -> None:
    pid = web.patient()
    client = web.browser("alice")
    response = client.post(
        f"/patients/{pid}/assessments", data={"csrf_token": web.csrf(client), "policy": "nope"}
    )
    assert response.status_code == 422 and "unknown policy" in response.text


def test_assessment__other_teams_assessment_is_not_found(web: Web) -> None:
    pid = web.patient("alice")
    alice = web.browser("alice")
    location = alice.post(
        f"/patients/{pid}/assessments", data={"csrf_token": web.csrf(alice)}
    ).headers["location"]
    assert web.browser("bob").get(location).status_code == 404
    assert alice.get(f"/patients/{pid}/assessments/not-an-id").status_code == 404
