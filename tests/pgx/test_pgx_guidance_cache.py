"""The process-wide guidance cache returns what a fresh look-up returns, never a shared object."""

from __future__ import annotations

import pytest
from pgx_pheno_calls import call_for_key

from trdkit.knowledge.pgx_guidance import load_pgx_guidance
from trdkit.pgx import guidance as guidance_module
from trdkit.pgx.guidance import guidance_all, guidance_for
from trdkit.pgx.model import GeneCall


def _calls_of_every_row(drug: str) -> list[dict[str, GeneCall]]:
    found = []
    for row in load_pgx_guidance(drug).rows:
        calls = {g: c for g, k in row.lookup.items() if (c := call_for_key(g, k)) is not None}
        if calls:
            found.append(calls)
    return found


@pytest.mark.parametrize("drug", ["citalopram", "amitriptyline", "sertraline", "venlafaxine"])
def test_guidance_cache__cached_equals_fresh_for_every_row(drug: str) -> None:
    for calls in _calls_of_every_row(drug):
        for current in (None, ["paroxetine"], ["omeprazole", "fluoxetine"]):
            first = guidance_for(drug, calls, current)
            cached = guidance_for(drug, calls, current)
            guidance_module._RESULTS.clear()
            fresh = guidance_for(drug, calls, current)
            assert cached == fresh == first
            if cached is not None and fresh is not None:
                assert cached is not first  # a new model per call


def test_guidance_cache__changing_one_result_leaves_the_next_alone() -> None:
    calls = _calls_of_every_row("citalopram")[0]
    first = guidance_all(calls)
    before = {d: g.model_dump() for d, g in first.items()}
    for g in first.values():
        g.because.append("changed by a caller")
    again = guidance_all(calls)
    assert {d: g.model_dump() for d, g in again.items()} == before
