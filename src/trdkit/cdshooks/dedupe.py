"""Short-lived memory of the cards already shown, so order-sign does not repeat order-select.

A card's key is the SHA-256 of what makes it "the same card": the calling EHR, the patient, the
draft order (its ``MedicationRequest`` id and drug), the card kind and its content (indicator,
summary, detail). The uuid is left out: it is new on every call. Keys live in a
:class:`TtlStore` for ``dedupe_ttl_seconds`` (default an hour); the store also maps card uuids to
their kind, so feedback can say which kind of card was accepted or overridden.

The store is in the memory of one process. With several workers a card may be shown twice (the
safe failure); see docs/cds-hooks.md.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from trdkit.cdshooks.cards import DraftCard

__all__ = ["TtlStore", "card_key"]


class TtlStore:
    """A thread-safe map whose entries expire ``ttl`` seconds after they were put."""

    def __init__(
        self,
        ttl: float,
        *,
        max_items: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_items
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._items:
            key, (until, _) = next(iter(self._items.items()))
            if until > now and len(self._items) <= self._max:
                break
            del self._items[key]

    def put(self, key: str, value: str = "") -> None:
        """Remember ``key`` (with ``value``) for the store's time to live."""
        now = self._clock()
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = (now + self._ttl, value)
            self._expire(now)

    def get(self, key: str) -> str | None:
        """The value of ``key`` while it lives, else ``None``."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            found = self._items.get(key)
            return found[1] if found is not None else None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None


def card_key(client: str, patient_id: str, drafted: DraftCard) -> str:
    """The stable hash of a card for one client and patient (see the module docstring)."""
    card = drafted.card
    parts = [
        client,
        patient_id,
        drafted.order_ref,
        drafted.drug,
        drafted.kind,
        card.indicator,
        card.summary,
        card.detail,
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()
