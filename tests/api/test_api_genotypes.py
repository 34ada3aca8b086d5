"""Genotype upload: the file is called, its calls stored, and they reach the assessment."""

from __future__ import annotations

from pathlib import Path

from api_helpers import Api
from store_records import example_data

pytest_plugins = ["api_fixtures", "store_fixtures"]

EXAMPLE = "data/pgx/examples/pcat_docs_example/input.vcf"


def _upload(api: Api, pid: str, content: bytes, name: str = "jane_doe.vcf", **form: str) -> object:
    return api.client.post(
        f"/api/patients/{pid}/genotypes",
        files={"file": (name, content, "text/plain")},
        data=form,
        headers=api.auth("alice"),
    )


def test_upload__vcf_calls_stored_and_listed(api: Api, shared_dir: Path) -> None:
    pid = api.new_patient()
    response = _upload(api, pid, (shared_dir / EXAMPLE).read_bytes())
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["sample"] == "Sample_1" and body["assembly"] == "GRCh38"
    assert body["calls"]["CYP2C19"]["diplotype"] == "*38/*38"
    assert body["calls"]["CYP2D6"]["source"] == "vcf"
    assert len(body["sha256"]) == 64
    listed = api.client.get(f"/api/patients/{pid}/genotypes", headers=api.auth("alice")).json()
    assert [f["id"] for f in listed] == [body["id"]]
    stored = list((api.store.data_dir / "genotypes").iterdir())
    assert len(stored) == 1 and "jane" not in stored[0].name


def test_upload__calls_feed_the_next_assessment(api: Api, shared_dir: Path) -> None:
    data = example_data()
    data["genetics"].pop("diplotypes")  # lab reports would win over the file's calls
    pid = api.new_patient(data=data)
    before = api.client.post(f"/api/patients/{pid}/assessments", headers=api.auth("alice"))
    assert before.json()["assessment"]["pgx"]["genes"] == {}
    _upload(api, pid, (shared_dir / EXAMPLE).read_bytes())
    run = api.client.post(f"/api/patients/{pid}/assessments", headers=api.auth("alice"))
    genes = run.json()["assessment"]["pgx"]["genes"]
    assert {g: c["source"] for g, c in genes.items()} == {
        "CYP2C19": "vcf",
        "CYP2D6": "vcf",
        "CYP2B6": "vcf",
    }


def test_upload__unreadable_file_stores_nothing(api: Api) -> None:
    pid = api.new_patient()
    before = api.counts()
    response = _upload(api, pid, b"this is not a genotype file\n")
    assert response.status_code == 422  # type: ignore[attr-defined]
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    assert str(api.store.data_dir) not in detail
    assert api.counts() == before
    assert list((api.store.data_dir / "genotypes").iterdir()) == []
    assert api.events()[-1].outcome == "invalid"


def test_upload__unknown_sample_is_422(api: Api, shared_dir: Path) -> None:
    pid = api.new_patient()
    response = _upload(api, pid, (shared_dir / EXAMPLE).read_bytes(), sample="NOPE")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert api.counts()["genotype_files"] == 0


def test_upload__too_large_is_413(api: Api, shared_dir: Path) -> None:
    pid = api.new_patient()
    api.app.state.settings = api.app.state.settings.model_copy(update={"max_upload_bytes": 100})
    response = _upload(api, pid, (shared_dir / EXAMPLE).read_bytes())
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert list((api.store.data_dir / "genotypes").iterdir()) == []


def test_delete_patient__removes_genotype_files(api: Api, shared_dir: Path) -> None:
    pid = api.new_patient()
    _upload(api, pid, (shared_dir / EXAMPLE).read_bytes())
    assert api.client.delete(f"/api/patients/{pid}", headers=api.auth("alice")).status_code == 204
    assert list((api.store.data_dir / "genotypes").iterdir()) == []
