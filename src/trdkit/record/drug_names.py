"""Resolving the drug names a record holds through the drug catalogue."""

from __future__ import annotations

from trdkit.knowledge.drugs import load_drug_catalogue

__all__ = ["canonical_drug", "canonical_or_given"]


def canonical_drug(name: str) -> str:
    """Return the catalogue id of ``name`` (generic or brand, any case).

    Raises
    ------
    ValueError
        When the catalogue does not know the name, with close matches to choose from.
    """
    catalogue = load_drug_catalogue()
    drug = catalogue.resolve(name)
    if drug is None:
        close = catalogue.suggest(name)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"unknown drug {name!r}{hint} (use a generic or brand name from the drug catalogue: "
            "`trdkit drugs` lists them)"
        )
    return drug.id


def canonical_or_given(name: str) -> str:
    """Return the catalogue id of ``name`` when known, else the name as typed (stripped)."""
    drug = load_drug_catalogue().resolve(name)
    return drug.id if drug is not None else name.strip()
