"""The long-lived parts of the CDS Hooks service: configuration, caches and the HTTP client.

One :class:`CdsRuntime` serves an application: the configuration, the key-set cache, the used
``jti`` cache, the memory of cards shown at order-select and of card kinds (for feedback), and
the httpx client used for key sets and FHIR reads (tests pass one with a mock transport).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from trdkit.cdshooks.config import CdsConfig
from trdkit.cdshooks.dedupe import TtlStore
from trdkit.cdshooks.jwks import JwksCache, ReplayCache
from trdkit.interop.fhir_client import fetch_patient_resources

__all__ = ["CdsRuntime"]


@dataclass
class CdsRuntime:
    """Configuration and caches of one running CDS Hooks service."""

    config: CdsConfig
    http: httpx.Client | None
    jwks: JwksCache
    replay: ReplayCache
    shown: TtlStore
    kinds: TtlStore

    @classmethod
    def create(
        cls, config: CdsConfig | None = None, http: httpx.Client | None = None
    ) -> CdsRuntime:
        """A runtime for ``config`` (default: from the environment)."""
        cfg = config if config is not None else CdsConfig.from_env()
        return cls(
            config=cfg,
            http=http,
            jwks=JwksCache(http, ttl=cfg.jwks_ttl_seconds, timeout=cfg.fhir_timeout_seconds),
            replay=ReplayCache(),
            shown=TtlStore(cfg.dedupe_ttl_seconds),
            kinds=TtlStore(cfg.dedupe_ttl_seconds),
        )

    def fetch(self, server: str, patient_id: str, token: str | None) -> list[dict[str, Any]]:
        """Read the patient from ``server`` with this runtime's client and timeout."""
        return fetch_patient_resources(
            server,
            patient_id,
            token=token,
            client=self.http,
            timeout=self.config.fhir_timeout_seconds,
        )
