"""Fetching and caching the JSON Web Key Sets of trusted EHRs, and remembering used ``jti``.

A key set is fetched with httpx and kept for ``ttl`` seconds; a token naming an unknown ``kid``
may force one early refetch (an EHR rotating its keys), but at most once every
``min_refetch_seconds`` so that forged tokens cannot make the service hammer the EHR.
:class:`ReplayCache` keeps each token id until its token expires: a ``jti`` is accepted once.
Both live in the process's memory (see docs/cds-hooks.md for several workers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

__all__ = ["JwksCache", "JwksError", "ReplayCache"]


class JwksError(RuntimeError):
    """A key set could not be fetched or is not a JWKS."""


class JwksCache:
    """Key sets by URL, fetched on demand and kept for ``ttl`` seconds."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        ttl: float = 300.0,
        timeout: float = 10.0,
        min_refetch_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._timeout = timeout
        self._min_refetch = min_refetch_seconds
        self._clock = clock
        self._sets: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _fetch(self, url: str) -> dict[str, Any]:
        try:
            if self._client is not None:
                response = self._client.get(url, timeout=self._timeout)
            else:
                response = httpx.get(url, timeout=self._timeout)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise JwksError(f"cannot fetch the key set: {type(exc).__name__}") from None
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise JwksError("the key set is not a JWKS (no 'keys' list)")
        return data

    def get(self, url: str, *, refresh: bool = False) -> dict[str, Any]:
        """The key set at ``url``; ``refresh`` refetches unless it was fetched very recently."""
        now = self._clock()
        with self._lock:
            cached = self._sets.get(url)
        if cached is not None:
            age = now - cached[0]
            if age < self._ttl and (not refresh or age < self._min_refetch):
                return cached[1]
        data = self._fetch(url)
        with self._lock:
            self._sets[url] = (now, data)
        return data


class ReplayCache:
    """Token ids already accepted, per issuer, kept until their token expires."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def use(self, issuer: str, jti: str, expires_at: float) -> bool:
        """Record ``jti``; ``False`` if it was already used by this issuer."""
        now = self._clock()
        with self._lock:
            # Expired ids cannot come back (their tokens are refused), so they are let go.
            for key in [k for k, until in self._seen.items() if until < now]:
                del self._seen[key]
            key = (issuer, jti)
            if key in self._seen:
                return False
            self._seen[key] = expires_at
            return True
