"""The committed JSON Schemas equal those generated from the models (run `make schema`)."""

from __future__ import annotations

import pytest

from conftest import ROOT
from trdkit.schema import SCHEMAS, schema_text


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema__committed_matches_models(name: str) -> None:
    committed = (ROOT / "docs" / "schema" / name).read_text(encoding="utf-8")
    assert committed == schema_text(name), f"docs/schema/{name} is stale: run `make schema`"
