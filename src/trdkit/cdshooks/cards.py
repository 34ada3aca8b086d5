"""Building cards: summaries that fit, sources, override reasons and the report link.

Every card trdkit returns is made by :func:`new_card`, which gives it a fresh ``uuid`` (for
feedback), the source of its kind (``cds_hooks.yaml``), the override reasons when its kind may be
overridden, the link to the full report, and a summary shortened at a word boundary to fewer
than 140 characters.

References
----------
HL7 CDS Hooks 2.0.1, "Card Attributes" (summary < 140 characters, source, overrideReasons,
links, selectionBehavior).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from trdkit.cdshooks.models import (
    SUMMARY_MAX,
    Card,
    Coding,
    Indicator,
    Link,
    Source,
    Suggestion,
)
from trdkit.knowledge.cds_hooks import CardKind, load_cds_hooks

__all__ = ["DraftCard", "LinkMaker", "bullets", "fit_summary", "new_card", "worst"]

_LEVELS: tuple[Indicator, ...] = ("info", "warning", "critical")


def fit_summary(text: str, limit: int = SUMMARY_MAX) -> str:
    """``text`` on one line, shortened at a word boundary with an ellipsis to ``limit`` chars."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def worst(levels: Iterable[Indicator]) -> Indicator:
    """The most urgent indicator of ``levels`` (``info`` when there is none)."""
    return max(levels, key=_LEVELS.index, default="info")


def bullets(lines: Iterable[str]) -> str:
    """A Markdown bullet list (repeated lines once)."""
    return "\n".join(f"- {line}" for line in dict.fromkeys(lines))


@dataclass(frozen=True)
class LinkMaker:
    """Makes the link from a card to the full trdkit report of the patient in context."""

    template: str
    base_url: str
    link_type: str = "absolute"

    def report(self, patient_id: str | None, hook_instance: str) -> Link | None:
        """The report link, or ``None`` without a patient."""
        if not patient_id:
            return None
        url = self.template.format(
            base_url=self.base_url.rstrip("/"),
            patient_id=quote(patient_id, safe=""),
            hook_instance=quote(hook_instance, safe=""),
        )
        if self.link_type == "smart":
            return Link(
                label="Open the trdkit report", url=url, type="smart", app_context=hook_instance
            )
        return Link(label="Open the full trdkit report", url=url, type="absolute")


@dataclass(frozen=True)
class DraftCard:
    """A card with what the service keeps about it: its kind and, for orders, the order."""

    card: Card
    kind: CardKind
    order_ref: str | None = None
    drug: str | None = None


def _source(kind: CardKind) -> Source:
    table = load_cds_hooks()
    row = table.card_sources[kind]
    topic = Coding(system=table.system("card_topic"), code=kind, display=kind.replace("_", " "))
    return Source(label=row.label, url=row.url, topic=topic)


def _override(kind: CardKind) -> list[Coding] | None:
    table = load_cds_hooks()
    if kind not in table.overridable:
        return None
    system = table.system("override_reason")
    return [Coding(system=system, code=r.code, display=r.display) for r in table.override_reasons]


def new_card(
    kind: CardKind,
    summary: str,
    indicator: Indicator,
    detail: str | None,
    *,
    link: Link | None = None,
    suggestions: Sequence[Suggestion] = (),
    order_ref: str | None = None,
    drug: str | None = None,
) -> DraftCard:
    """A card of ``kind`` with a fresh uuid, its kind's source and override reasons."""
    card = Card(
        uuid=str(uuid.uuid4()),
        summary=fit_summary(summary),
        detail=detail or None,
        indicator=indicator,
        source=_source(kind),
        suggestions=list(suggestions) or None,
        selection_behavior="at-most-one" if suggestions else None,
        override_reasons=_override(kind),
        links=[link] if link is not None else None,
    )
    return DraftCard(card=card, kind=kind, order_ref=order_ref, drug=drug)
