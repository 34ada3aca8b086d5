"""JSON rendering of an assessment (``trdkit.assessment/1``)."""

from __future__ import annotations

from trdkit.assessment import Assessment

__all__ = ["render_json"]


def render_json(assessment: Assessment, *, indent: int | None = 2) -> str:
    """Return the assessment as JSON text, keys as the contract names them."""
    return assessment.model_dump_json(indent=indent, by_alias=True)
