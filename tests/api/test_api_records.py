"""Import and export of whole records in the contract format (trdkit.patient/1)."""

from __future__ import annotations

import json

import pytest
import yaml
from api_helpers import Api
from store_records import EXAMPLES

from trdkit.record import load_record, parse_record_text, validate_record

pytest_plugins = ["api_fixtures", "store_fixtures"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_import_export__yaml_round_trip_equals_the_file(api: Api, path: object) -> None:
    from pathlib import Path

    assert isinstance(path, Path)
    alice = api.auth("alice")
    response = api.client.post(
        "/api/patients/import",
        content=path.read_bytes(),
        headers={**alice, "content-type": "application/yaml"},
    )
    assert response.status_code == 201, response.text
    pid = response.json()["id"]
    exported = api.client.get(f"/api/patients/{pid}/export", headers=alice)
    assert exported.headers["content-type"].startswith("application/yaml")
    assert pid in exported.headers["content-disposition"]
    again = validate_record(parse_record_text(exported.text))
    assert again == load_record(path)


def test_import_export__json(api: Api) -> None:
    alice = api.auth("alice")
    text = json.dumps(parse_record_text(EXAMPLES[0].read_text()))
    response = api.client.post(
        "/api/patients/import", content=text, headers={**alice, "content-type": "application/json"}
    )
    assert response.status_code == 201
    pid = response.json()["id"]
    exported = api.client.get(f"/api/patients/{pid}/export?format=json", headers=alice)
    assert exported.json()["format"] == "trdkit.patient/1"
    assert validate_record(exported.json()) == load_record(EXAMPLES[0])


def test_import__unsupported_media_type_is_415(api: Api) -> None:
    response = api.client.post(
        "/api/patients/import",
        content=b"id: x",
        headers={**api.auth("alice"), "content-type": "text/plain"},
    )
    assert response.status_code == 415
    assert api.counts()["patients"] == 0


def test_import__broken_yaml_names_the_line(api: Api) -> None:
    response = api.client.post(
        "/api/patients/import",
        content=b"id: x\nage: [1,\n",
        headers={**api.auth("alice"), "content-type": "application/yaml"},
    )
    assert response.status_code == 422
    assert "line" in response.json()["errors"][0]["message"]
    assert api.counts()["patients"] == 0


def test_import__invalid_record_writes_nothing(api: Api) -> None:
    data = yaml.safe_dump({"id": "x", "age": 300})
    before = api.counts()
    response = api.client.post(
        "/api/patients/import",
        content=data.encode(),
        headers={**api.auth("alice"), "content-type": "application/x-yaml"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "age"
    assert api.counts() == before
    assert api.events()[-1].action == "import"
